import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLimits } from '../../src/core/limits.js';
import { prepareCheckpoint, type Prepared } from '../../src/app/convert/convert.js';
import { writeSafetensors } from '../../src/app/convert/output.js';
import { verifyOutput } from '../../src/app/convert/verify.js';
import { HashPool } from '../../src/sources/index.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/convert');
const fresh = () => mkdtempSync(join(tmpdir(), 'mg-convert-verify-'));

/** Prepares views.pt, writes it to a fresh file, hands both to `check`, and closes the checkpoint. */
async function withWritten(check: (p: Prepared, out: string) => Promise<void>): Promise<void> {
  const p = await prepareCheckpoint(join(FIXTURES, 'views.pt'), withLimits({}));
  if ('status' in p) throw new Error(`views.pt was refused: ${p.reason}`);
  try {
    const out = join(fresh(), 'v.safetensors');
    writeSafetensors(p.source, p.plan.write, p.layout, out);
    await check(p, out);
  } finally {
    p.source.close();
  }
}

describe('convert --verify', () => {
  it('passes an exact output and reports every tensor digest (views included)', () =>
    withWritten(async (p, out) => {
      const report = await verifyOutput(p.source, out, p.plan.write, p.layout);
      expect(report.tensors).toBe(p.layout.tensors.length);
      expect(report.digests.size).toBe(p.layout.tensors.length);
      // Each digest is the SHA-256 of the tensor's bytes as written.
      const bytes = readFileSync(out);
      const dataStart = 8 + Number(bytes.readBigUInt64LE(0));
      for (const t of p.layout.tensors) {
        expect(report.digests.get(t.name)).toBe(
          createHash('sha256')
            .update(bytes.subarray(dataStart + t.begin, dataStart + t.end))
            .digest('hex'),
        );
      }
    }));

  it('fails on one changed byte of tensor data, naming the tensor', () =>
    withWritten(async (p, out) => {
      const last = p.layout.tensors.filter((t) => t.end > t.begin).at(-1);
      if (!last) throw new Error('no tensor with bytes');
      const bytes = readFileSync(out);
      const at = 8 + Number(bytes.readBigUInt64LE(0)) + last.end - 1;
      const fd = openSync(out, 'r+');
      writeSync(fd, Buffer.from([bytes[at]! ^ 1]), 0, 1, at);
      closeSync(fd);
      await expect(verifyOutput(p.source, out, p.plan.write, p.layout)).rejects.toMatchObject({
        code: 'VERIFY_MISMATCH',
        message: expect.stringContaining(last.name),
      });
    }));

  it('fails on a truncated output, never hashing a short range as if whole', () =>
    withWritten(async (p, out) => {
      truncateSync(out, statSync(out).size - 1);
      await expect(verifyOutput(p.source, out, p.plan.write, p.layout)).rejects.toMatchObject({ code: 'VERIFY_MISMATCH' });
    }));
});

describe('HashPool ranges', () => {
  it('hashes exactly the bytes of a range, across its 4 MiB reads, and refuses a range past the end', async () => {
    const path = join(fresh(), 'r.bin');
    const data = Buffer.alloc(9 * 1024 * 1024 + 7);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
    writeFileSync(path, data);
    const pool = new HashPool(2);
    try {
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      const ranges: Array<[number, number]> = [
        [0, 0],
        [3, 5],
        [1, 4 * 1024 * 1024],
        [5, 9 * 1024 * 1024],
        [0, data.length],
      ];
      for (const [start, length] of ranges) expect(await pool.hash(path, { start, length })).toBe(sha(data.subarray(start, start + length)));
      expect(await pool.hash(path)).toBe(sha(data));
      await expect(pool.hash(path, { start: 10, length: data.length })).rejects.toThrow(/ends at/);
    } finally {
      await pool.close();
    }
  });
});
