import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import allowlist from '../../../src/detectors/keras/allowlist.json' with { type: 'json' };
import { foreignModule } from '../../../src/detectors/keras/foreign-module.js';
import { denyGrade } from '../../../src/detectors/pickle/denylist.js';
import { k2Layer, k2Sequential, k3, k3Layer, k3Sequential } from '../../../src/formats/keras/builder.js';
import type { JsonValue } from '../../../src/formats/keras/json.js';
import { BENIGN, parseConfig } from './configs.js';
import { ruleTester } from '../../helpers/rule-tester.js';

/** The config.json Keras 3.15 writes for a benign model of many families (fixtures/keras/make_rich_config.py). */
const richConfig = JSON.parse(readFileSync('test/fixtures/keras/rich_config.json', 'utf8')) as JsonValue;

/** A Dense layer whose activation is the given function object (Keras 3 shape). */
const activation = (module: string, fn: string) => k3Sequential([k3Layer('Dense', 'dense', { units: 2, activation: k3('function', fn, module, fn) })]);

ruleTester(foreignModule, parseConfig, {
  valid: [
    // A KerasHub class is outside the allow-list snapshot: judged low below.
    ...BENIGN.filter((c) => c.name !== 'KerasHub backbone'),
    { name: 'a real Keras 3 config of many families (layers, schedules, policies, metrics)', input: richConfig },
    { name: 'a layer by its defining keras.src path', input: k3('Dense', { name: 'd', units: 1 }, 'keras.src.layers.core.dense') },
    {
      name: 'an initializer, a regularizer and a constraint',
      input: k3Sequential([
        k3Layer('Dense', 'd', {
          kernel_initializer: k3('HeNormal', {}, 'keras.initializers'),
          kernel_regularizer: k3('L2', { l2: 0.01 }, 'keras.regularizers'),
          kernel_constraint: k3('MaxNorm', {}, 'keras.constraints'),
        }),
      ]),
    },
    {
      name: 'a learning-rate schedule in the optimizer',
      input: {
        ...k3Sequential([]),
        compile_config: {
          optimizer: k3('Adam', { learning_rate: k3('ExponentialDecay', { initial_learning_rate: 0.1 }, 'keras.optimizers.schedules') }, 'keras.optimizers'),
        },
      },
    },
    { name: 'a dtype policy', input: k3('DTypePolicy', { name: 'mixed_float16' }, 'keras.dtype_policies') },
    { name: 'a loss function by its keras.src path', input: activation('keras.src.losses.losses', 'mean_squared_error') },
    { name: 'tf.keras (Keras 2 line) layer known by name', input: k3('Conv2D', { name: 'c' }, 'tensorflow.python.keras.layers.convolutional') },
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
    // Graded by the pickle deny-list: it loads nested data.
    { name: 'keras.models.load_model', input: activation('keras.models', 'load_model'), errors: [{ severity: 'critical' }] },
    // CVE-2025-8747 by the internal path: not trusted for being inside the keras package.
    {
      name: 'keras.src.utils.file_utils.get_file',
      input: activation('keras.src.utils.file_utils', 'get_file'),
      errors: [{ severity: 'high', evidence: 'keras.src.utils.file_utils.get_file' }],
    },
    {
      name: 'keras.src.utils.python_utils.func_load (pickle deny-list)',
      input: activation('keras.src.utils.python_utils', 'func_load'),
      errors: [{ severity: 'critical' }],
    },
    {
      name: 'a non-layer function inside keras',
      input: activation('keras.src.utils.summary_utils', 'print_summary'),
      errors: [{ severity: 'medium', message: 'not a serialisable Keras function' }],
    },
    { name: 'a keras op function, not a modelling function', input: activation('keras.ops', 'add'), errors: [{ severity: 'medium' }] },
    {
      name: 'a class inside keras that is not serialisable',
      input: k3Sequential([k3('Progbar', {}, 'keras.utils')]),
      errors: [{ severity: 'medium', message: 'allow-list of Keras' }],
    },
    {
      name: 'the deserialize helper of an allowed module',
      input: activation('keras.activations', 'deserialize'),
      errors: [{ severity: 'medium', message: 'not a serialisable Keras function' }],
    },
    {
      name: 'a Keras layer name at a path Keras does not export it from',
      input: k3('Dense', { name: 'd', units: 1 }, 'keras.src.utils.file_utils'),
      errors: [{ severity: 'low', message: 'not a path Keras' }],
    },
    {
      name: 'tf_keras data_utils.get_file (Keras 2 line)',
      input: activation('tf_keras.src.utils.data_utils', 'get_file'),
      errors: [{ severity: 'high' }],
    },
    {
      name: 'a KerasHub class, outside the snapshot',
      input: k3('BertBackbone', { name: 'bert', trainable: true, vocabulary_size: 10 }, 'keras_hub.src.models.bert.bert_backbone', 'keras_hub>BertBackbone'),
      errors: [{ severity: 'low', message: 'keras_hub class' }],
    },
    { name: 'a builtins function Keras does not resolve', input: activation('builtins', 'print'), errors: [{ severity: 'medium', message: 'builtins.print' }] },
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

describe('the Keras allow-list', () => {
  it('allows nothing the deny tables or Keras itself refuse', () => {
    expect(allowlist.keras).toMatch(/^3\./);
    for (const path of [...allowlist.classes, ...allowlist.functions]) expect(denyGrade(path), path).toBeUndefined();
    const refused = ['keras.utils.get_file', 'keras.models.load_model', 'keras.config.enable_unsafe_deserialization', 'keras.saving.deserialize_keras_object'];
    for (const path of refused) expect(allowlist.functions).not.toContain(path);
  });

  it('holds the serialisable families by public and defining path', () => {
    for (const path of [
      'keras.layers.Dense',
      'keras.src.layers.core.dense.Dense',
      'keras.initializers.GlorotUniform',
      'keras.DTypePolicy',
      'keras.optimizers.Adam',
    ])
      expect(allowlist.classes).toContain(path);
    expect(allowlist.functions).toContain('keras.activations.relu');
    expect(allowlist.builtins).toContain('relu');
  });
});

describe('the rich benign config', () => {
  it('is walked object by object', () => {
    const model = parseConfig(richConfig);
    expect(model.objects.length).toBeGreaterThan(50);
    expect(model.objects.some((o) => o.module === 'keras.optimizers.schedules')).toBe(true);
  });
});
