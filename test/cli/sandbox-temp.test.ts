import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildZip } from '../../src/formats/zip/builder.js';
import { cliCommand, runCli } from '../helpers/cli.js';
import { plainPickle } from '../helpers/pickles.js';

/*
 * The private temporary folder (src/formats/hdf5/temp-dir.ts) of a CLI run, where HDF5 content
 * out of an archive is copied for libhdf5: removed when the run ends or is stopped by a signal,
 * and when the run was killed outright, by the next run's sweep. Each test gives the CLI a
 * temporary folder of its own (TMPDIR), and a Keras archive whose weights libhdf5 loops on
 * (test/fixtures/keras/loops-forever.h5), so that a run is caught with its copy on disk.
 */

const base = mkdtempSync(join(tmpdir(), 'mg-sweep-'));
const archive = join(base, 'loops.keras');
writeFileSync(archive, buildZip([{ name: 'model.weights.h5', data: readFileSync('test/fixtures/keras/loops-forever.h5') }]));
const clean = join(base, 'clean.pkl');
writeFileSync(clean, plainPickle());

/** A fresh TMPDIR for the CLI, and the environment that names it. */
function freshTmp(name: string): { tmp: string; env: NodeJS.ProcessEnv } {
  const tmp = join(base, name);
  mkdirSync(tmp);
  return { tmp, env: { ...process.env, TMPDIR: tmp, MODELGATE_POLICY: '', XDG_CONFIG_HOME: tmp } };
}

/** The private folders in `tmp`, by name. */
const privateFolders = (tmp: string): string[] => readdirSync(tmp).filter((n) => /^modelgate-\d+-[0-9a-f]{12}$/.test(n));

async function until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts a scan of the archive and waits until its HDF5 copy is in its private folder. */
async function scanCaughtWithCopy(env: NodeJS.ProcessEnv, tmp: string, mode: string) {
  const { command, args } = cliCommand('scan', mode, '-q', '--no-hash', archive);
  const child = spawn(command, args, { env, stdio: 'ignore' });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on('exit', (code, signal) => done([code, signal])));
  const folder = () => privateFolders(tmp).find((n) => n.startsWith(`modelgate-${child.pid}-`));
  await until('the HDF5 copy', () => {
    const name = folder();
    return name !== undefined && readdirSync(join(tmp, name)).some((f) => f.endsWith('.h5'));
  });
  return { child, exited, folder: join(tmp, folder()!) };
}

describe('the private temporary folder of a scan', () => {
  it('is mode 700, and a run killed with SIGKILL leaves it, for the next run to sweep', { timeout: 120_000 }, async () => {
    const { tmp, env } = freshTmp('kill');
    const { child, exited, folder } = await scanCaughtWithCopy(env, tmp, '--no-sandbox');
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    child.kill('SIGKILL');
    expect(await exited).toEqual([null, 'SIGKILL']);
    expect(existsSync(folder)).toBe(true);
    expect(runCli(['scan', '--no-sandbox', '-q', '--no-hash', clean], { env }).status).toBe(0);
    expect(existsSync(folder)).toBe(false);
    expect(privateFolders(tmp)).toEqual([]);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('is removed when %s stops the run', { timeout: 120_000 }, async (signal) => {
    const { tmp, env } = freshTmp(signal);
    const { child, exited, folder } = await scanCaughtWithCopy(env, tmp, '--no-sandbox');
    child.kill(signal);
    expect(await exited).toEqual([null, signal]);
    expect(existsSync(folder)).toBe(false);
  });

  it("is the sandbox parent's, which the child writes its copy to, and removed when the scan ends", { timeout: 120_000 }, async () => {
    const { tmp, env } = freshTmp('sandbox');
    const { exited, folder } = await scanCaughtWithCopy(env, tmp, '--sandbox');
    // libhdf5 is given a few seconds for the file, which is then an error: exit 2.
    expect(await exited).toEqual([2, null]);
    expect(existsSync(folder)).toBe(false);
    expect(privateFolders(tmp)).toEqual([]);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('is removed when %s stops a sandboxed run, which stops by it too', { timeout: 120_000 }, async (signal) => {
    const { tmp, env } = freshTmp(`sandbox-${signal}`);
    const { child, exited, folder } = await scanCaughtWithCopy(env, tmp, '--sandbox');
    child.kill(signal);
    expect(await exited).toEqual([null, signal]);
    expect(existsSync(folder)).toBe(false);
  });

  it('is not made at all by a scan that copies nothing', () => {
    const { tmp, env } = freshTmp('none');
    expect(runCli(['scan', '--no-sandbox', '-q', clean], { env }).status).toBe(0);
    expect(privateFolders(tmp)).toEqual([]);
  });
});
