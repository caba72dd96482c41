import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The CLI tests run: the built one, `dist/main.js`, under plain node. Not tsx: a tsx-run CLI
 * compiles itself at every start and bootstraps tsx again in each scan worker, which makes `npm
 * test` slow on two cores. test/global-setup.ts rebuilds dist before the tests whenever a file
 * under src/ is newer, so the built CLI is the source under test.
 */
export const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface CliOptions {
  /** The working folder (default: the test's own). */
  cwd?: string;
  /** The whole environment of the CLI (default: the test's own). */
  env?: NodeJS.ProcessEnv;
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The command line that runs the CLI with `args`, for a test that spawns it itself (another user, say). */
export function cliCommand(...args: string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: [CLI, ...args] };
}

/** Runs the CLI and waits for it (the test's own thread blocks: nothing in-process can answer it). */
export function runCli(args: string[], options: CliOptions = {}): SpawnSyncReturns<string> {
  const { command, args: argv } = cliCommand(...args);
  return spawnSync(command, argv, { encoding: 'utf8', ...options });
}

/** Runs the CLI asynchronously, so that a server in the test's process can answer it. */
export function runCliAsync(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const { command, args: argv } = cliCommand(...args);
  return new Promise((done, fail) => {
    const child = spawn(command, argv, { cwd: options.cwd, env: options.env });
    let stdout = '';
    let stderr = '';
    // Decoded as a stream, so a character split across two chunks stays whole.
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}
