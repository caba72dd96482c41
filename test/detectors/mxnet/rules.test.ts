import { BufferSource } from '../../../src/core/byte-source.js';
import { customOp } from '../../../src/detectors/mxnet/custom-op.js';
import { modelInfo } from '../../../src/detectors/mxnet/model-info.js';
import { symbolJson } from '../../../src/formats/mxnet/builder.js';
import type { MxnetSymbol } from '../../../src/formats/mxnet/model.js';
import { parseMxnetSymbol } from '../../../src/formats/mxnet/symbol.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const SYMBOL = (bytes: Buffer): MxnetSymbol => {
  const parsed = parseMxnetSymbol(new BufferSource(bytes));
  if (!parsed || parsed.error) throw new Error('not a symbol');
  return parsed.model;
};

ruleTester(customOp, SYMBOL, {
  valid: [{ name: 'builtin ops', input: symbolJson([{ op: 'Convolution' }, { op: 'Activation', attrs: { act_type: 'relu' } }, { op: 'SoftmaxOutput' }]) }],
  invalid: [
    {
      name: 'a Custom op names the Python class the app registered',
      input: symbolJson([{ op: 'Custom', name: 'proposal', attrs: { op_type: 'proposal' } }]),
      errors: [{ severity: 'medium', evidence: 'Custom(proposal)', message: 'nodes[1]' }],
    },
    {
      name: 'a _Native op calls through a stored pointer',
      input: symbolJson([{ op: '_Native', attrs: { info: '140737488355328' } }]),
      errors: [{ severity: 'high', evidence: '_Native(140737488355328)' }],
    },
  ],
});

ruleTester(modelInfo, SYMBOL, {
  valid: [],
  invalid: [
    {
      name: 'summarises',
      input: symbolJson([{ op: 'FullyConnected' }]),
      errors: [{ severity: 'info', message: 'MXNet 10901; 2 node(s), 1 output(s); ops: FullyConnected' }],
    },
  ],
});
