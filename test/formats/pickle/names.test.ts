import { describe, expect, it } from 'vitest';
import { canonicalModule } from '../../../src/formats/pickle/names.js';

describe('canonicalModule', () => {
  it('maps an implementation module to the public one it stands for', () => {
    expect(canonicalModule('posix.system')).toBe('os.system');
    expect(canonicalModule('somepkg.posix')).toBe('somepkg.posix');
  });

  it('leaves a module named like an Object.prototype member as it is', () => {
    // The module name comes from the pickle: `constructor` must not read Object's own constructor.
    for (const module of ['constructor.system', '__proto__.system', 'toString', 'hasOwnProperty.x']) {
      expect(canonicalModule(module)).toBe(module);
    }
  });
});
