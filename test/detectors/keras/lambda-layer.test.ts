import { lambdaLayer } from '../../../src/detectors/keras/lambda-layer.js';
import {
  BACKEND_LAMBDA,
  OS_SYSTEM_LAMBDA,
  PLAIN_LAMBDA,
  k2Lambda,
  k2Layer,
  k2Sequential,
  k3,
  k3Lambda,
  k3Layer,
  k3Sequential,
  lambdaText,
  marshalCode,
} from '../../../src/formats/keras/builder.js';
import { BENIGN, parseConfig } from './configs.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const osText = lambdaText(OS_SYSTEM_LAMBDA);
const lambda3 = (spec = PLAIN_LAMBDA) => k3Sequential([k3Lambda('lam', lambdaText(spec))]);

ruleTester(lambdaLayer, parseConfig, {
  valid: [
    ...BENIGN,
    {
      name: 'Keras 3 Lambda whose function is a Keras function reference',
      input: k3Sequential([k3Layer('Lambda', 'lam', { function: k3('function', 'relu', 'keras.activations', 'relu') })]),
    },
    { name: "Keras 2 Lambda with function_type 'raw'", input: k2Sequential([k2Layer('Lambda', 'lam', { function: 'not code', function_type: 'raw' })]) },
  ],
  invalid: [
    // JFrog KERAS-LAMBDA, CVE-2024-3660: the code runs when the model is built at load.
    { name: 'Keras 3 __lambda__ with plain arithmetic', input: lambda3(), errors: [{ severity: 'high', message: 'Lambda layer "lam"', evidence: 'names=[]' }] },
    {
      name: 'Keras 3 __lambda__ calling os.system',
      input: lambda3(OS_SYSTEM_LAMBDA),
      errors: [{ severity: 'critical', evidence: 'names=[__import__, system] strings=["os", "echo modelgate"]' }],
    },
    { name: 'Keras 3 lambda using the backend', input: lambda3(BACKEND_LAMBDA), errors: [{ severity: 'high', evidence: 'names=[K, expand_dims]' }] },
    {
      name: 'Keras 2 [code, defaults, closure]',
      input: k2Sequential([k2Lambda('lam', osText)]),
      errors: [{ severity: 'critical', evidence: '$.config.layers[0].config.function' }],
    },
    {
      name: "Keras 2 code string with function_type 'lambda'",
      input: k2Sequential([k2Layer('Lambda', 'lam', { function: osText, function_type: 'lambda' })]),
      errors: [{ severity: 'critical' }],
    },
    {
      name: 'Keras 2 output_shape lambda',
      input: k2Sequential([
        k2Lambda('lam', lambdaText(PLAIN_LAMBDA), { output_shape: [lambdaText(OS_SYSTEM_LAMBDA), null, null], output_shape_type: 'lambda' }),
      ]),
      errors: [
        { severity: 'high', evidence: 'function' },
        { severity: 'critical', evidence: 'output_shape' },
      ],
    },
    {
      name: "Keras 2 plain code whose module is 'os' (its globals)",
      input: k2Sequential([k2Lambda('lam', lambdaText({ names: ['system'], consts: [null] }), { module: 'os' })]),
      errors: [{ severity: 'critical', message: 'module "os"' }],
    },
    {
      name: 'code object in the CPython 3.8-3.10 layout',
      input: k3Sequential([k3Lambda('lam', lambdaText(OS_SYSTEM_LAMBDA, '3.8'))]),
      errors: [{ severity: 'critical', evidence: 'system' }],
    },
    {
      name: 'code object in the CPython 3.0-3.7 layout',
      input: k3Sequential([k3Lambda('lam', lambdaText(OS_SYSTEM_LAMBDA, '3.7'))]),
      errors: [{ severity: 'critical', evidence: 'system' }],
    },
    {
      name: 'dangerous names only in a nested code object',
      input: lambda3({ names: [], consts: [null, { names: ['subprocess', 'check_output'], consts: [null, 'id'], name: '<listcomp>' }] }),
      errors: [{ severity: 'critical', evidence: 'names=[subprocess, check_output]' }],
    },
    {
      name: '__lambda__ as a Dense activation, not in a Lambda layer',
      input: k3Sequential([
        k3Layer('Dense', 'dense', { units: 2, activation: { class_name: '__lambda__', config: { code: osText, defaults: null, closure: null } } }),
      ]),
      errors: [{ severity: 'critical', message: 'Lambda layer "dense"' }],
    },
    {
      name: 'Lambda inside TimeDistributed inside a nested model',
      input: k3Sequential([
        k3('Sequential', { name: 'inner', trainable: true, layers: [k3Layer('TimeDistributed', 'td', { layer: k3Lambda('deep', osText) })] }, 'keras'),
      ]),
      errors: [{ severity: 'critical', message: 'Lambda layer "deep"', evidence: 'config.layers[0].config.layers[0].config.layer.config.function' }],
    },
    {
      // python_utils.func_load falls back to code.encode("raw_unicode_escape") when base64 fails.
      name: 'code stored as raw text (raw_unicode_escape fallback)',
      input: k3Sequential([k3Lambda('lam', marshalCode(OS_SYSTEM_LAMBDA).toString('latin1'))]),
      errors: [{ severity: 'critical', message: 'raw text' }],
    },
    {
      name: 'base64 of bytes that are no marshal data',
      input: k3Sequential([k3Lambda('lam', Buffer.from('hello world!').toString('base64'))]),
      errors: [{ severity: 'high', message: 'could not decode' }],
    },
    {
      name: 'code that is not a string',
      input: k3Sequential([k3Layer('Lambda', 'lam', { function: { class_name: '__lambda__', config: { code: null } } })]),
      errors: [{ severity: 'high', message: 'null, not a string' }],
    },
    {
      name: 'Keras 2 named function',
      input: k2Sequential([k2Layer('Lambda', 'lam', { function: 'my_fn', function_type: 'function', module: 'mylib' })]),
      errors: [{ severity: 'medium', evidence: 'my_fn (module mylib)' }],
    },
    {
      name: 'Keras 2 named TensorFlow function (Lambda(tf.nn.relu))',
      input: k2Sequential([k2Layer('Lambda', 'lam', { function: 'relu', function_type: 'function', module: 'tensorflow.python.ops.gen_nn_ops' })]),
      errors: [{ severity: 'low' }],
    },
    {
      name: 'Keras 2 named Keras activation',
      input: k2Sequential([k2Layer('Lambda', 'lam', { function: 'relu', function_type: 'function', module: 'keras.activations' })]),
      errors: [{ severity: 'low' }],
    },
    {
      name: 'Keras 2 named function inside keras that is no modelling function',
      input: k2Sequential([k2Layer('Lambda', 'lam', { function: 'print_summary', function_type: 'function', module: 'keras.utils.layer_utils' })]),
      errors: [{ severity: 'medium' }],
    },
    {
      name: 'Keras 2 named keras get_file (CVE-2025-8747 class)',
      input: k2Sequential([k2Layer('Lambda', 'lam', { function: 'get_file', function_type: 'function', module: 'keras.utils.data_utils' })]),
      errors: [{ severity: 'high' }],
    },
    {
      name: "Keras 2 named function with module 'subprocess'",
      input: k2Sequential([k2Layer('Lambda', 'lam', { function: 'call', function_type: 'function', module: 'subprocess' })]),
      errors: [{ severity: 'high' }],
    },
  ],
});
