import { foreignModule } from '../../../src/detectors/keras/foreign-module.js';
import { k2Layer, k2Sequential, k3, k3Layer, k3Sequential } from '../../../src/formats/keras/builder.js';
import { BENIGN, parseConfig } from './configs.js';
import { ruleTester } from '../../helpers/rule-tester.js';

/** A Dense layer whose activation is the given function object (Keras 3 shape). */
const activation = (module: string, fn: string) => k3Sequential([k3Layer('Dense', 'dense', { units: 2, activation: k3('function', fn, module, fn) })]);

ruleTester(foreignModule, parseConfig, {
  valid: [
    ...BENIGN,
    { name: 'Keras 2 object with an odd class_name but no module (resolved by name only)', input: k2Sequential([k2Layer('os.system', 'x')]) },
    { name: 'builtins function Keras looks up among its activations', input: activation('builtins', 'relu') },
    { name: 'Keras activation function', input: activation('keras.activations', 'swish') },
    { name: 'TFSMLayer from keras.layers (keras/external-model reports it)', input: k3Sequential([k3Layer('TFSMLayer', 'tfsm', { filepath: 'exported' })]) },
    { name: 'hub KerasLayer from tensorflow_hub', input: k3('KerasLayer', { name: 'hub', handle: 'https://tfhub.dev/x/1' }, 'tensorflow_hub.keras_layer') },
  ],
  invalid: [
    // CVE-2025-1550: Keras < 3.9 imports any module named in a config, safe_mode or not.
    {
      name: 'builtins.eval as a function object',
      input: activation('builtins', 'eval'),
      errors: [{ severity: 'critical', evidence: 'builtins.eval', message: 'in layer "dense"' }],
    },
    { name: 'os.system', input: activation('os', 'system'), errors: [{ severity: 'critical', evidence: 'os.system' }] },
    { name: 'posix.system (os on Unix)', input: activation('posix', 'system'), errors: [{ severity: 'critical' }] },
    {
      name: 'subprocess.Popen as a class',
      input: k3Sequential([k3('Popen', { args: ['id'] }, 'subprocess')]),
      errors: [{ severity: 'critical', evidence: 'subprocess.Popen' }],
    },
    { name: 'importlib.import_module', input: activation('importlib', 'import_module'), errors: [{ severity: 'critical' }] },
    { name: 'a dotted submodule of a dangerous package', input: activation('urllib.request', 'urlopen'), errors: [{ severity: 'critical' }] },
    // CVE-2025-9906: a config that switches safe mode off, then loads a Lambda.
    {
      name: 'keras.config.enable_unsafe_deserialization',
      input: activation('keras.config', 'enable_unsafe_deserialization'),
      errors: [{ severity: 'critical' }],
    },
    // CVE-2025-8747: keras.utils.get_file downloads to an attacker-chosen path.
    { name: 'keras.utils.get_file', input: activation('keras.utils', 'get_file'), errors: [{ severity: 'high', message: 'CVE-2025-8747' }] },
    { name: 'keras.models.load_model', input: activation('keras.models', 'load_model'), errors: [{ severity: 'high' }] },
    {
      name: 'custom layer from a third-party package',
      input: k3Sequential([k3('CustomDense', { name: 'c', trainable: true }, 'my_layers', 'MyLayers>CustomDense')]),
      errors: [{ severity: 'medium', message: '"my_layers"' }],
    },
    {
      name: 'custom loss from __main__',
      input: { ...k3Sequential([]), compile_config: { loss: k3('function', 'my_loss', '__main__', 'my_loss') } },
      errors: [{ severity: 'medium', evidence: '$.compile_config.loss' }],
    },
    { name: 'third-party function named like a gadget', input: activation('somepkg.tools', 'run'), errors: [{ severity: 'high' }] },
    { name: 'tensorflow.io.write_file', input: activation('tensorflow.io', 'write_file'), errors: [{ severity: 'high' }] },
    { name: 'TensorFlow math outside tf.keras', input: activation('tensorflow.math', 'add'), errors: [{ severity: 'medium' }] },
    { name: 'builtins class', input: k3Sequential([k3('dict', {}, 'builtins')]), errors: [{ severity: 'medium' }] },
    {
      name: 'registered name naming os.system',
      input: k3Sequential([k3('Dense', { name: 'd', units: 1 }, 'keras.layers', 'os>system')]),
      errors: [{ severity: 'high', message: 'registered name' }],
    },
    {
      name: 'loss object in compile_config from os',
      input: { ...k3Sequential([]), compile_config: { loss: k3('function', 'system', 'os') } },
      errors: [{ severity: 'critical', evidence: '$.compile_config.loss: os.system' }],
    },
    {
      name: 'one finding per object',
      input: k3Sequential([k3('Popen', {}, 'subprocess'), k3('system', {}, 'os')]),
      errors: [{ severity: 'critical' }, { severity: 'critical' }],
    },
  ],
});
