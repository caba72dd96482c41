import { describe, expect, it } from 'vitest';
import { declaredParents, type ReadFile } from '../../../src/app/lineage/index.js';

const card = (frontMatter: string, body = '# A model\n'): ReadFile => ({ path: 'README.md', text: `---\n${frontMatter}\n---\n${body}` });
const json = (path: string, value: unknown): ReadFile => ({ path, text: JSON.stringify(value) });

describe('declaredParents', () => {
  it('reads base_model and base_model_relation from the card, as a string or a list', () => {
    expect(declaredParents([card('base_model: meta-llama/Llama-2-7b-hf\nbase_model_relation: quantized')])).toEqual([
      { repo: 'meta-llama/Llama-2-7b-hf', relation: 'quantized', source: 'card' },
    ]);
    expect(declaredParents([card('tags: [merge]\nbase_model:\n  - teknium/OpenHermes-2.5-Mistral-7B\n  - Intel/neural-chat-7b-v3-3')])).toEqual([
      { repo: 'teknium/OpenHermes-2.5-Mistral-7B', source: 'card' },
      { repo: 'Intel/neural-chat-7b-v3-3', source: 'card' },
    ]);
  });

  it('reads adapter_config.json in any folder, with the revision it pins, and config.json at the top', () => {
    const files = [
      json('config.json', { _name_or_path: 'mistralai/Mistral-7B-v0.1', model_type: 'mistral' }),
      json('lora/adapter_config.json', { base_model_name_or_path: 'mistralai/Mistral-7B-v0.1', revision: 'abc1234', peft_type: 'LORA' }),
      json('adapter_config.json', { base_model_name_or_path: 'gpt2', revision: null }),
      json('text_encoder/config.json', { _name_or_path: 'openai/clip-vit-large-patch14' }),
    ];
    expect(declaredParents(files)).toEqual([
      { repo: 'mistralai/Mistral-7B-v0.1', relation: 'adapter', source: 'adapter_config', revision: 'abc1234' },
      { repo: 'gpt2', relation: 'adapter', source: 'adapter_config' },
      { repo: 'mistralai/Mistral-7B-v0.1', source: 'config' },
    ]);
  });

  it('reads a config.json as Python does (NaN and Infinity)', () => {
    const text = '{"_name_or_path": "org/base", "initializer_range": NaN, "max": Infinity}';
    expect(declaredParents([{ path: 'config.json', text }])).toEqual([{ repo: 'org/base', source: 'config' }]);
  });

  it('keeps only Hub repo ids, each once per source', () => {
    const files = [
      card('base_model: [org/a, org/a, "https://huggingface.co/org/b", ../local, "org/with space", a/b/c, "org--x/y", 42, {x: 1}, org/c]'),
      json('config.json', { _name_or_path: '/content/drive/MyDrive/checkpoint-500' }),
      json('adapter_config.json', { base_model_name_or_path: './base' }),
    ];
    expect(declaredParents(files)).toEqual([
      { repo: 'org/a', source: 'card' },
      { repo: 'org/c', source: 'card' },
    ]);
  });

  it('ignores a relation the Hub does not define and files it does not read', () => {
    expect(declaredParents([card('base_model: org/a\nbase_model_relation: distilled')])).toEqual([{ repo: 'org/a', source: 'card' }]);
    expect(
      declaredParents([{ path: 'docs/README.md', text: '---\nbase_model: org/a\n---\n' }, json('model.safetensors.index.json', { _name_or_path: 'org/b' })]),
    ).toEqual([]);
  });

  it('declares nothing from a card or config that does not parse, or is bounded out', () => {
    // Ten aliases of ten aliases of ten: a "billion laughs" past the 100 aliases allowed.
    const aliasBomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    ];
    const cases: ReadFile[] = [
      card('base_model: [unclosed'),
      card('- org/a\n- org/b'), // a list, not a mapping
      card(`${aliasBomb.join('\n')}\nbase_model: org/a`),
      card(`deep: ${'['.repeat(20_000)}${']'.repeat(20_000)}\nbase_model: org/a`),
      card('base_model: org/a\nbase_model: org/b'), // duplicate keys: YAML refuses the mapping
      card('base_model: !!js/function "function () { return 1 }"'),
      { path: 'README.md', text: 'base_model: org/a\n' }, // no front matter
      { path: 'config.json', text: '{"_name_or_path": "org/a",' },
      { path: 'config.json', text: `{"_name_or_path": "org/a", "pad": "${' '.repeat(1024 * 1024)}"}` },
      json('adapter_config.json', ['org/a']),
    ];
    for (const file of cases) expect(declaredParents([file]), file.text.slice(0, 60)).toEqual([]);
  });
});
