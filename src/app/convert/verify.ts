import { createHash } from 'node:crypto';
import { FileSource } from '../../sources/local/file-source.js';
import { ModelgateError } from '../../core/errors.js';
import { HashPool } from '../../sources/index.js';
import { parseSafetensors } from '../../formats/safetensors/parse.js';
import type { SafetensorsLayout } from '../../formats/safetensors/write.js';
import type { InputFile } from './input-file.js';
import type { AliasPlan } from './shared.js';
import { byteExtent, elementCount, isContiguous, type NamedTensor, type TensorView } from './model.js';

const CHUNK = 4 * 1024 * 1024;

export interface VerifyReport {
  tensors: number;
  bytes: number;
  /** SHA-256 of each tensor's bytes, equal in the checkpoint and the output. */
  digests: Map<string, string>;
}

/**
 * Digest of a view's elements in row-major order, computed apart from the copy path: element
 * by element through an odometer over a read-through window, so a mistake in the run-merging
 * copy cannot hide behind the same mistake here.
 */
function sourceDigest(input: InputFile, t: TensorView): string {
  const hash = createHash('sha256');
  const { start, end } = byteExtent(t);
  if (end === start) return hash.digest('hex');
  const window = Buffer.allocUnsafe(Math.min(CHUNK, end - start));
  if (isContiguous(t)) {
    for (let at = start; at < end; at += window.length) {
      const n = Math.min(window.length, end - at);
      input.readInto(window, n, t.storage.start + at);
      hash.update(window.subarray(0, n));
    }
    return hash.digest('hex');
  }
  let windowStart = -1;
  let windowEnd = -1;
  const size = t.type.size;
  const index = new Array<number>(t.shape.length).fill(0);
  const total = elementCount(t.shape);
  for (let i = 0; i < total; i++) {
    let element = t.offset;
    for (let d = 0; d < index.length; d++) element += index[d]! * t.stride[d]!;
    const at = element * size;
    if (at < windowStart || at + size > windowEnd) {
      windowStart = at;
      windowEnd = Math.min(end, at + window.length);
      input.readInto(window, windowEnd - windowStart, t.storage.start + windowStart);
    }
    hash.update(window.subarray(at - windowStart, at - windowStart + size));
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d]! < t.shape[d]!) break;
      index[d] = 0;
    }
  }
  return hash.digest('hex');
}

/**
 * Each name dropped as an alias must be recorded in `__metadata__` as `alias: kept`, and its view
 * must be the kept tensor's very view (storage, dtype, offset, shape, stride) compared field by
 * field here, apart from planAliases' key: an alias that is only an overlapping view would load
 * with the kept tensor's values instead of its own (issue 14, point 9).
 */
function checkAliases(plan: Pick<AliasPlan, 'aliases' | 'aliased'>, written: readonly NamedTensor[], metadata: ReadonlyMap<string, string> | undefined): void {
  const views = new Map(written.map((t) => [t.name, t.tensor]));
  for (const { name, tensor: a } of plan.aliased) {
    const keptName = plan.aliases.get(name);
    const b = keptName === undefined ? undefined : views.get(keptName);
    if (keptName === undefined || !b) throw new ModelgateError('VERIFY_MISMATCH', `alias ${name} names no written tensor`);
    if (metadata?.get(name) !== keptName) throw new ModelgateError('VERIFY_MISMATCH', `alias ${name} -> ${keptName} is not in the written __metadata__`);
    const same =
      a.storage.key === b.storage.key &&
      a.storage.start === b.storage.start &&
      a.type.name === b.type.name &&
      a.offset === b.offset &&
      a.shape.join(',') === b.shape.join(',') &&
      a.stride.join(',') === b.stride.join(',');
    if (!same) throw new ModelgateError('VERIFY_MISMATCH', `alias ${name} is not the same view as ${keptName}: its values would be lost`);
  }
}

/**
 * Re-reads the written file with modelgate's own safetensors parser, checks its header is the
 * one planned, and compares every tensor's SHA-256 with that of its source elements in the
 * checkpoint. Throws VERIFY_MISMATCH on any difference. The written file is hashed in a worker
 * thread (the hash pool's) while this thread hashes the checkpoint, so the two files are read
 * and hashed at once. With `plan`, each alias is checked to be the same view as its kept tensor.
 */
export async function verifyOutput(
  input: InputFile,
  outputPath: string,
  tensors: readonly NamedTensor[],
  layout: SafetensorsLayout,
  plan?: Pick<AliasPlan, 'aliases' | 'aliased'>,
): Promise<VerifyReport> {
  const out = new FileSource(outputPath);
  let pool: HashPool | undefined;
  try {
    const parsed = parseSafetensors(out);
    const problems = [...parsed.issues, ...parsed.offsetProblems.map((p) => p.message), ...parsed.duplicates.map((d) => `duplicate key ${d}`)];
    if (parsed.unclaimed.length > 0) problems.push('bytes no tensor claims');
    if (problems.length > 0) throw new ModelgateError('VERIFY_MISMATCH', `the written file does not parse cleanly: ${problems.slice(0, 3).join('; ')}`);
    const byName = new Map(parsed.tensors.map((t) => [t.name, t]));
    const views = new Map(tensors.map((t) => [t.name, t.tensor]));
    if (parsed.tensors.length !== layout.tensors.length)
      throw new ModelgateError('VERIFY_MISMATCH', `the written file holds ${parsed.tensors.length} tensors, not ${layout.tensors.length}`);
    for (const planned of layout.tensors) {
      const got = byName.get(planned.name);
      const view = views.get(planned.name);
      if (!got || !view) throw new ModelgateError('VERIFY_MISMATCH', `tensor ${planned.name} is missing from the written file`);
      const same =
        got.dtype === planned.dtype && got.shape.join(',') === view.shape.join(',') && Number(got.begin) === planned.begin && Number(got.end) === planned.end;
      if (!same) throw new ModelgateError('VERIFY_MISMATCH', `tensor ${planned.name}: header entry differs from the plan`);
    }
    if (plan) checkAliases(plan, tensors, parsed.metadata);
    pool = new HashPool(1);
    const writtenDigests = layout.tensors.map((planned) => {
      const digest = (pool as HashPool).hash(outputPath, { start: parsed.dataStart + planned.begin, length: planned.end - planned.begin });
      digest.catch(() => undefined); // awaited below, after the checkpoint's digests
      return digest;
    });
    const sourceDigests = layout.tensors.map((planned) => sourceDigest(input, views.get(planned.name) as TensorView));
    const written = await Promise.all(writtenDigests);
    const digests = new Map<string, string>();
    let bytes = 0;
    layout.tensors.forEach((planned, i) => {
      if (written[i] !== sourceDigests[i]) {
        throw new ModelgateError(
          'VERIFY_MISMATCH',
          `tensor ${planned.name}: written bytes differ from the checkpoint (sha256 ${written[i]} vs ${sourceDigests[i]})`,
        );
      }
      digests.set(planned.name, written[i]!);
      bytes += planned.end - planned.begin;
    });
    return { tensors: layout.tensors.length, bytes, digests };
  } finally {
    out.close();
    await pool?.close();
  }
}
