import { modelInfo } from '../../../src/detectors/onnx/model-info.js';
import { onnxModel } from '../../../src/formats/onnx/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { ONNX } from './adapter.js';

ruleTester(modelInfo, ONNX, {
  // Every model gets its summary.
  valid: [],
  invalid: [
    {
      name: 'producer, opsets and metadata',
      input: onnxModel({
        irVersion: 9,
        producerName: 'pytorch',
        producerVersion: '2.3.0',
        opsets: [
          ['', 17],
          ['com.microsoft', 1],
        ],
        metadata: [['license', 'MIT']],
      }),
      errors: [
        {
          severity: 'info',
          evidence: 'ai.onnx 17, com.microsoft 1',
          message: 'IR version 9; producer pytorch 2.3.0; opsets: ai.onnx 17, com.microsoft 1; 1 nodes in 1 graph(s); metadata: license=MIT',
        },
      ],
    },
    {
      name: 'long metadata values are cut',
      input: onnxModel({ metadata: [['card', 'x'.repeat(500)]] }),
      errors: [{ severity: 'info', message: `card=${'x'.repeat(120)}…` }],
    },
    {
      name: 'functions and external files',
      input: onnxModel({
        graph: { initializers: [{ name: 'W', external: [['location', 'w.bin']] }], nodes: [{ opType: 'Relu' }] },
        functions: [{ name: 'F', domain: 'local' }],
      }),
      errors: [{ severity: 'info', message: 'functions: local.F; external data files: w.bin' }],
    },
  ],
});
