import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { ModelgateError } from '../../core/errors.js';
import { POLICY_NAMES, policyConfigDir } from './locate.js';
import { MAX_POLICY_BYTES, type ParsedPolicy, parsePolicy, PolicyError } from './parse.js';

export { policyConfigDir } from './locate.js';

/** A policy and where it was read from. */
export interface LoadedPolicy extends ParsedPolicy {
  /** The absolute path of the policy file. */
  path: string;
}

/** Where to look for a policy. None of these is ever the scanned target. */
export interface LoadPolicyOptions {
  /** `--policy FILE`: wins over everything else. */
  file?: string;
  /** The environment (`MODELGATE_POLICY`, `XDG_CONFIG_HOME`, `HOME`); default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The folder holding `policy.yaml`; default `$XDG_CONFIG_HOME/modelgate` or `~/.config/modelgate`. */
  configDir?: string;
  /** Dates the warnings about override expiry; default now. */
  today?: Date;
}

/** Reads a file of at most MAX_POLICY_BYTES, or undefined when there is none (and `optional`). */
function readPolicyFile(path: string, optional: boolean): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (cause) {
    if (optional && (cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ModelgateError('UNREADABLE', `policy file ${path} cannot be opened: ${(cause as Error).message}`, { cause });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ModelgateError('UNREADABLE', `policy file ${path} is not a regular file`);
    if (stat.size > MAX_POLICY_BYTES)
      throw new PolicyError(path, [{ path: '', message: `${stat.size} bytes is more than a policy file may have (${MAX_POLICY_BYTES})` }]);
    const bytes = Buffer.alloc(stat.size);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, bytes.length - done, done);
      if (n === 0) break;
      done += n;
    }
    return bytes.subarray(0, done).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Finds and reads the policy: `file` (`--policy FILE`) first, else `MODELGATE_POLICY`, else
 * `policy.yaml` (or `policy.yml`) in the user's config folder. Returns undefined when no policy
 * is given and the config folder has none.
 *
 * There is deliberately no target argument: a policy is never read from the scanned target
 * (nor from the working directory, which is often a cloned repo), because a malicious repo
 * would ship a policy that allows itself.
 *
 * Throws ModelgateError `UNREADABLE` for a given file that is missing or unreadable, and
 * PolicyError (`POLICY_INVALID`) for one that is not a valid policy; the CLI exits 2 for both.
 */
export function loadPolicy(options: LoadPolicyOptions = {}): LoadedPolicy | undefined {
  const env = options.env ?? process.env;
  const given = options.file ?? (env.MODELGATE_POLICY || undefined);
  if (given !== undefined) {
    const path = resolve(given);
    return { path, ...parsePolicy(readPolicyFile(path, false) ?? '', path, options.today) };
  }
  const dir = options.configDir ?? policyConfigDir(env);
  const found: { path: string; text: string }[] = [];
  for (const name of POLICY_NAMES) {
    const path = resolve(dir, name);
    const text = readPolicyFile(path, true);
    if (text !== undefined) found.push({ path, text });
  }
  const [first, second] = found;
  if (first === undefined) return undefined;
  if (second !== undefined) {
    // Fail closed: which of two policies was meant is not ours to guess.
    throw new PolicyError(first.path, [{ path: '', message: `both ${first.path} and ${second.path} exist; keep one` }]);
  }
  return { path: first.path, ...parsePolicy(first.text, first.path, options.today) };
}
