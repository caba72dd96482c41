import { k2Layer, k2Sequential, k3, k3Layer, k3Sequential } from '../../../src/formats/keras/builder.js';
import type { JsonObject, JsonValue } from '../../../src/formats/keras/json.js';
import type { KerasModel } from '../../../src/formats/keras/model.js';
import { emptyKerasModel, walkKerasConfig } from '../../../src/formats/keras/parse.js';
import type { ValidCase } from '../../helpers/rule-tester.js';

/** The rule tester's parse for Keras: walks a config document, as `config.json` holds it. */
export function parseConfig(config: JsonValue): KerasModel {
  const model = emptyKerasModel('keras-v3');
  walkKerasConfig(config, '$', model);
  return model;
}

const initializer = k3('GlorotUniform', { seed: null }, 'keras.initializers');
const dense3 = (name: string, activation: JsonObject | string = 'relu'): JsonObject =>
  k3Layer('Dense', name, { units: 2, activation, kernel_initializer: initializer, bias_initializer: k3('Zeros', {}, 'keras.initializers') });

/** A Keras 3 functional model with a nested model, wrappers and a compile config. */
const functional3: JsonObject = {
  ...k3(
    'Functional',
    {
      name: 'outer',
      trainable: true,
      layers: [
        k3Layer('InputLayer', 'input', { batch_shape: [null, 5, 4] }),
        k3Layer('Bidirectional', 'bi', { layer: k3Layer('LSTM', 'lstm', { units: 3 }), merge_mode: 'concat' }),
        k3Layer('TimeDistributed', 'td', { layer: dense3('inner_dense') }),
        k3(
          'Sequential',
          { name: 'inner_model', trainable: true, layers: [dense3('deep_dense', k3('function', 'gelu', 'keras.activations', 'gelu'))] },
          'keras',
        ),
      ],
      input_layers: [['input', 0, 0]],
      output_layers: [['inner_model', 0, 0]],
    },
    'keras.src.models.functional',
  ),
  build_config: { input_shape: [null, 5, 4] },
  compile_config: {
    optimizer: k3('Adam', { name: 'adam', learning_rate: 0.001 }, 'keras.optimizers'),
    loss: k3('MeanSquaredError', { name: 'mse', reduction: 'sum_over_batch_size' }, 'keras.losses'),
    metrics: [k3('function', 'relu', 'builtins')],
  },
};

/** Configs real, ordinary models have: no rule may report anything for them. */
export const BENIGN: Array<ValidCase<JsonValue>> = [
  {
    name: 'Keras 3 Sequential of Dense layers',
    input: k3Sequential([k3Layer('InputLayer', 'in', { batch_shape: [null, 3] }), dense3('dense'), dense3('dense_1', 'softmax')]),
  },
  { name: 'Keras 3 functional model with nested model, wrappers and compile config', input: functional3 },
  {
    name: 'Keras 2 Sequential (class_name/config only)',
    input: k2Sequential([k2Layer('Dense', 'dense', { units: 8, activation: 'relu' }), k2Layer('Dropout', 'drop', { rate: 0.5 })]),
  },
  {
    name: 'Keras 3 special values (__tuple__, __numpy__, DTypePolicy)',
    input: k3Sequential([
      k3Layer('Reshape', 'r', { target_shape: { class_name: '__tuple__', config: { value: [2, 2] } }, dtype: k3('DTypePolicy', { name: 'float32' }, 'keras') }),
    ]),
  },
  {
    name: 'KerasHub backbone',
    input: k3('BertBackbone', { name: 'bert', trainable: true, vocabulary_size: 10 }, 'keras_hub.src.models.bert.bert_backbone', 'keras_hub>BertBackbone'),
  },
  { name: 'tf_keras layer', input: k3('Dense', { name: 'd', units: 1 }, 'tf_keras.layers') },
];
