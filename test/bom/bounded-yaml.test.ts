import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MAX_YAML_DEPTH, parseBoundedYaml } from '../../src/app/bom/bounded-yaml.js';
import { isModelgateError } from '../../src/core/errors.js';

const OPTIONS = { maxAliasCount: 100 };
const MIB = 1024 * 1024;

function errorOf(text: string): unknown {
  try {
    parseBoundedYaml(text, OPTIONS);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('parseBoundedYaml', () => {
  it('reads what yaml.parse reads', () => {
    const texts = [
      'license: mit\nbase_model:\n  - org/a\n  - org/b\nmodel-index:\n- name: x\n  results:\n  - task: {type: t}\n    metrics: [{type: acc, value: 1.5}]\n',
      'a: &x [1, 2]\nb: *x\nc: !!str 3\nd: ~\ne: "quoted: [not nested]"',
      '',
      '- just\n- a list',
    ];
    for (const text of texts) expect(parseBoundedYaml(text, OPTIONS)).toEqual(parse(text));
  });

  it('refuses nesting past MAX_YAML_DEPTH before composing it', () => {
    const flow = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    expect(parseBoundedYaml(flow(MAX_YAML_DEPTH), OPTIONS)).toBeDefined();
    expect(isModelgateError(errorOf(flow(MAX_YAML_DEPTH + 1)), 'LIMIT_DEPTH')).toBe(true);
  });

  it('survives cards nested past the stack, twice in one process', () => {
    // yaml.parse overflows the stack on these; after one overflow, the next could abort Node
    // (a V8 RegExpCompiler out-of-memory), so each is parsed twice here.
    const lines = (n: number, line: (i: number) => string): string => Array.from({ length: n }, (_, i) => line(i)).join('\n');
    const cards = {
      flow: `a: ${'['.repeat(MIB / 2)}${']'.repeat(MIB / 2)}`,
      flowMap: `a: ${'{a: '.repeat(MIB / 8)}1${'}'.repeat(MIB / 8)}`,
      blockSequence: `${lines(1400, (i) => `${' '.repeat(i)}-`)}\n${' '.repeat(1400)}v`,
      blockMap: `${lines(1400, (i) => `${' '.repeat(i)}k:`)}\n${' '.repeat(1400)}v`,
      compact: `${'- '.repeat(MIB / 4)}v`,
      tagged: `${'- !t &a '.repeat(MIB / 16)}v`,
    };
    for (const [name, text] of Object.entries(cards)) {
      for (let i = 0; i < 2; i++) expect(isModelgateError(errorOf(text), 'LIMIT_DEPTH'), name).toBe(true);
    }
  });

  it('refuses duplicate keys, alias bombs and more than one document', () => {
    expect(errorOf('a: 1\na: 2')).toBeInstanceOf(Error);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]'];
    expect(errorOf(bomb.join('\n'))).toBeInstanceOf(Error);
    expect(isModelgateError(errorOf('a: 1\n---\nb: 2'), 'MALFORMED')).toBe(true);
  });
});
