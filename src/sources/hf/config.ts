import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** How to reach the Hub, as the official clients read it from the environment. */
export interface HubConfig {
  /** `HF_ENDPOINT`, default https://huggingface.co, without a trailing slash. */
  endpoint: string;
  /** `HF_TOKEN`, else `HUGGING_FACE_HUB_TOKEN`, else the token file `$HF_HOME/token`. */
  token?: string;
  /** `HF_HUB_OFFLINE=1`: no request at all; only what the cache holds. */
  offline: boolean;
  /** Where modelgate keeps downloads and listings: `$HF_HOME/modelgate`. */
  cacheDir: string;
}

const TRUE = new Set(['1', 'on', 'yes', 'true']);

/**
 * The Hub settings from `env`, following huggingface_hub's constants: `HF_HOME` defaults to
 * `$XDG_CACHE_HOME/huggingface`, then `~/.cache/huggingface`; the token file is `$HF_HOME/token`
 * (what `huggingface-cli login` writes). modelgate's cache is a folder of its own under `HF_HOME`,
 * so that nothing it downloads is ever picked up by `from_pretrained` unscanned.
 */
export function hubConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const hfHome = hfHomeDir(env);
  let token = env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN || undefined;
  if (!token) {
    try {
      token = readFileSync(env.HF_TOKEN_PATH || join(hfHome, 'token'), 'utf8').trim() || undefined;
    } catch {
      token = undefined;
    }
  }
  return {
    endpoint: (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, ''),
    token,
    offline: TRUE.has((env.HF_HUB_OFFLINE ?? '').toLowerCase()),
    cacheDir: env.MODELGATE_CACHE || join(hfHome, 'modelgate'),
  };
}

/** `os.path.expandvars(os.path.expanduser(path))`: a leading `~`, then `$NAME` and `${NAME}` that are set. */
function expandPath(path: string, env: NodeJS.ProcessEnv): string {
  const home = path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
  return home.replace(/\$(\w+)|\$\{([^}]*)\}/g, (all, a: string | undefined, b: string | undefined) => env[a ?? b ?? ''] ?? all);
}

/** `HF_HOME` as huggingface_hub's constants resolve it: else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`. */
export function hfHomeDir(env: NodeJS.ProcessEnv = process.env): string {
  return expandPath(env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface'), env);
}

/**
 * The folder huggingface_hub downloads into (its `HF_HUB_CACHE` constant): `HF_HUB_CACHE`, else
 * the older `HUGGINGFACE_HUB_CACHE`, else `$HF_HOME/hub`.
 */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return expandPath(env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE || join(hfHomeDir(env), 'hub'), env);
}
