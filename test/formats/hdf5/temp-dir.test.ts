import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { privateTempDir, sweepPrivateTemps } from '../../../src/formats/hdf5/temp-dir.js';

const ENV = 'MODELGATE_PRIVATE_TMP';
const saved = { tmp: process.env.TMPDIR, dir: process.env[ENV] };
function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
afterEach(() => {
  restore('TMPDIR', saved.tmp);
  restore(ENV, saved.dir);
});

/** The pid of a process that has ended. */
function deadPid(): number {
  const run = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(run.stdout);
}

describe('sweepPrivateTemps', () => {
  it('removes the private folders of processes that are gone, and nothing else', () => {
    const base = mkdtempSync(join(tmpdir(), 'mg-sweep-unit-'));
    const dead = join(base, `modelgate-${deadPid()}-0123456789ab`);
    const alive = join(base, `modelgate-${process.pid}-0123456789ab`);
    const parent = join(base, `modelgate-${process.ppid}-0123456789ab`);
    const other = join(base, `modelgate-h5-${deadPid()}`);
    for (const dir of [dead, alive, parent, other]) {
      mkdirSync(dir);
      writeFileSync(join(dir, '1-1.h5'), 'x');
    }
    // A link with a private folder's name is not followed (its target is not the sweep's).
    const elsewhere = mkdtempSync(join(tmpdir(), 'mg-sweep-target-'));
    writeFileSync(join(elsewhere, 'keep'), 'kept');
    const link = join(base, `modelgate-${deadPid()}-ba9876543210`);
    symlinkSync(elsewhere, link);
    process.env.TMPDIR = base;
    expect(sweepPrivateTemps()).toEqual([dead]);
    expect([dead, alive, parent, other, link].map((p) => existsSync(p))).toEqual([false, true, true, true, true]);
    expect(readFileSync(join(elsewhere, 'keep'), 'utf8')).toBe('kept');
  });

  it('never throws on a temporary folder it cannot read', () => {
    process.env.TMPDIR = join(tmpdir(), 'mg-sweep-missing-folder');
    expect(sweepPrivateTemps()).toEqual([]);
  });
});

describe('privateTempDir', () => {
  it('refuses a folder of its name that others may enter (put there by someone else)', () => {
    const planted = join(mkdtempSync(join(tmpdir(), 'mg-planted-')), 'modelgate-1-0123456789ab');
    mkdirSync(planted);
    chmodSync(planted, 0o777);
    process.env[ENV] = planted;
    expect(() => privateTempDir()).toThrow(expect.objectContaining({ code: 'UNREADABLE' }));
  });

  it('refuses a link of its name', () => {
    const base = mkdtempSync(join(tmpdir(), 'mg-planted-'));
    const target = join(base, 'real');
    mkdirSync(target, { mode: 0o700 });
    const link = join(base, 'modelgate-1-0123456789ab');
    symlinkSync(target, link);
    process.env[ENV] = link;
    expect(() => privateTempDir()).toThrow(expect.objectContaining({ code: 'UNREADABLE' }));
  });
});
