import { readFileSync } from 'node:fs';
import type { Finding } from '../../core/finding.js';
import type { ScanResult } from '../../core/report-types.js';
import type { VersionFilesTable } from '../../store/index.js';
import { sampleFormat } from '../screen/cli-options.js';
import { readLabels, readSamples } from '../screen/input-files.js';
import { neuralCleanseFinding } from '../screen/report.js';
import { confirmWithStrip, DEFAULT_SCREEN_OPTIONS, neuralCleanse, prepare } from '../screen/screen.js';
import { DEFAULT_STRIP_OPTIONS } from '../screen/strip.js';
import type { RegistryContext } from './context.js';

/** ONNX files screened at most: the interpreter holds the model and runs it many times. */
const MAX_SCREEN_MODEL_BYTES = 256 * 1024 * 1024;

/** The files screening applies to: ONNX models, when the registry has a clean sample set configured. */
export function screenable(ctx: RegistryContext, files: readonly VersionFilesTable[], report: ScanResult): VersionFilesTable[] {
  if (!ctx.config.screening) return [];
  // A file the static scan did not read cleanly to its end is never run (as `modelgate screen`).
  const readable = new Set(report.files.filter((f) => f.format === 'onnx' && f.verdict !== 'error' && f.verdict !== 'malicious').map((f) => f.path));
  return files.filter((f) => readable.has(f.path) && f.size <= MAX_SCREEN_MODEL_BYTES);
}

/** One screened file: its finding, or why it could not be screened. */
export interface Screened {
  path: string;
  finding?: Finding;
  notScreened?: string;
}

/**
 * Neural Cleanse (with STRIP on a suspected trigger) of each screenable file against the
 * configured clean samples, as `modelgate screen` runs it. A model that is not an image
 * classifier of those samples is not screened, and says why; it is not rejected for that.
 */
export async function screenVersion(ctx: RegistryContext, files: readonly VersionFilesTable[]): Promise<Screened[]> {
  const config = ctx.config.screening;
  if (!config) return [];
  const options = {
    ...DEFAULT_SCREEN_OPTIONS,
    maxSamples: config.maxSamples ?? DEFAULT_SCREEN_OPTIONS.maxSamples,
    steps: config.steps ?? DEFAULT_SCREEN_OPTIONS.steps,
    seed: config.seed ?? DEFAULT_SCREEN_OPTIONS.seed,
  };
  const images = readSamples(config.samples, sampleFormat(config.shape, config.scale));
  const labels = readLabels(config.labels);
  const out: Screened[] = [];
  for (const file of files) {
    try {
      const prepared = prepare(readFileSync(ctx.blobs.path(file.sha256)), images, labels, options.maxSamples, options.seed);
      const result = await neuralCleanse(prepared, options);
      const extra: Record<string, unknown> = {};
      if (result.suspected) extra.strip = confirmWithStrip(prepared, result, { ...DEFAULT_STRIP_OPTIONS, seed: options.seed });
      out.push({ path: file.path, finding: neuralCleanseFinding(file.path, result, extra) });
    } catch (e) {
      out.push({ path: file.path, notScreened: (e as Error).message });
    }
  }
  return out;
}
