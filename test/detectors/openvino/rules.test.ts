import { BufferSource } from '../../../src/core/byte-source.js';
import { extensionLayer } from '../../../src/detectors/openvino/extension-layer.js';
import { modelInfo } from '../../../src/detectors/openvino/model-info.js';
import { openVinoIr, plainIr } from '../../../src/formats/openvino/builder.js';
import type { OpenVinoModel } from '../../../src/formats/openvino/model.js';
import { parseOpenVino } from '../../../src/formats/openvino/parse.js';
import { expectOffset, ruleTester, type RuleFormat } from '../../helpers/rule-tester.js';

const IR: RuleFormat<Buffer, OpenVinoModel> = {
  parse(bytes) {
    const { model, error } = parseOpenVino(new BufferSource(bytes));
    if (error) throw error;
    return model;
  },
  eachFinding: expectOffset,
  bytes: (b) => b,
};

ruleTester(extensionLayer, IR, {
  valid: [
    { name: 'numbered opsets only', input: plainIr() },
    { name: 'an IR v7 without versions', input: openVinoIr({ version: 7, layers: [{ type: 'Convolution' }] }) },
  ],
  invalid: [
    {
      name: 'an extension layer is medium',
      input: openVinoIr({
        layers: [
          { type: 'Parameter', version: 'opset1' },
          { type: 'Backdoor', version: 'extension', name: 'evil' },
        ],
      }),
      errors: [{ severity: 'medium', evidence: 'extension: Backdoor', message: 'first "evil"', at: '<layer id="1"' }],
    },
    {
      name: "OpenVINO's own internal sets are low",
      input: openVinoIr({ layers: [{ type: 'FullyConnected', version: 'internal' }] }),
      errors: [{ severity: 'low', message: 'of OpenVINO itself' }],
    },
    {
      name: 'a layer without a version in IR v11',
      input: openVinoIr({ layers: [{ type: 'X' }] }),
      errors: [{ severity: 'medium', message: 'no operation set' }],
    },
    {
      name: 'inside a Loop body, one finding per set',
      input: openVinoIr({
        layers: [
          {
            type: 'Loop',
            version: 'opset5',
            body: [
              { type: 'A', version: 'my_ops' },
              { type: 'B', version: 'my_ops' },
            ],
          },
        ],
      }),
      errors: [{ severity: 'medium', evidence: 'my_ops: A, B', message: '2 layer(s)' }],
    },
  ],
});

ruleTester(modelInfo, IR, {
  valid: [],
  invalid: [
    { name: 'summarises', input: plainIr(), errors: [{ severity: 'info', message: 'network "Model0"; IR version 11; 4 layer(s); operation sets: opset1' }] },
  ],
});
