import { ModelgateError } from '../../core/errors.js';
import type { Program } from './interpreter/program.js';
import { type FloatValue, floatValue, sizeOf } from './interpreter/tensor.js';
import { Random } from './random.js';
import { imageAt, imageDims, softmaxRows } from './samples.js';

/** STRIP settings (Gao et al., ACSAC 2019). */
export interface StripOptions {
  /** Clean images superimposed on each input (the paper uses N = 100; 20 already separates BadNets). */
  overlays: number;
  /** False-rejection rate the threshold is set at, on the clean images. */
  frr: number;
  /** Clean images used to set the threshold. */
  calibration: number;
  seed: number;
}

export const DEFAULT_STRIP_OPTIONS: StripOptions = { overlays: 20, frr: 0.01, calibration: 200, seed: 1 };

/** Entropies and the decision for a set of inputs. */
export interface StripResult {
  threshold: number;
  /** Requested false-rejection rate. */
  frr: number;
  /** Normalised entropy of each input (mean over overlays of the prediction entropy, bits). */
  entropies: number[];
  /** Indices of the inputs whose entropy is below the threshold. */
  flagged: number[];
  /** With labels (1 = trojaned): measured false-rejection and false-acceptance rates. */
  measured?: { frr: number; far: number; clean: number; trojaned: number };
}

/** What STRIP said about clean samples stamped with a recovered trigger (Neural Cleanse's confirmation). */
export interface StripConfirmation {
  /** Stamped samples whose entropy fell below the clean threshold. */
  flaggedRate: number;
  threshold: number;
  frr: number;
  confirmed: boolean;
}

/**
 * The normalised entropy of each input: superimpose it on `overlays` random clean images
 * (pixel sum, clipped to the value range of the clean set, as the reference's addWeighted(1, 1)
 * saturates) and average the Shannon entropy of the predictions. A trojaned input keeps
 * predicting its target whatever it is blended with, so its entropy is low.
 */
export function stripEntropies(program: Program, clean: FloatValue, inputs: FloatValue, options: StripOptions, skipSelf = false): number[] {
  const random = new Random(options.seed);
  const size = sizeOf(inputs.shape.slice(1));
  if (sizeOf(clean.shape.slice(1)) !== size) {
    throw new ModelgateError('USAGE', `the inputs are [${inputs.shape.slice(1).join(', ')}] but the clean samples [${clean.shape.slice(1).join(', ')}]`);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of clean.data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const entropies: number[] = [];
  const pool = [...Array(imageDims(clean)[0]).keys()];
  const [count] = imageDims(inputs);
  for (let i = 0; i < count; i++) {
    const x = imageAt(inputs, i);
    const picks = random.sample(skipSelf ? pool.filter((p) => p !== i) : pool, options.overlays);
    const batch = floatValue([picks.length, ...inputs.shape.slice(1)]);
    picks.forEach((p, k) => {
      const overlay = imageAt(clean, p);
      // Both images have `size` values (checked above).
      for (let j = 0; j < size; j++) batch.data[k * size + j] = Math.min(hi, Math.max(lo, x[j]! + overlay[j]!));
    });
    const probs = softmaxRows(program.run(batch).logits);
    let sum = 0;
    for (const p of probs) if (p > 0) sum -= p * Math.log2(p);
    entropies.push(sum / picks.length);
  }
  return entropies;
}

/**
 * The entropy below which a fraction `frr` (in [0, 1)) of the clean entropies lie (empirical
 * quantile). No clean entropy, or a rate outside [0, 1), is a USAGE error.
 */
export function thresholdAt(cleanEntropies: readonly number[], frr: number): number {
  const sorted = cleanEntropies.slice().sort((a, b) => a - b);
  const lowest = sorted[0];
  if (lowest === undefined) throw new ModelgateError('USAGE', 'STRIP needs clean samples to set its threshold');
  if (!(frr >= 0 && frr < 1)) throw new ModelgateError('USAGE', `the false-rejection rate must be in [0, 1), got ${frr}`);
  const k = Math.floor(frr * sorted.length);
  // Midway between the last rejected and the first accepted clean entropy; 0 < k < length.
  if (k <= 0) return lowest - 1e-9;
  return (sorted[k - 1]! + sorted[k]!) / 2;
}

/**
 * STRIP: sets the threshold on (up to `calibration`) clean images at the requested FRR, then
 * scores every input. `labels` (1 trojaned, 0 clean) give the measured FRR and FAR.
 */
export function strip(program: Program, clean: FloatValue, inputs: FloatValue, options: StripOptions, labels?: readonly number[]): StripResult {
  const n = Math.min(imageDims(clean)[0], options.calibration);
  const calibration = floatValue([n, ...clean.shape.slice(1)], clean.data.subarray(0, n * sizeOf(clean.shape.slice(1))));
  const cleanEntropies = stripEntropies(program, clean, calibration, { ...options, seed: options.seed + 1 }, true);
  const threshold = thresholdAt(cleanEntropies, options.frr);
  const entropies = stripEntropies(program, clean, inputs, options);
  const flagged = entropies.flatMap((e, i) => (e < threshold ? [i] : []));
  const result: StripResult = { threshold, frr: options.frr, entropies, flagged };
  if (labels) {
    const isFlagged = new Set(flagged);
    const cleanIdx = labels.flatMap((l, i) => (l === 0 ? [i] : []));
    const trojanIdx = labels.flatMap((l, i) => (l !== 0 ? [i] : []));
    result.measured = {
      frr: cleanIdx.length ? cleanIdx.filter((i) => isFlagged.has(i)).length / cleanIdx.length : 0,
      far: trojanIdx.length ? trojanIdx.filter((i) => !isFlagged.has(i)).length / trojanIdx.length : 0,
      clean: cleanIdx.length,
      trojaned: trojanIdx.length,
    };
  }
  return result;
}
