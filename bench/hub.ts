import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HashPool } from '../src/sources/index.js';
import { scanHub } from '../src/app/index.js';
import { HubProcess } from '../test/helpers/hub-process.js';
import { writeTorchZip } from './torch-zip.js';

const MB = 1024 * 1024;

/** A safetensors file of `count` F32 tensors of `each` bytes, zeros (sparse on disk). */
function writeSafetensors(path: string, count: number, each: number): void {
  const header: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) header[`layer.${i}.weight`] = { dtype: 'F32', shape: [each / 4], data_offsets: [i * each, (i + 1) * each] };
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const fd = openSync(path, 'w');
  writeSync(fd, Buffer.concat([len, json]));
  ftruncateSync(fd, 8 + json.length + count * each);
  closeSync(fd);
}

/**
 * An `hf:` scan of a repo holding a 2 GB safetensors file and a 2 GB torch zip, served by the
 * fixture hub on 127.0.0.1: the bytes the range reads fetch against the repo's size, then the
 * same repo with `--full` (every byte downloaded and verified).
 */
export async function benchHub(dir: string, rows: Array<[string, string, string]>): Promise<void> {
  const st = join(dir, 'model.safetensors');
  const pt = join(dir, 'pytorch_model.bin');
  writeSafetensors(st, 16, 128 * MB);
  writeTorchZip(pt, 16, 128 * MB);
  const pool = new HashPool();
  const [stSha, ptSha] = await Promise.all([pool.hash(st), pool.hash(pt)]);
  await pool.close();
  const hub = await HubProcess.start();
  try {
    await hub.addSimpleRepo('bench/big', [
      { path: 'config.json', content: Buffer.from('{"model_type": "llama"}') },
      { path: 'model.safetensors', diskPath: st, sha256: stSha },
      { path: 'pytorch_model.bin', diskPath: pt, sha256: ptSha },
    ]);
    const env = { HF_ENDPOINT: hub.url, HF_HOME: join(dir, 'hf-home') };
    const total = 2 * 16 * 128 * MB;
    let t = performance.now();
    const r = await scanHub('hf:bench/big', { env });
    const ms = performance.now() - t;
    const verdicts = r.files.map((f) => f.verdict).join('/');
    rows.push([
      'hf: scan of a repo with a 2 GB safetensors and a 2 GB torch zip (range reads)',
      `${(r.fetched.bytes / MB).toFixed(2)} MB fetched of ${(total / MB).toFixed(0)} MB`,
      `${((r.fetched.bytes / total) * 100).toFixed(3)}% of the bytes, ${r.fetched.requests} requests, ${ms.toFixed(0)} ms; verdicts ${verdicts}`,
    ]);
    t = performance.now();
    const full = await scanHub('hf:bench/big', { env, full: true });
    const fullMs = performance.now() - t;
    rows.push([
      'hf: the same repo with --full (download, verify SHA-256, scan)',
      `${(full.fetched.downloaded / MB / (fullMs / 1000)).toFixed(0)} MB/s`,
      `${(full.fetched.downloaded / MB).toFixed(0)} MB in ${(fullMs / 1000).toFixed(1)} s over loopback; ${full.files.filter((f) => f.findings.some((x) => x.ruleId === 'repo/hash-mismatch')).length} mismatches`,
    ]);
  } finally {
    await hub.close();
  }
}
