import { customOp } from '../../../src/detectors/tflite/custom-op.js';
import { proto } from '../../../src/formats/protobuf/writer.js';
import { flexStrings, tfliteModel } from '../../../src/formats/tflite/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { TFLITE } from './adapter.js';

const flex = (name: string, op: string): Buffer => flexStrings([Buffer.from(name), proto().string(1, 'node').string(2, op).finish()]);

ruleTester(customOp, TFLITE, {
  valid: [
    { name: 'builtin ops only', input: tfliteModel({ codes: [{ builtin: 9 }, { builtin: 3 }], ops: [{ code: 0 }, { code: 1 }] }) },
    { name: 'an old model with deprecated codes', input: tfliteModel({ codes: [{ builtin: 9, deprecated: true }], ops: [{ code: 0 }] }) },
  ],
  invalid: [
    {
      name: 'a custom op the app must register is medium',
      input: tfliteModel({ codes: [{ custom: 'MyKernel' }], ops: [{ code: 0 }, { code: 0 }] }),
      errors: [{ severity: 'medium', evidence: 'MyKernel', message: '2 operator(s)' }],
    },
    {
      name: "a custom op of TFLite's own resolver is low",
      input: tfliteModel({ codes: [{ custom: 'TFLite_Detection_PostProcess' }], ops: [{ code: 0 }] }),
      errors: [{ severity: 'low', message: 'built-in op resolver' }],
    },
    {
      name: 'a Flex op of an ordinary TensorFlow op is low',
      input: tfliteModel({ codes: [{ custom: 'FlexRFFT' }], ops: [{ code: 0, options: flex('RFFT', 'RFFT') }] }),
      errors: [{ severity: 'low', evidence: 'FlexRFFT, RFFT' }],
    },
    {
      name: 'a Flex ReadFile is graded as the TensorFlow op',
      input: tfliteModel({ codes: [{ custom: 'FlexReadFile' }], ops: [{ code: 0, options: flex('ReadFile', 'ReadFile') }] }),
      errors: [{ severity: 'medium', message: 'file: reads the whole file' }],
    },
    {
      name: 'a NodeDef that runs another op than its code name says',
      input: tfliteModel({ codes: [{ custom: 'FlexAdd' }], ops: [{ code: 0, options: flex('Add', 'PyFunc') }] }),
      errors: [{ severity: 'high', evidence: 'PyFunc' }],
    },
    {
      name: 'a Flex op whose options cannot be read',
      input: tfliteModel({ codes: [{ custom: 'FlexAdd' }], ops: [{ code: 0, options: Buffer.from('xx') }] }),
      errors: [{ severity: 'medium', message: 'could not be read' }],
    },
    {
      name: 'an op code no operator uses is still resolved by the interpreter',
      input: tfliteModel({ codes: [{ builtin: 1 }, { custom: 'Unused' }], ops: [{ code: 0 }] }),
      errors: [{ severity: 'medium', message: '0 operator(s)' }],
    },
  ],
});
