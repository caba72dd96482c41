import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitRoot, sarifOptions } from '../../src/cli/sarif-options.js';
import { ModelgateError } from '../../src/core/errors.js';

describe('the SARIF root', () => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'mg-sarif-root-')));
  const clone = join(base, 'clone');
  const worktree = join(base, 'worktree');
  mkdirSync(join(clone, '.git'), { recursive: true });
  mkdirSync(join(clone, 'a/b'), { recursive: true });
  mkdirSync(join(worktree, 'models'), { recursive: true });
  // A linked worktree (or a submodule) has a `.git` file, not a folder.
  writeFileSync(join(worktree, '.git'), 'gitdir: /elsewhere/.git/worktrees/w\n');
  writeFileSync(join(worktree, 'models/m.pkl'), 'x');

  it('is the nearest folder up with a .git folder or file', () => {
    expect(gitRoot(join(clone, 'a/b'))).toBe(clone);
    expect(gitRoot(clone)).toBe(clone);
    expect(gitRoot(join(worktree, 'models'))).toBe(worktree);
  });

  it('takes --sarif-root, knows folder targets from file targets, and refuses a root that is no folder', () => {
    const options = sarifOptions([join(worktree, 'models'), join(worktree, 'models/m.pkl'), join(worktree, 'gone')], false, {
      sarifRoot: worktree,
      sarifIncludeInfo: true,
    });
    expect(options).toMatchObject({ root: worktree, directoryTargets: [true, false, false], includeInfo: true });
    expect(() => sarifOptions([], false, { sarifRoot: join(base, 'missing') })).toThrow(ModelgateError);
    expect(() => sarifOptions([], false, { sarifRoot: join(worktree, 'models/m.pkl') })).toThrow(/not a folder/);
  });

  it('reads a regular file for line numbers, and nothing else', () => {
    const { readFile } = sarifOptions([], false, { sarifRoot: worktree });
    expect(Buffer.from(readFile!(join(worktree, 'models/m.pkl'))!).toString()).toBe('x');
    expect(readFile!(join(worktree, 'models'))).toBeUndefined();
    expect(readFile!(join(worktree, 'gone'))).toBeUndefined();
  });
});
