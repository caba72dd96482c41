import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { cannotRead, cannotWrite, isModelgateError, missing, ModelgateError } from '../../core/errors.js';
import { withLimits, type Limits } from '../../core/limits.js';
import type { Finding, Verdict } from '../../core/finding.js';
import { scan } from '../scan.js';
import type { PickleStream } from '../../formats/pickle/model.js';
import { InputFile } from './input-file.js';
import { readLegacyCheckpoint } from './legacy-checkpoint.js';
import type { NamedTensor } from './model.js';
import { planLayout, writeAtomically, writeSafetensors } from './output.js';
import { planAliases, type AliasPlan } from './shared.js';
import type { SafetensorsLayout } from '../../formats/safetensors/write.js';
import { verifyOutput, type VerifyReport } from './verify.js';
import { readTarCheckpoint } from './tar-checkpoint.js';
import { readZipCheckpoint } from './zip-checkpoint.js';

export interface ConvertOptions {
  /** Re-read both files after writing and compare every tensor (before the output is renamed into place). */
  verify?: boolean;
  /** Replace an existing output file. */
  force?: boolean;
  limits?: Partial<Limits>;
}

export interface Converted {
  status: 'converted';
  input: string;
  output: string;
  /** The checkpoint format, as the scan named it. */
  format: string;
  tensors: number;
  /** Bytes of tensor data written. */
  bytes: number;
  /** Names dropped as the same view as a written tensor (recorded in `__metadata__`). */
  aliases: Map<string, string>;
  /** Overlapping views of one storage that differ, written as separate copies. */
  copiedGroups: string[][];
  verified?: VerifyReport;
}

export interface Refused {
  status: 'refused';
  input: string;
  /** The scan's verdict: not clean, or clean but outside the conversion allow-list. */
  verdict: Verdict;
  reason: string;
  findings: Finding[];
}

export type ConvertOutcome = Converted | Refused;

/** Formats converted, as the scan's `format` names them. */
const READERS: Record<string, 'zip' | 'legacy' | 'tar'> = { 'pytorch-zip': 'zip', 'pytorch-legacy': 'legacy', 'pytorch-tar': 'tar' };

/** A checkpoint read and planned, its file still open: ready to write. */
export interface Prepared {
  input: string;
  format: string;
  source: InputFile;
  plan: AliasPlan;
  layout: SafetensorsLayout;
}

/**
 * Scans one checkpoint with the same `scan()` every command uses and, when its verdict is
 * clean, reads its tensors under the conversion allow-list (allowed.ts) and plans the output.
 * Returns a refusal (with the findings) when the verdict is not clean or the pickle steps
 * outside the allow-list. Throws ModelgateError for what cannot be converted (UNSUPPORTED,
 * MALFORMED...) or read (UNREADABLE). The caller closes `source`.
 */
export async function prepareCheckpoint(input: string, limits: Limits): Promise<Prepared | Refused> {
  const streams = new Map<string, PickleStream[]>();
  const result = await scan([input], {
    hash: false,
    limits,
    observer: { pickleStreams: (target, _source, s) => streams.set(target, [...s]) },
  });
  const file = result.files[0];
  if (!file) throw new ModelgateError('UNREADABLE', `${input}: nothing to read`);
  if (file.verdict !== 'clean') {
    return { status: 'refused', input, verdict: file.verdict, reason: `the scan's verdict is ${file.verdict}`, findings: file.findings };
  }
  const reader = READERS[file.format];
  if (!reader) throw new ModelgateError('UNSUPPORTED', `${input} is ${file.format}, not a PyTorch checkpoint (zip, legacy or tar format)`);
  const source = new InputFile(input);
  try {
    const tensors = readTensors(reader, source, limits, input, streams);
    const plan = planAliases(tensors);
    const layout = planLayout(plan.write, new Map([['format', 'pt'], ...plan.aliases]));
    return { input, format: file.format, source, plan, layout };
  } catch (e) {
    source.close();
    if (isModelgateError(e, 'CONVERT_REFUSED')) return { status: 'refused', input, verdict: 'clean', reason: e.message, findings: file.findings };
    throw e;
  }
}

/** Writes a prepared checkpoint to `path` (a new file), verifying it when asked. */
export async function writePrepared(p: Prepared, path: string, verify: boolean): Promise<VerifyReport | undefined> {
  writeSafetensors(p.source, p.plan.write, p.layout, path);
  return verify ? await verifyOutput(p.source, path, p.plan.write, p.layout, p.plan) : undefined;
}

/** The summary of a written conversion. */
export function convertedSummary(p: Prepared, output: string, verified: VerifyReport | undefined): Converted {
  const bytes = p.layout.tensors.reduce((n, t) => n + t.end - t.begin, 0);
  return {
    status: 'converted',
    input: p.input,
    output,
    format: p.format,
    tensors: p.layout.tensors.length,
    bytes,
    aliases: p.plan.aliases,
    copiedGroups: p.plan.copiedGroups,
    verified,
  };
}

/**
 * Converts one torch checkpoint to safetensors without running it (see prepareCheckpoint for
 * what is refused). Tensor bytes are copied from the checkpoint to a temporary file beside
 * OUTPUT, which is renamed into place only when complete (and, with `verify`, checked).
 */
export async function convertFile(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertOutcome> {
  checkPaths(input, output, options.force === true);
  const prepared = await prepareCheckpoint(input, withLimits(options.limits));
  if ('status' in prepared) return prepared;
  try {
    const verified = await writeAtomically(output, (temp) => writePrepared(prepared, temp, options.verify === true));
    return convertedSummary(prepared, output, verified);
  } finally {
    prepared.source.close();
  }
}

function readTensors(reader: 'zip' | 'legacy' | 'tar', source: InputFile, limits: Limits, input: string, streams: Map<string, PickleStream[]>): NamedTensor[] {
  switch (reader) {
    case 'zip':
      return readZipCheckpoint(source, limits, (member) => streams.get(`${input}!/${member}`));
    case 'legacy':
      return readLegacyCheckpoint(source, streams.get(input));
    case 'tar':
      return readTarCheckpoint(source, limits, (member) => streams.get(`${input}!/${member}`));
  }
}

export function checkPaths(input: string, output: string, force: boolean): void {
  if (!existsSync(input)) throw cannotRead(input, missing());
  if (!statSync(input).isFile()) throw new ModelgateError('USAGE', `${input} is not a file (a folder of shards needs its pytorch_model.bin.index.json)`);
  if (!existsSync(dirname(resolve(output)))) throw cannotWrite(output, missing());
  if (existsSync(output)) {
    if (realpathSync(output) === realpathSync(input)) throw new ModelgateError('USAGE', 'the output would replace the input');
    if (!force) throw new ModelgateError('USAGE', `${output} exists (use --force to replace it)`);
    if (!statSync(output).isFile()) throw new ModelgateError('USAGE', `${output} is not a file`);
  }
}
