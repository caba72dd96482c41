import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const run = (cwd: string, ...args: string[]) => runCli(args, { cwd });
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

const root = mkdtempSync(join(tmpdir(), 'mg-lockcli-'));
let model: string;
let elsewhere: string;

beforeEach(() => {
  const dir = mkdtempSync(join(root, 'case-'));
  model = join(dir, 'model');
  elsewhere = join(dir, 'elsewhere');
  mkdirSync(join(model, 'sub'), { recursive: true });
  mkdirSync(elsewhere);
  writeFileSync(join(model, 'config.json'), '{"model_type": "bert"}');
  writeFileSync(join(model, 'weights.bin'), Buffer.alloc(100_000, 9));
  writeFileSync(join(model, 'sub', 'vocab.txt'), 'a\nb\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('modelgate lock', () => {
  it('writes modelgate.lock in the working folder, leaving itself out, and says so on stderr', () => {
    const out = run(model, 'lock', '.');
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/locked 3 files/);
    // Inside the target, verify will not take it as its default: say so.
    expect(out.stderr).toMatch(/note: modelgate\.lock is inside \./);
    const lock = JSON.parse(readFileSync(join(model, 'modelgate.lock'), 'utf8'));
    expect(lock.schema).toBe('modelgate/lock@1');
    expect(lock.files).toEqual([
      { path: 'config.json', size: 22, sha256: sha256('{"model_type": "bert"}') },
      { path: 'sub/vocab.txt', size: 4, sha256: sha256('a\nb\n') },
      { path: 'weights.bin', size: 100_000, sha256: sha256(Buffer.alloc(100_000, 9)) },
    ]);
    // Locking again does not pick up the previous lock either.
    expect(run(model, 'lock', '.').status).toBe(0);
    expect(JSON.parse(readFileSync(join(model, 'modelgate.lock'), 'utf8')).files).toHaveLength(3);
  });

  it('-o writes elsewhere; usage and I/O errors exit 2', () => {
    const lockPath = join(elsewhere, 'm.lock');
    const out = run(elsewhere, 'lock', model, '-o', lockPath);
    expect(out.status).toBe(0);
    expect(out.stderr).not.toMatch(/note:/);
    expect(existsSync(lockPath)).toBe(true);
    expect(run(elsewhere, 'lock').status).toBe(2);
    expect(run(elsewhere, 'lock', '--bogus', model).status).toBe(2);
    const missing = run(elsewhere, 'lock', join(model, 'nope'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope/);
    expect(run(elsewhere, 'lock', model, '-o', join(elsewhere, 'no-such-dir', 'm.lock')).status).toBe(2);
  });

  it('documents its exit codes in --help', () => {
    const help = run(elsewhere, 'lock', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:/);
  });
});

describe('modelgate verify', () => {
  it('exits 0 when the folder matches its lock (default ./modelgate.lock), 1 when a file changed, naming it', () => {
    const parent = join(model, '..');
    expect(run(parent, 'lock', 'model').status).toBe(0);
    expect(existsSync(join(parent, 'modelgate.lock'))).toBe(true);
    const ok = run(parent, 'verify', 'model');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/all 3 files match/);

    writeFileSync(join(model, 'sub', 'vocab.txt'), 'a\nc\n');
    const bad = run(parent, 'verify', 'model');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/does not match/);
    expect(bad.stdout).toMatch(/lock\/changed-file.*sub\/vocab\.txt/);
    expect(bad.stdout).not.toMatch(/\x1b\[/);
  });

  it('--format json: the modelgate/verify@1 shape with missing, extra and changed files', () => {
    const lockPath = join(elsewhere, 'm.lock');
    expect(run(elsewhere, 'lock', model, '-o', lockPath).status).toBe(0);
    const same = JSON.parse(run(elsewhere, 'verify', model, '--lock', lockPath, '-f', 'json').stdout);
    expect(same).toMatchObject({
      schema: 'modelgate/verify@1',
      target: model,
      lock: lockPath,
      match: true,
      checked: 3,
      missing: [],
      extra: [],
      changed: [],
      notes: [],
      findings: [],
    });
    expect(same.tool.name).toBe('modelgate');

    unlinkSync(join(model, 'config.json'));
    writeFileSync(join(model, 'weights.bin'), Buffer.alloc(100_000, 8));
    writeFileSync(join(model, 'sub', 'extra.py'), 'import os\n');
    const out = run(elsewhere, 'verify', model, '--lock', lockPath, '--format', 'json');
    expect(out.status).toBe(1);
    const report = JSON.parse(out.stdout);
    expect(report).toMatchObject({ schema: 'modelgate/verify@1', match: false, missing: ['config.json'], extra: ['sub/extra.py'], changed: ['weights.bin'] });
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual(['lock/changed-file', 'lock/extra-file', 'lock/missing-file']);
    for (const f of report.findings) expect(f).toMatchObject({ severity: expect.any(String), message: expect.any(String), target: model });
  });

  it('exits 2 for a missing lock, a missing target, a bad lock, no lock at all, and bad usage', () => {
    const lockPath = join(elsewhere, 'm.lock');
    expect(run(elsewhere, 'lock', model, '-o', lockPath).status).toBe(0);

    const noLock = run(elsewhere, 'verify', model, '--lock', join(elsewhere, 'absent.lock'));
    expect(noLock.status).toBe(2);
    expect(noLock.stderr).toMatch(/absent\.lock/);
    expect(run(elsewhere, 'verify', join(elsewhere, 'absent-folder'), '--lock', lockPath).status).toBe(2);

    const badLock = join(elsewhere, 'bad.lock');
    writeFileSync(
      badLock,
      JSON.stringify({ schema: 'modelgate/lock@1', source: { type: 'local', path: model }, files: [{ path: 'a', size: 1, sha256: 'xyz' }] }),
    );
    const bad = run(elsewhere, 'verify', model, '--lock', badLock);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/not a modelgate lock/);
    writeFileSync(badLock, 'not json');
    expect(run(elsewhere, 'verify', model, '--lock', badLock).status).toBe(2);

    // No --lock and no ./modelgate.lock: a folder has nothing to be verified against.
    expect(run(elsewhere, 'verify', model).status).toBe(2);
    expect(run(elsewhere, 'verify').status).toBe(2);
    expect(run(elsewhere, 'verify', model, '--lock', lockPath, '-f', 'yaml').status).toBe(2);
  });

  it('never reads a lock from inside the target: a lock planted there does not make it match', () => {
    const lockPath = join(elsewhere, 'm.lock');
    expect(run(elsewhere, 'lock', model, '-o', lockPath).status).toBe(0);
    writeFileSync(join(model, 'weights.bin'), 'swapped');
    // The attacker's own lock, matching the swapped file, shipped inside the folder.
    expect(run(model, 'lock', '.').status).toBe(0);
    const out = run(elsewhere, 'verify', model, '--lock', lockPath, '-f', 'json');
    expect(out.status).toBe(1);
    const report = JSON.parse(out.stdout);
    expect(report.changed).toEqual(['weights.bin']);
    expect(report.extra).toEqual(['modelgate.lock']);
    // From elsewhere without --lock there is no lock at all, rather than the planted one.
    expect(run(elsewhere, 'verify', model).status).toBe(2);
  });

  it('does not take ./modelgate.lock as the default when the working folder is inside the target', () => {
    // A cloned repo that ships its own modelgate.lock, matching its own (swapped) files.
    writeFileSync(join(model, 'weights.bin'), 'swapped');
    expect(run(model, 'lock', '.').status).toBe(0);
    const here = run(model, 'verify', '.');
    expect(here.status).toBe(2);
    expect(here.stderr).toMatch(/inside/);
    expect(here.stderr).toMatch(/--lock/);
    const below = run(join(model, 'sub'), 'verify', '..');
    expect(below.status).toBe(2);
    // Named explicitly, it is the user's choice, and is itself left out of the comparison.
    expect(run(model, 'verify', '.', '--lock', 'modelgate.lock').status).toBe(0);
  });
});
