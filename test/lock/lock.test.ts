import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isModelgateError } from '../../src/core/errors.js';
import { collectLocal, compareWithLock, LOCK_SCHEMA, lockTarget, readLock, verifyTarget, writeLock, type LockFile } from '../../src/app/lock/index.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Expects `work` to reject with a ModelgateError of `code`. */
async function rejectsWith(work: () => Promise<unknown>, code: string): Promise<void> {
  const err = await work().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isModelgateError(err), String(err)).toBe(true);
  expect((err as { code: string }).code).toBe(code);
}
function throwsWith(work: () => unknown, code: string): void {
  let err: unknown;
  try {
    work();
  } catch (e) {
    err = e;
  }
  expect(isModelgateError(err), String(err)).toBe(true);
  expect((err as { code: string }).code).toBe(code);
}

let root: string;
let model: string;
let lockPath: string;
const contents = {
  'config.json': Buffer.from('{"model_type": "bert"}\n'),
  'model.safetensors': Buffer.alloc(3 * 1024 * 1024 + 17, 7),
  'tokenizer/vocab.txt': Buffer.from('[PAD]\n[UNK]\nhello\n'),
  'tokenizer/deeper/merges.txt': Buffer.from('h e\nl l\n'),
  '.cache/huggingface/download/model.safetensors.metadata': Buffer.from('not part of the model'),
  '.git/HEAD': Buffer.from('ref: refs/heads/main\n'),
  '.git/objects/ab/cdef': Buffer.from('git object'),
  '.gitattributes': Buffer.from('*.safetensors filter=lfs\n'),
} satisfies Record<string, Buffer>;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mg-lock-'));
  model = join(root, 'model');
  for (const [path, bytes] of Object.entries(contents)) {
    mkdirSync(join(model, path, '..'), { recursive: true });
    writeFileSync(join(model, path), bytes);
  }
  symlinkSync('model.safetensors', join(model, 'weights.safetensors'));
  lockPath = join(model, 'modelgate.lock');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function lockAndWrite(): Promise<LockFile> {
  const lock = await lockTarget(model, { lockPath });
  writeLock(lockPath, lock);
  return lock;
}

describe('lockTarget on a folder', () => {
  it('records each file with its size and SHA-256, links with their target, and skips .git, the HF cache and the lock itself', async () => {
    writeFileSync(lockPath, 'an older lock, about to be replaced');
    const lock = await lockTarget(model, { lockPath });
    expect(lock.schema).toBe(LOCK_SCHEMA);
    expect(lock.source).toEqual({ type: 'local', path: model });
    expect(lock.tool.name).toBe('modelgate');
    expect(Number.isNaN(Date.parse(lock.createdAt))).toBe(false);
    const files: (keyof typeof contents)[] = ['.gitattributes', 'config.json', 'model.safetensors', 'tokenizer/deeper/merges.txt', 'tokenizer/vocab.txt'];
    expect(lock.files).toEqual([
      ...files.map((path) => ({ path, size: contents[path].length, sha256: sha256(contents[path]) })),
      { path: 'weights.safetensors', size: 0, symlink: 'model.safetensors' },
    ]);
  });

  it('collects many files in path order with the hashes node:crypto gives', async () => {
    const many = join(root, 'many');
    mkdirSync(many);
    const expected: Array<{ path: string; size: number; sha256: string }> = [];
    for (let i = 0; i < 40; i++) {
      const bytes = Buffer.alloc(1000 + i * 997, i);
      const name = `shard-${String(i).padStart(2, '0')}.bin`;
      writeFileSync(join(many, name), bytes);
      expected.push({ path: name, size: bytes.length, sha256: sha256(bytes) });
    }
    writeFileSync(join(many, 'empty'), '');
    expected.push({ path: 'empty', size: 0, sha256: sha256(Buffer.alloc(0)) });
    expected.sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(await collectLocal(many)).toEqual(expected);
  });

  it('refuses a FIFO with SPECIAL_FILE: a pipe cannot be pinned', async () => {
    execFileSync('mkfifo', [join(model, 'tokenizer', 'pipe')]);
    await rejectsWith(() => lockTarget(model, { lockPath }), 'SPECIAL_FILE');
  });

  it('a missing target is UNREADABLE', async () => {
    await rejectsWith(() => lockTarget(join(root, 'nothing-here'), {}), 'UNREADABLE');
  });

  it('locks a single file by its path as given', async () => {
    const file = join(model, 'config.json');
    const lock = await lockTarget(file);
    expect(lock.files).toEqual([{ path: file, size: contents['config.json'].length, sha256: sha256(contents['config.json']) }]);
    const lockFile = join(root, 'single.lock');
    writeLock(lockFile, lock);
    expect((await verifyTarget(file, lockFile)).match).toBe(true);
    appendFileSync(file, ' ');
    expect((await verifyTarget(file, lockFile)).changed).toEqual([file]);
  });
});

describe('verifyTarget against a local lock', () => {
  it('round-trips: a folder matches the lock written from it (the lock inside it is not an extra file)', async () => {
    await lockAndWrite();
    const report = await verifyTarget(model, lockPath);
    expect(report).toMatchObject({
      schema: 'modelgate/verify@1',
      target: model,
      lock: lockPath,
      match: true,
      checked: 6,
      missing: [],
      extra: [],
      changed: [],
      findings: [],
    });
  });

  it('changes in .git or the HF cache are not differences', async () => {
    await lockAndWrite();
    writeFileSync(join(model, '.git', 'HEAD'), 'ref: refs/heads/other\n');
    writeFileSync(join(model, '.cache', 'huggingface', 'new'), 'x');
    expect((await verifyTarget(model, lockPath)).match).toBe(true);
  });

  it('one changed byte is a lock/changed-file finding that names the file', async () => {
    await lockAndWrite();
    const path = join(model, 'tokenizer', 'vocab.txt');
    const bytes = readFileSync(path);
    bytes[3]! ^= 1;
    writeFileSync(path, bytes);
    const report = await verifyTarget(model, lockPath);
    expect(report.match).toBe(false);
    expect(report.changed).toEqual(['tokenizer/vocab.txt']);
    expect(report.missing).toEqual([]);
    expect(report.extra).toEqual([]);
    expect(report.findings.map((f) => [f.ruleId, f.target])).toEqual([['lock/changed-file', model]]);
    expect(report.findings[0]?.message).toContain('tokenizer/vocab.txt');
    expect(report.findings[0]?.evidence).toContain(sha256(bytes));
  });

  it('a deleted file is lock/missing-file, an added one lock/extra-file', async () => {
    await lockAndWrite();
    unlinkSync(join(model, 'config.json'));
    writeFileSync(join(model, 'tokenizer', 'added.py'), 'import os\n');
    const report = await verifyTarget(model, lockPath);
    expect(report.match).toBe(false);
    expect(report.missing).toEqual(['config.json']);
    expect(report.extra).toEqual(['tokenizer/added.py']);
    expect(report.changed).toEqual([]);
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual(['lock/extra-file', 'lock/missing-file']);
    expect(report.findings.find((f) => f.ruleId === 'lock/missing-file')!.message).toContain('config.json');
    expect(report.findings.find((f) => f.ruleId === 'lock/extra-file')!.message).toContain('tokenizer/added.py');
  });

  it('a retargeted symlink is changed, and so is a link replaced by the file it pointed to', async () => {
    await lockAndWrite();
    unlinkSync(join(model, 'weights.safetensors'));
    symlinkSync('/etc/passwd', join(model, 'weights.safetensors'));
    let report = await verifyTarget(model, lockPath);
    expect(report.changed).toEqual(['weights.safetensors']);
    expect(report.findings[0]?.message).toContain('/etc/passwd');

    unlinkSync(join(model, 'weights.safetensors'));
    writeFileSync(join(model, 'weights.safetensors'), contents['model.safetensors']);
    report = await verifyTarget(model, lockPath);
    expect(report.changed).toEqual(['weights.safetensors']);
  });

  it('a file of the same size with other bytes is changed', async () => {
    await lockAndWrite();
    const bytes = Buffer.from(contents['model.safetensors']);
    bytes[bytes.length - 1] = 8;
    writeFileSync(join(model, 'model.safetensors'), bytes);
    expect((await verifyTarget(model, lockPath)).changed).toEqual(['model.safetensors']);
  });

  it('a lock that does not exist is UNREADABLE; no lock for a folder is USAGE', async () => {
    await rejectsWith(() => verifyTarget(model, join(root, 'none.lock')), 'UNREADABLE');
    await rejectsWith(() => verifyTarget(model, undefined), 'USAGE');
  });

  it('compareWithLock compares by path, size and hash', () => {
    const a = { path: 'a', size: 1, sha256: 'a'.repeat(64) };
    const cmp = compareWithLock(
      [a, { path: 'b', size: 2, sha256: 'b'.repeat(64) }],
      [
        { ...a, size: 2 },
        { path: 'c', size: 0, symlink: 'a' },
      ],
      'T',
    );
    expect(cmp).toMatchObject({ checked: 2, missing: ['b'], extra: ['c'], changed: ['a'] });
    expect(cmp.findings.every((f) => f.target === 'T')).toBe(true);
  });
});

describe('readLock and writeLock', () => {
  const good = (): LockFile => ({
    schema: LOCK_SCHEMA,
    createdAt: '2026-01-01T00:00:00.000Z',
    tool: { name: 'modelgate', version: '0.1.0' },
    source: { type: 'local', path: '/m' },
    files: [
      { path: 'a.bin', size: 3, sha256: sha256(Buffer.from('abc')) },
      { path: 'link', size: 0, symlink: 'a.bin' },
    ],
  });

  it('writes a lock whole, with no temporary file left, and reads it back', () => {
    const dir = join(root, 'locks');
    mkdirSync(dir);
    const path = join(dir, 'modelgate.lock');
    writeLock(path, good());
    writeLock(path, { ...good(), files: [] });
    expect(readdirSync(dir)).toEqual(['modelgate.lock']);
    expect(readLock(path)).toEqual({ ...good(), files: [] });
    expect(readFileSync(path, 'utf8').endsWith('}\n')).toBe(true);
  });

  it('a lock that cannot be written is UNREADABLE, and leaves no temporary file', () => {
    throwsWith(() => writeLock(join(root, 'no-such-dir', 'modelgate.lock'), good()), 'UNREADABLE');
    // Renaming onto a folder fails after the temporary file was written.
    const dir = join(root, 'locks');
    mkdirSync(join(dir, 'modelgate.lock'), { recursive: true });
    throwsWith(() => writeLock(join(dir, 'modelgate.lock'), good()), 'UNREADABLE');
    expect(readdirSync(dir)).toEqual(['modelgate.lock']);
  });

  const invalid: Array<[string, (lock: LockFile) => unknown]> = [
    ['another schema', (l) => ({ ...l, schema: 'modelgate/lock@2' })],
    ['no schema', ({ schema: _, ...rest }) => rest],
    ['an unknown source type', (l) => ({ ...l, source: { type: 's3', path: 'x' } })],
    ['an hf source without a commit', (l) => ({ ...l, source: { type: 'hf', repo: 'a/b', revision: 'main', endpoint: 'x' } })],
    ['files not a list', (l) => ({ ...l, files: {} })],
    ['a file without a path', (l) => ({ ...l, files: [{ size: 1, sha256: 'a'.repeat(64) }] })],
    ['a path listed twice', (l) => ({ ...l, files: [l.files[0], { ...l.files[0] }] })],
    ['an upper-case sha', (l) => ({ ...l, files: [{ ...l.files[0], sha256: 'A'.repeat(64) }] })],
    ['a short sha', (l) => ({ ...l, files: [{ ...l.files[0], sha256: 'abc' }] })],
    ['no sha', (l) => ({ ...l, files: [{ path: 'a', size: 1 }] })],
    ['a negative size', (l) => ({ ...l, files: [{ ...l.files[0], size: -1 }] })],
    ['a fractional size', (l) => ({ ...l, files: [{ ...l.files[0], size: 1.5 }] })],
    ['a size as a string', (l) => ({ ...l, files: [{ ...l.files[0], size: '3' }] })],
    ['a symlink that is not a string', (l) => ({ ...l, files: [{ path: 'l', size: 0, symlink: 1 }] })],
    ['a JSON array', () => []],
    ['JSON null', () => null],
  ];
  it.each(invalid)('%s is LOCK_INVALID', (_, mutate) => {
    const path = join(root, 'bad.lock');
    writeFileSync(path, JSON.stringify(mutate(good())));
    throwsWith(() => readLock(path), 'LOCK_INVALID');
  });

  it('text that is not JSON is LOCK_INVALID; a missing file is UNREADABLE', () => {
    const path = join(root, 'bad.lock');
    writeFileSync(path, '{"schema": "modelgate/lock@1", ');
    throwsWith(() => readLock(path), 'LOCK_INVALID');
    throwsWith(() => readLock(join(root, 'missing.lock')), 'UNREADABLE');
  });
});
