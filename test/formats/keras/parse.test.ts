import { describe, expect, it } from 'vitest';
import { OS_SYSTEM_LAMBDA, k2Lambda, k2Layer, k2Sequential, k3, k3Lambda, k3Layer, k3Sequential, lambdaText } from '../../../src/formats/keras/builder.js';
import type { JsonValue } from '../../../src/formats/keras/json.js';
import { emptyKerasModel, looksLikeKerasConfig, parseConfigText, walkKerasConfig } from '../../../src/formats/keras/parse.js';

const walk = (doc: unknown) => {
  const model = emptyKerasModel('keras-v3');
  walkKerasConfig(doc, '$', model);
  return model;
};

describe('walkKerasConfig', () => {
  it('lists every serialized object in document order with its module and layer', () => {
    const model = walk(k3Sequential([k3Layer('Dense', 'd1', { activation: k3('function', 'relu', 'keras.activations') }), k3Layer('Dropout', 'd2')]));
    expect(model.objects.map((o) => [o.path, o.className, o.module, o.layerName, o.functionName])).toEqual([
      ['$', 'Sequential', 'keras', 'sequential', undefined],
      ['$.config.layers[0]', 'Dense', 'keras.layers', 'd1', undefined],
      ['$.config.layers[0].config.activation', 'function', 'keras.activations', 'd1', 'relu'],
      ['$.config.layers[1]', 'Dropout', 'keras.layers', 'd2', undefined],
    ]);
  });

  it('does not take an optimizer or dtype policy name for a layer name', () => {
    const model = walk(k3Layer('Dense', 'dense', { dtype: k3('DTypePolicy', { name: 'float32' }, 'keras') }));
    expect(model.objects.map((o) => o.layerName)).toEqual(['dense', 'dense']);
  });

  it('finds Keras 2 and Keras 3 lambdas and decodes them', () => {
    const text = lambdaText(OS_SYSTEM_LAMBDA);
    const model = walk(k2Sequential([k2Lambda('old', text), k3Lambda('new', text)]));
    expect(model.lambdas.map((l) => [l.form, l.layerName, l.path, l.code?.names])).toEqual([
      ['keras2-list', 'old', '$.config.layers[0].config.function', ['__import__', 'system']],
      ['keras3', 'new', '$.config.layers[1].config.function.config.code', ['__import__', 'system']],
    ]);
  });

  it('keeps why a lambda could not be decoded', () => {
    const model = walk(k3Lambda('bad', 'QUJD'));
    expect(model.lambdas[0]!.code).toBeUndefined();
    expect(model.lambdas[0]!.error).toMatch(/marshal|code object/);
  });

  it('keeps location fields of layers', () => {
    const model = walk(k3Layer('TFSMLayer', 't', { filepath: '/x', call_endpoint: 'serve' }));
    expect(model.objects[0]!.locations).toEqual({ filepath: '/x' });
  });

  it('quotes keys that are not identifiers in paths', () => {
    const model = walk({ 'odd key': k2Layer('Dense', 'd') });
    expect(model.objects[0]!.path).toBe('$["odd key"]');
  });

  it('stops below the depth limit and records it, keeping what it saw', () => {
    let deep: JsonValue = k3Lambda('deepest', lambdaText(OS_SYSTEM_LAMBDA));
    for (let i = 0; i < 400; i++) deep = { wrap: deep };
    const model = walk([k3Lambda('shallow', lambdaText(OS_SYSTEM_LAMBDA)), deep]);
    expect(model.incomplete?.code).toBe('LIMIT_DEPTH');
    expect(model.lambdas.map((l) => l.layerName)).toEqual(['shallow']);
  });
});

describe('parseConfigText', () => {
  it('names the document in errors', () => {
    expect(() => parseConfigText('{', 'model_config')).toThrow(/model_config: JSON/);
  });
});

describe('looksLikeKerasConfig', () => {
  it.each([
    ['Keras 3 model', k3Sequential([]), true],
    ['Keras 2 Sequential', k2Sequential([]), true],
    ['Keras 3 layer', k3Layer('Dense', 'd'), true],
    ['functional with layers', { class_name: 'MyModel', config: { layers: [] } }, true],
    ['transformers config.json', { architectures: ['BertModel'], model_type: 'bert' }, false],
    ['class_name without config', { class_name: 'Dense' }, false],
    ['unrelated class_name/config', { class_name: 'Foo', config: {} }, false],
    ['array', [], false],
    ['null', null, false],
  ])('%s -> %s', (_name, doc, expected) => {
    expect(looksLikeKerasConfig(doc)).toBe(expected);
  });
});
