import { modelInfo } from '../../../src/detectors/tflite/model-info.js';
import { tfliteModel } from '../../../src/formats/tflite/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { TFLITE } from './adapter.js';

ruleTester(modelInfo, TFLITE, {
  valid: [],
  invalid: [
    {
      name: 'summarises the model',
      input: tfliteModel({ codes: [{ builtin: 9 }, { custom: 'X' }], ops: [{ code: 0 }, { code: 1 }] }),
      errors: [{ severity: 'info', message: '1 subgraph(s), 2 operator(s), 2 operator code(s); 1 buffer(s); custom: X' }],
    },
  ],
});
