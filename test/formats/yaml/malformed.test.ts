import { describe, expect, it } from 'vitest';
import { ModelgateError } from '../../../src/core/errors.js';
import { MAX_YAML_DEPTH, mayHoldCode, readYamlConfig } from '../../../src/formats/yaml/parse.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof ModelgateError ? e.code : 'other';
  }
  return undefined;
};

describe('readYamlConfig on malformed and hostile input', () => {
  it('text that is no YAML is MALFORMED', () => {
    expect(codeOf(() => readYamlConfig('a: [1, 2\nb: !new:x.Y\n'))).toBe('MALFORMED');
    expect(codeOf(() => readYamlConfig('a: 1\na: 2\n: : :\n\t- x'))).toBe('MALFORMED');
  });

  it('flow nesting past the limit is refused before parsing (LIMIT_DEPTH)', () => {
    expect(codeOf(() => readYamlConfig(`x: ${'['.repeat(MAX_YAML_DEPTH + 1)}${']'.repeat(MAX_YAML_DEPTH + 1)}`))).toBe('LIMIT_DEPTH');
    // A thousand levels would overflow the yaml package's recursive composer.
    expect(codeOf(() => readYamlConfig('- '.repeat(2000) + 'x'))).toBe('LIMIT_DEPTH');
  });

  it('aliases are not expanded: a billion-laughs document is read in linear time', () => {
    const lines = ['a0: &a0 [!new:speechbrain.A {}]'];
    for (let i = 1; i < 30; i++) lines.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}]`);
    const config = readYamlConfig(lines.join('\n'));
    expect(config.refs).toHaveLength(1);
  });

  it('a !!binary value is decoded leniently, as base64.decodebytes discards what is not base64', () => {
    const [payload] = readYamlConfig('a: !!binary "aGVs bG8="\n').payloads;
    expect(payload?.bytes.toString()).toBe('hello');
  });

  it('text without any code marker is not worth parsing', () => {
    expect(mayHoldCode('model_type: bert\nhidden: 3\n')).toBe(false);
    expect(mayHoldCode('x: !new:a.B\n')).toBe(true);
  });
});
