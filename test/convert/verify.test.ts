import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLimits } from '../../src/core/limits.js';
import { prepareCheckpoint, type Prepared } from '../../src/app/convert/convert.js';
import { planLayout, writeSafetensors } from '../../src/app/convert/output.js';
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

describe('convert --verify: aliases of one storage (issue 14, point 9)', () => {
  it('passes identical views written once, and fails a slice dropped as an alias of its whole storage', async () => {
    const p = await prepareCheckpoint(join(FIXTURES, 'storage-views.pt'), withLimits({}));
    if ('status' in p) throw new Error(`storage-views.pt was refused: ${p.reason}`);
    try {
      const out = join(fresh(), 'ok.safetensors');
      writeSafetensors(p.source, p.plan.write, p.layout, out);
      expect((await verifyOutput(p.source, out, p.plan.write, p.layout, p.plan)).tensors).toBe(11);
      // The old rule: `f32.offset` (base[2:8]) dropped as an alias of `f32.all`, the whole storage.
      const slice = p.plan.write.find((t) => t.name === 'f32.offset');
      if (!slice) throw new Error('no f32.offset');
      const write = p.plan.write.filter((t) => t !== slice);
      const aliases = new Map([...p.plan.aliases, ['f32.offset', 'f32.all']]);
      const layout = planLayout(write, new Map([['format', 'pt'], ...aliases]));
      const forged = join(fresh(), 'forged.safetensors');
      writeSafetensors(p.source, write, layout, forged);
      await expect(verifyOutput(p.source, forged, write, layout, { aliases, aliased: [...p.plan.aliased, slice] })).rejects.toMatchObject({
        code: 'VERIFY_MISMATCH',
        message: expect.stringContaining('f32.offset is not the same view as f32.all'),
      });
    } finally {
      p.source.close();
    }
  });
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
