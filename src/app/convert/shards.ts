import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelgateError } from '../../core/errors.js';
import { withLimits } from '../../core/limits.js';
import { convertedSummary, prepareCheckpoint, writePrepared, type Converted, type ConvertOptions, type Prepared, type Refused } from './convert.js';
import { temporaryPath } from './output.js';

/** The index Hugging Face writes beside sharded pickle checkpoints. */
export const PICKLE_INDEX = 'pytorch_model.bin.index.json';
export const SAFETENSORS_INDEX = 'model.safetensors.index.json';
/** Largest index read: real ones list a few thousand names. */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

export interface ConvertedShards {
  status: 'converted';
  shards: Converted[];
  index: string;
}

/** safetensors convert.py `rename`: `pytorch_model` → `model`, the extension → `.safetensors`. */
export function shardOutputName(name: string): string {
  return name.replace(/\.[^.]*$/, '').replace(/pytorch_model/g, 'model') + '.safetensors';
}

/** Python's `json.dump(obj, f, indent=4)`: `ensure_ascii`, `", "`-less items, `": "` pairs. */
export function pythonJson(value: unknown): string {
  return JSON.stringify(value, null, 4).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function readIndex(folder: string): { data: Record<string, unknown>; weightMap: Record<string, string> } {
  const path = join(folder, PICKLE_INDEX);
  if (!existsSync(path)) throw new ModelgateError('USAGE', `${folder} has no ${PICKLE_INDEX}`);
  if (statSync(path).size > MAX_INDEX_BYTES) throw new ModelgateError('LIMIT_MEMBER_BYTES', `${PICKLE_INDEX} is larger than ${MAX_INDEX_BYTES} bytes`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ModelgateError('MALFORMED', `${PICKLE_INDEX} is not JSON`, { cause: e });
  }
  const map = (data as { weight_map?: unknown } | null)?.weight_map;
  if (typeof data !== 'object' || data === null || typeof map !== 'object' || map === null)
    throw new ModelgateError('MALFORMED', `${PICKLE_INDEX} has no weight_map`);
  for (const [name, file] of Object.entries(map)) {
    // Shards are plain names in the folder: nothing that leaves it.
    if (typeof file !== 'string' || !/^[^/\\]+$/.test(file) || file === '.' || file === '..')
      throw new ModelgateError('MALFORMED', `weight_map[${JSON.stringify(name)}] is not a file name in the folder`);
  }
  return { data: data as Record<string, unknown>, weightMap: map as Record<string, string> };
}

/**
 * Converts a folder of sharded pickle checkpoints with its `pytorch_model.bin.index.json`
 * as safetensors' convert.py `convert_multi` does: each shard to `model-….safetensors`, and
 * `model.safetensors.index.json` with the index's fields and its weight_map renamed. Every
 * shard is scanned and gated; one refusal refuses all, and nothing appears in OUTDIR until
 * every shard is written (and verified, with `verify`).
 */
export async function convertShards(folder: string, outDir: string, options: ConvertOptions = {}): Promise<ConvertedShards | Refused> {
  const { data, weightMap } = readIndex(folder);
  const shardNames = [...new Set(Object.values(weightMap))].sort();
  if (shardNames.length === 0) throw new ModelgateError('MALFORMED', `${PICKLE_INDEX} names no shard`);
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new ModelgateError('USAGE', `${outDir} is not a folder`);
  mkdirSync(outDir, { recursive: true });
  const targets = [...shardNames.map(shardOutputName), SAFETENSORS_INDEX].map((n) => join(outDir, n));
  const taken = targets.filter((t) => existsSync(t));
  if (taken.length > 0 && !options.force) throw new ModelgateError('USAGE', `${taken[0]} exists (use --force to replace it)`);

  const limits = withLimits(options.limits);
  const temps: Array<[string, string]> = [];
  const shards: Converted[] = [];
  try {
    for (const name of shardNames) {
      const input = join(folder, name);
      if (!existsSync(input)) throw new ModelgateError('UNREADABLE', `shard ${name} named by the index is missing`);
      const prepared = await prepareCheckpoint(input, limits);
      if ('status' in prepared) return prepared;
      try {
        checkShardNames(prepared, name, weightMap);
        const output = join(outDir, shardOutputName(name));
        const temp = temporaryPath(output);
        temps.push([temp, output]);
        const verified = await writePrepared(prepared, temp, options.verify === true);
        shards.push(convertedSummary(prepared, output, verified));
      } finally {
        prepared.source.close();
      }
    }
    const index = join(outDir, SAFETENSORS_INDEX);
    const indexTemp = temporaryPath(index);
    temps.push([indexTemp, index]);
    const renamed = Object.fromEntries(Object.entries(weightMap).map(([k, v]) => [k, shardOutputName(v)]));
    writeFileSync(indexTemp, pythonJson({ ...data, weight_map: renamed }), { flag: 'wx' });
    for (const [temp, output] of temps) renameSync(temp, output);
    return { status: 'converted', shards, index };
  } finally {
    for (const [temp] of temps) rmSync(temp, { force: true });
  }
}

/** Every name the index puts in this shard must be a tensor of it (or an alias of one). */
function checkShardNames(p: Prepared, shard: string, weightMap: Record<string, string>): void {
  const names = new Set([...p.plan.write.map((t) => t.name), ...p.plan.aliases.keys()]);
  for (const [name, file] of Object.entries(weightMap)) {
    if (file === shard && !names.has(name)) throw new ModelgateError('MALFORMED', `the index puts ${name} in ${shard}, which does not hold it`);
  }
}
