import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command, Option } from 'commander';
import { cannotRead, ModelgateError } from '../core/errors.js';

/*
 * Settings of a command from outside its command line: `MODELGATE_*` environment variables and
 * a config file (`.modelgate.yaml` in the current folder, or --config FILE / MODELGATE_CONFIG).
 * Precedence: the command line, then the environment, then the config file, then the defaults.
 *
 * Every long option of the command is a setting, by its name without `--` (and without `no-`
 * for a negatable one): `fail-on: high`, `exclude: ['*.md']`, `hash: false`, `exit-zero: true`
 * in the file; MODELGATE_FAIL_ON=high, MODELGATE_EXCLUDE='*.md,runs/**', MODELGATE_HASH=false,
 * MODELGATE_EXIT_ZERO=1 in the environment (a list is comma-separated there; an empty variable
 * is unset). Paths in the file are relative to the current folder, as on the command line.
 */

/** The config file looked for in the current folder when none is named. */
export const CONFIG_FILE = '.modelgate.yaml';

/** Options that are not settings: help, the config file itself, internal ones. */
const NOT_SETTINGS = new Set(['help', 'config', 'version', 'sandbox-child']);

/**
 * Settings read elsewhere already, with their own rule (MODELGATE_POLICY: README "Policy gate"):
 * their environment variable is not read again here, and when it is set the file's value yields to it.
 */
const OWN_ENV = new Set(['policy']);

/** A setting: its name (`fail-on`), its option, and the attribute commander stores it under. */
interface Setting {
  name: string;
  option: Option;
  key: string;
  kind: 'boolean' | 'list' | 'value' | 'optional';
}

/** The environment variable of a setting: MODELGATE_FAIL_ON for `fail-on`. */
export function envName(name: string): string {
  return `MODELGATE_${name.toUpperCase().replace(/-/g, '_')}`;
}

/** The settings of a command: one per option attribute (`--sandbox` and `--no-sandbox` are one). */
export function settingsOf(cmd: Command, lists: readonly string[] = []): Setting[] {
  const seen = new Map<string, Setting>();
  for (const option of cmd.options) {
    const long = option.long?.replace(/^--(no-)?/, '');
    if (long === undefined || NOT_SETTINGS.has(long) || option.hidden) continue;
    const key = option.attributeName();
    if (seen.has(key)) continue;
    const kind = option.variadic || lists.includes(long) ? 'list' : !option.required && !option.optional ? 'boolean' : option.optional ? 'optional' : 'value';
    seen.set(key, { name: long, option, key, kind });
  }
  return [...seen.values()];
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** A boolean from an environment variable or a YAML string; undefined when it is none. */
function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  return TRUE.has(text) ? true : FALSE.has(text) ? false : undefined;
}

/** The value a setting takes from `raw` (a string from the environment, anything from YAML), checked. */
function valueOf(setting: Setting, raw: unknown, where: string): unknown {
  const bad = (what: string) => new ModelgateError('USAGE', `${where}: ${what}`);
  switch (setting.kind) {
    case 'boolean': {
      const b = booleanOf(raw);
      if (b === undefined) throw bad('not a boolean (true or false, 1 or 0, yes or no)');
      return b;
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [raw];
      const list = items.map((x) => (typeof x === 'string' ? x.trim() : x)).filter((x) => x !== '');
      if (!list.every((x) => typeof x === 'string' || typeof x === 'number')) throw bad('not a list of strings');
      return list.map(String);
    }
    case 'optional': {
      // A flag with an optional value: true or a yes turn it on, false or a no leave it off.
      const b = booleanOf(raw);
      if (b === true) return true;
      if (b === false) return undefined;
      if (typeof raw !== 'string' && typeof raw !== 'number') throw bad('not a string');
      return String(raw);
    }
    default: {
      if (typeof raw !== 'string' && typeof raw !== 'number') throw bad('not a string or a number');
      const value = String(raw);
      const choices = setting.option.argChoices;
      if (choices && !choices.includes(value)) throw bad(`${JSON.stringify(value)} is not one of ${choices.join(', ')}`);
      return value;
    }
  }
}

/** Where the config file is: --config, else MODELGATE_CONFIG, else ./.modelgate.yaml when there is one. */
function configPath(flag: unknown, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (typeof flag === 'string') return flag;
  if (env.MODELGATE_CONFIG) return env.MODELGATE_CONFIG;
  const local = resolve(cwd, CONFIG_FILE);
  try {
    return existsSync(local) ? local : undefined;
  } catch {
    // A process that may not read the current folder (Node's permission model refuses it): no file.
    return undefined;
  }
}

/** The config file's settings: a YAML mapping of setting names; undefined when there is no file. */
async function readConfig(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw cannotRead(path, e, 'USAGE');
  }
  // The YAML parser loads only when there is a file (issue 16: start-up).
  const { parse } = await import('yaml');
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw new ModelgateError('USAGE', `${path}: not YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new ModelgateError('USAGE', `${path}: not a mapping of settings`);
  return data as Record<string, unknown>;
}

/**
 * Fills `opts` (the command's parsed options) from the environment and the config file, for
 * every setting not given on the command line. Unknown keys in the file are refused (exit 2);
 * unknown MODELGATE_* variables are left alone (other tools' and modelgate's own read them).
 */
/** Which settings came from outside the command line, and from which file. */
export interface AppliedSettings {
  file?: string;
  fromFile: string[];
  fromEnv: string[];
}

export async function applySettings(
  cmd: Command,
  opts: Record<string, unknown>,
  options: { env?: NodeJS.ProcessEnv; cwd?: string; lists?: readonly string[] } = {},
): Promise<AppliedSettings> {
  const env = options.env ?? process.env;
  const settings = settingsOf(cmd, options.lists);
  const file = configPath(opts.config, env, options.cwd ?? process.cwd());
  const config = file === undefined ? {} : await readConfig(file);
  const byName = new Map(settings.map((s) => [s.name, s]));
  for (const key of Object.keys(config)) {
    if (!byName.has(key))
      throw new ModelgateError('USAGE', `${file}: unknown setting ${JSON.stringify(key)} (settings are the long options of modelgate scan, without --)`);
  }
  const applied: AppliedSettings = { fromFile: [], fromEnv: [] };
  if (file !== undefined) applied.file = file;
  for (const setting of settings) {
    if (cmd.getOptionValueSource(setting.key) === 'cli') continue;
    const variable = envName(setting.name);
    const fromEnv = OWN_ENV.has(setting.name) ? undefined : env[variable];
    let value: unknown;
    if (fromEnv !== undefined && fromEnv !== '') {
      value = valueOf(setting, fromEnv, variable);
    } else if (setting.name in config && !(OWN_ENV.has(setting.name) && env[variable] !== undefined)) {
      value = valueOf(setting, config[setting.name], `${file}: ${setting.name}`);
    } else {
      continue;
    }
    opts[setting.key] = value;
    cmd.setOptionValueWithSource(setting.key, value, fromEnv ? 'env' : 'config');
    (fromEnv ? applied.fromEnv : applied.fromFile).push(setting.name);
  }
  return applied;
}
