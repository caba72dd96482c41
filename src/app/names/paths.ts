import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where `modelgate check-name --refresh` writes the list it rebuilds from the Hub, and where
 * check-name and `hf:` scans read it (in addition to the shipped list) when it exists:
 * `$XDG_CONFIG_HOME/modelgate/known-names.json`, else `~/.config/modelgate/known-names.json`
 * (XDG Base Directory Specification). `MODELGATE_KNOWN_NAMES` names another file.
 */
export function refreshedListPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MODELGATE_KNOWN_NAMES) return env.MODELGATE_KNOWN_NAMES;
  const config = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(config, 'modelgate', 'known-names.json');
}
