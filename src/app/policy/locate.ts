import { lstatSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** The names a policy may have in the user's config folder. */
export const POLICY_NAMES = ['policy.yaml', 'policy.yml'] as const;

/**
 * The user's modelgate config folder, per the XDG Base Directory spec: `$XDG_CONFIG_HOME`
 * when it is an absolute path (the spec says to ignore a relative one), else `~/.config`.
 */
export function policyConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config');
  return join(base, 'modelgate');
}

/**
 * True when `loadPolicy(options)` has something to read or to refuse: a policy named by
 * `--policy` or `MODELGATE_POLICY`, or anything at all (a file, a link, a folder) under a policy
 * name in the config folder. False only when there is nothing, so a face can skip loading the
 * YAML parser and the schema (issue 16: start-up) without skipping a policy or its error.
 */
export function policyPresent(options: { file?: string; env?: NodeJS.ProcessEnv; configDir?: string } = {}): boolean {
  const env = options.env ?? process.env;
  if (options.file !== undefined || env.MODELGATE_POLICY) return true;
  const dir = options.configDir ?? policyConfigDir(env);
  return POLICY_NAMES.some((name) => {
    try {
      lstatSync(resolve(dir, name));
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code !== 'ENOENT';
    }
  });
}
