import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ModelgateError } from '../core/errors.js';
import type { SarifOptions } from '../report/sarif.js';

/**
 * Bytes of a file read again for the line numbers of its findings: text files (configs,
 * scripts, templates) are small, and a bigger file is left with byte offsets only.
 */
const MAX_TEXT_BYTES = 16 * 1024 * 1024;

/** The git work tree holding `folder` (the nearest folder up with a `.git` entry), if any. */
export function gitRoot(folder: string): string | undefined {
  for (let dir = resolve(folder); ; dir = dirname(dir)) {
    // `.git` is a folder in a clone and a file in a worktree or submodule.
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * A regular file's bytes for line numbers, or undefined (a link, a folder, too big, gone).
 * Links are not followed, as the scan did not follow them.
 */
function readTextCandidate(path: string): Uint8Array | undefined {
  try {
    const st = lstatSync(path);
    if (!st.isFile() || st.size > MAX_TEXT_BYTES) return undefined;
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The SARIF options of a scan: URIs relative to `--sarif-root` (default: the git work tree of
 * the working folder, else the working folder), the kind of each local target, info findings
 * only with `--sarif-include-info`. A root that is not a folder is a usage error.
 */
export function sarifOptions(targets: readonly string[], hub: boolean, opts: { sarifRoot?: unknown; sarifIncludeInfo?: unknown }): SarifOptions {
  const cwd = process.cwd();
  const asked = opts.sarifRoot === undefined ? undefined : String(opts.sarifRoot);
  let root: string;
  try {
    root = realpathSync(asked ?? gitRoot(cwd) ?? cwd);
  } catch (e) {
    throw new ModelgateError('USAGE', `--sarif-root ${asked}: no such folder`, { cause: e });
  }
  if (!lstatSync(root).isDirectory()) throw new ModelgateError('USAGE', `--sarif-root ${asked}: not a folder`);
  const directoryTargets = targets.map((target) => {
    if (hub) return false;
    try {
      return lstatSync(target).isDirectory();
    } catch {
      return false;
    }
  });
  return { root, cwd: realpathSync(cwd), directoryTargets, includeInfo: opts.sarifIncludeInfo === true, readFile: readTextCandidate };
}
