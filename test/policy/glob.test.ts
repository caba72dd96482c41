import { describe, expect, it } from 'vitest';
import { globMatch } from '../../src/app/policy/glob.js';

describe('globMatch', () => {
  it.each([
    ['legacy/*.bin', 'legacy/old.bin', true],
    ['legacy/*.bin', 'legacy/sub/old.bin', false],
    ['legacy/**', 'legacy/sub/old.bin', true],
    ['**/*.bin', 'old.bin', true],
    ['**/*.bin', 'a/b/old.bin', true],
    ['model-?.bin', 'model-1.bin', true],
    ['model-?.bin', 'model-10.bin', false],
    ['pickle/*', 'pickle/unknown-global', true],
    ['pickle/*', 'pickled/x', false],
    ['a.bin', 'aXbin', false], // the dot is literal
    ['(x)+[y]', '(x)+[y]', true], // regex characters are literal
    ['*.bin', 'evil.bin\nx', false], // the whole string must match
    ['meta-llama', 'meta-llama', true],
    ['meta-llama', 'meta-llama2', false],
  ])('%s against %j is %s', (pattern, text, want) => {
    expect(globMatch(pattern, text)).toBe(want);
  });

  it('ignores case only when asked', () => {
    expect(globMatch('EvilOrg', 'evilorg')).toBe(false);
    expect(globMatch('EvilOrg', 'evilorg', { ignoreCase: true })).toBe(true);
  });
});
