import { describe, expect, it } from 'vitest';
import { PathGlob } from '../../src/core/glob.js';

/** Table of globs: the report paths each matches (valid) and does not (invalid). */
const cases: Array<{ glob: string; valid: string[]; invalid: string[] }> = [
  { glob: '*.bin', valid: ['a.bin', 'x/a.bin', 'x/y/.bin'], invalid: ['a.bin.txt', 'a.pkl', 'bin'] },
  { glob: 'cache', valid: ['cache', 'cache/a.pkl', 'x/cache/y/z.pt'], invalid: ['caches/a.pkl', 'mycache', 'a/cache.pkl'] },
  { glob: 'cache/', valid: ['cache/a.pkl', 'x/cache/a'], invalid: ['cached/a'] },
  { glob: '/cache', valid: ['cache/a.pkl', 'cache'], invalid: ['x/cache/a.pkl'] },
  { glob: 'sub/*.pkl', valid: ['sub/a.pkl', 'x/sub/a.pkl'], invalid: ['sub/y/a.pkl', 'sub.pkl'] },
  { glob: 'sub/**', valid: ['sub/a', 'sub/y/z/a.pkl'], invalid: ['other/a', 'subs/a'] },
  { glob: 'a/**/b.pt', valid: ['a/b.pt', 'a/x/b.pt', 'a/x/y/b.pt', 'z/a/x/b.pt'], invalid: ['a/xb.pt', 'b.pt'] },
  { glob: 'model-??.pt', valid: ['model-01.pt', 'd/model-ab.pt'], invalid: ['model-1.pt', 'model-001.pt', 'model-0/.pt'] },
  { glob: 'shard-[0-3].bin', valid: ['shard-0.bin', 'shard-3.bin'], invalid: ['shard-4.bin', 'shard-.bin'] },
  { glob: 'shard-[!0-3].bin', valid: ['shard-4.bin', 'shard-x.bin'], invalid: ['shard-0.bin', 'shard-/.bin'] },
  { glob: 'a\\*.pt', valid: ['a*.pt'], invalid: ['ab.pt'] },
  { glob: 'x.(y)+', valid: ['x.(y)+'], invalid: ['x.yy', 'xx(y)'] },
  { glob: '[ab', valid: ['[ab'], invalid: ['a'] },
  { glob: 'runs/**/*.ckpt', valid: ['runs/a.ckpt', 'runs/1/2/a.ckpt'], invalid: ['runs/a.pt'] },
];

describe('PathGlob', () => {
  for (const { glob, valid, invalid } of cases) {
    describe(glob, () => {
      it.each(valid)('matches %s', (path) => expect(new PathGlob(glob).matches(path)).toBe(true));
      it.each(invalid)('does not match %s', (path) => expect(new PathGlob(glob).matches(path)).toBe(false));
    });
  }
  it('refuses an empty glob', () => {
    expect(() => new PathGlob('')).toThrow();
    expect(() => new PathGlob('/')).toThrow();
  });
});
