import { kerasLambdaLayer } from '../../../src/detectors/savedmodel/keras-lambda-layer.js';
import { kerasMetadata, savedModel } from '../../../src/formats/savedmodel/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { SAVEDMODEL } from './adapter.js';

const model = savedModel();
const layer = (className: string, config: Record<string, unknown>): string => JSON.stringify({ class_name: className, config });
const keras = (...metadata: string[]): Buffer =>
  kerasMetadata(metadata.map((m, i) => ({ path: `root.layer-${i}`, identifier: '_tf_keras_layer', metadata: m })));

/** What Keras 2 writes for `Lambda(lambda x: ...)`: base64 of marshalled bytecode. */
const marshalled = { class_name: '__tuple__', items: ['4wEAAAAAAAAAAAAAAAEAAAADAAAAQwAAAHMMAAAAdABkAYMBAQB8AFMAKQJO', null, null] };

ruleTester(kerasLambdaLayer, SAVEDMODEL, {
  valid: [
    { name: 'no keras_metadata.pb', input: model },
    { name: 'ordinary layers', input: { model, keras: keras(layer('Dense', { name: 'dense', units: 4 }), layer('Conv2D', { name: 'c' })) } },
    { name: 'a layer named lambda that is not one', input: { model, keras: keras(layer('Dense', { name: 'lambda' })) } },
  ],
  invalid: [
    {
      name: 'a Lambda layer with marshalled bytecode',
      input: { model, keras: keras(layer('Lambda', { name: 'evil', function: marshalled, function_type: 'lambda', module: '__main__' })) },
      errors: [{ severity: 'high', evidence: '__main__: 4wEAAAAA', message: 'Lambda layer "evil" (function_type lambda)' }],
    },
    {
      name: 'a Lambda naming a function in a module',
      input: { model, keras: keras(layer('Lambda', { name: 'sys', function: 'system', function_type: 'function', module: 'os' })) },
      errors: [{ severity: 'high', evidence: 'os: system' }],
    },
    {
      name: 'a Lambda inside a model config, reported once even when repeated',
      input: {
        model,
        keras: keras(
          layer('Functional', {
            layers: [layer('Dense', {}), { class_name: 'Lambda', config: { name: 'l', function: 'f', function_type: 'function' } }].map((l) =>
              typeof l === 'string' ? JSON.parse(l) : l,
            ),
          }),
          layer('Lambda', { name: 'l', function: 'f', function_type: 'function' }),
        ),
      },
      errors: [{ severity: 'high', message: 'root.layer-0' }],
    },
    {
      name: 'metadata JSON that does not parse',
      input: { model, keras: keras('{"class_name": "Lambda", "config": {"function": "4wEAAA') },
      errors: [{ severity: 'high', evidence: 'could not be parsed' }],
    },
  ],
});
