import { describe, expect, it } from 'vitest';
import { normalisePath } from '../../../src/formats/python/resolve.js';

describe('normalisePath', () => {
  it('maps an implementation module to the public one', () => {
    expect(normalisePath('posix.system')).toBe('os.system');
    expect(normalisePath('__builtin__')).toBe('builtins');
  });

  it('leaves a module named like an Object.prototype member as it is', () => {
    // The path comes from the scanned code: `constructor` must not read Object's own constructor.
    for (const path of ['constructor.system', '__proto__.x', 'toString']) expect(normalisePath(path)).toBe(path);
  });
});
