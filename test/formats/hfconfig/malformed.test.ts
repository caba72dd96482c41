import { describe, expect, it } from 'vitest';
import { classifyHfJson, readHfConfig } from '../../../src/formats/hfconfig/parse.js';

// Malformed configs: odd shapes must be reported or ignored, never crash.
describe('malformed configs', () => {
  const deep = JSON.parse('['.repeat(5000) + ']'.repeat(5000));
  it.each([
    ['auto_map is a string', { model_type: 'x', auto_map: 'modeling.X' }, 1, 0],
    ['auto_map is a list', { model_type: 'x', auto_map: ['a.B'] }, 0, 1],
    ['auto_map values deeply nested', { model_type: 'x', auto_map: { AutoModel: deep } }, 0, 1],
    ['auto_map of a huge list', { model_type: 'x', auto_map: { AutoModel: Array.from({ length: 100_000 }, (_, i) => `m${i % 3}.C${i}`) } }, 3, 0],
    ['custom_pipelines is a number', { model_type: 'x', custom_pipelines: 3 }, 0, 1],
    ['keys that look like prototypes', JSON.parse('{"model_type":"x","auto_map":{"__proto__":"a.B","constructor":"c.D"}}'), 2, 0],
    ['chat_template of an object', { tokenizer_class: 'T', chat_template: { a: 1 } }, 0, 0],
  ])('%s', (_name, doc, modules, invalid) => {
    const kind = classifyHfJson(doc);
    expect(kind).toBeDefined();
    const c = readHfConfig(doc as Record<string, unknown>, kind ?? 'hf-config');
    expect(c.modules).toHaveLength(modules);
    expect(c.invalidReferences).toHaveLength(invalid);
  });
});
