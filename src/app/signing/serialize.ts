import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fsReason, ModelgateError } from '../../core/errors.js';
import { HashPool } from '../../sources/index.js';
import { DEFAULT_SHARD_SIZE, itemAlgorithm, type Manifest, type Method, type Resource, type Serialization } from './model.js';
import { comparePaths, isIgnored } from './paths.js';

/** Bytes read per call when hashing a shard: 4 MiB reads run at disk speed (64 KiB ones halve it). */
const READ_CHUNK = 4 * 1024 * 1024;
/** Files walked before giving up: a model folder with more is almost surely the wrong folder. */
const MAX_FILES = 1_000_000;

export interface SerializeOptions {
  method: Method;
  /** Bytes per shard (`shards`); the reference's default is 1 GB. */
  shardSize?: number;
  /** Relative, normalized paths to leave out (see paths.ts). */
  ignorePaths: readonly string[];
}

interface ModelFile {
  /** Relative `/` path, or `.` when the model is a single file. */
  name: string;
  disk: string;
  size: number;
}

function refuse(rel: string, st: Stats): never {
  if (st.isSymbolicLink()) {
    throw new ModelgateError('UNSUPPORTED', `${rel} is a symbolic link: model signing covers regular files only and never follows links`);
  }
  throw new ModelgateError('SPECIAL_FILE', `${rel} is not a regular file or folder (a FIFO, socket or device cannot be signed)`);
}

/** Every regular file of the model not ignored, as the reference walks it; links and special files stop the walk. */
export function listModelFiles(modelPath: string, ignorePaths: readonly string[]): ModelFile[] {
  let root: Stats;
  try {
    root = lstatSync(modelPath);
  } catch (e) {
    throw new ModelgateError('UNREADABLE', `cannot read ${modelPath}: ${fsReason(e)}`, { cause: e });
  }
  if (root.isFile()) return [{ name: '.', disk: modelPath, size: root.size }];
  if (!root.isDirectory()) refuse(modelPath, root);
  const files: ModelFile[] = [];
  const visit = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir)) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      if (isIgnored(childRel, ignorePaths)) continue;
      const disk = join(dir, name);
      const st = lstatSync(disk);
      if (st.isDirectory()) visit(disk, childRel);
      else if (st.isFile()) files.push({ name: childRel, disk, size: st.size });
      else refuse(childRel, st);
      if (files.length > MAX_FILES) throw new ModelgateError('LIMIT_ENTRIES', `${modelPath} holds more than ${MAX_FILES} files`);
    }
  };
  try {
    visit(modelPath, '');
  } catch (e) {
    if (e instanceof ModelgateError) throw e;
    throw new ModelgateError('UNREADABLE', `cannot read ${modelPath}: ${fsReason(e)}`, { cause: e });
  }
  return files;
}

/** SHA-256 of bytes [start, end) of a file. */
async function hashRange(disk: string, start: number, end: number): Promise<string> {
  const file = await open(disk, 'r');
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(1, end - start)));
    let at = start;
    while (at < end) {
      const { bytesRead } = await file.read(buf, 0, Math.min(buf.length, end - at), at);
      if (bytesRead === 0) throw new ModelgateError('TRUNCATED', `${disk} ended at byte ${at} while hashing up to ${end} (did it change?)`);
      hash.update(buf.subarray(0, bytesRead));
      at += bytesRead;
    }
    return hash.digest('hex');
  } finally {
    await file.close();
  }
}

/** The shards of a file as the reference cuts them: [0, n), [n, 2n), … the last one short; an empty file has none. */
function shardsOf(size: number, shardSize: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let start = 0; start < size; start += shardSize) out.push([start, Math.min(start + shardSize, size)]);
  return out;
}

/** Parallel shard hashing, a few at a time (each shard is read in 4 MiB chunks). */
async function hashShards(files: ModelFile[], shardSize: number, algorithm: string): Promise<Resource[]> {
  const jobs = files.flatMap((f) => shardsOf(f.size, shardSize).map(([start, end]) => ({ f, start, end })));
  const out: Resource[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      const { f, start, end } = jobs[i]!;
      out[i] = { name: `${f.name}:${start}:${end}`, algorithm, digest: await hashRange(f.disk, start, end) };
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return out;
}

/** Canonical order of the reference: by path components, then shard offsets. */
export function sortResources(resources: Resource[], method: Method): Resource[] {
  if (method === 'files') return resources.sort((a, b) => comparePaths(a.name, b.name));
  const key = (r: Resource): [string, number, number] => {
    const m = /^(.*):(\d+):(\d+)$/.exec(r.name);
    return m ? [m[1]!, Number(m[2]), Number(m[3])] : [r.name, 0, 0];
  };
  return resources.sort((a, b) => {
    const [pa, sa, ea] = key(a);
    const [pb, sb, eb] = key(b);
    return comparePaths(pa, pb) || sa - sb || ea - eb;
  });
}

/**
 * Hashes a model folder (or single file) into a manifest, exactly as the reference serializer
 * does: one SHA-256 per regular file (`files`) or per shard (`shards`), names relative with `/`.
 */
export async function serializeModel(modelPath: string, options: SerializeOptions): Promise<Manifest> {
  const files = listModelFiles(modelPath, options.ignorePaths);
  const shardSize = options.shardSize ?? DEFAULT_SHARD_SIZE;
  if (!Number.isSafeInteger(shardSize) || shardSize <= 0) throw new ModelgateError('USAGE', `shard size must be a positive integer, not ${shardSize}`);
  const serialization: Serialization = {
    method: options.method,
    hashType: 'sha256',
    ...(options.method === 'shards' ? { shardSize } : {}),
    allowSymlinks: false,
    ignorePaths: [...options.ignorePaths].sort(),
  };
  const algorithm = itemAlgorithm(serialization);
  let resources: Resource[];
  if (options.method === 'shards') {
    resources = await hashShards(files, shardSize, algorithm);
  } else {
    const pool = new HashPool(Math.min(files.length, 4));
    try {
      resources = await Promise.all(files.map(async (f) => ({ name: f.name, algorithm, digest: await pool.hash(f.disk) })));
    } catch (e) {
      throw new ModelgateError('UNREADABLE', `cannot hash ${modelPath}: ${(e as Error).message}`, { cause: e });
    } finally {
      await pool.close();
    }
  }
  return { modelName: basename(resolve(modelPath)), serialization, resources: sortResources(resources, options.method) };
}
