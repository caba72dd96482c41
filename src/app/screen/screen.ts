import { availableParallelism } from 'node:os';
import { ModelgateError } from '../../core/errors.js';
import { type Anomaly, anomalyOf } from './anomaly.js';
import { loadGraph } from './interpreter/graph.js';
import { compileProgram, type Program } from './interpreter/program.js';
import type { FloatValue } from './interpreter/tensor.js';
import { reverseInParallel } from './parallel.js';
import { Random } from './random.js';
import { DEFAULT_REVERSE_OPTIONS, type ReverseOptions, type ReversedTrigger, reverseTrigger, stamp } from './reverse-trigger.js';
import { batchOf, logitsDims, predict } from './samples.js';
import { strip, type StripConfirmation, type StripOptions } from './strip.js';

/**
 * Below this clean accuracy the samples, labels, shape or scale do not fit the model, and any
 * trigger found would describe that mismatch rather than the model: screening stops.
 */
export const MIN_CLEAN_ACCURACY = 0.5;

/** Samples used by default (the evaluation set's size); more only cost time. */
export const DEFAULT_MAX_SAMPLES = 500;

export interface ScreenOptions extends ReverseOptions {
  maxSamples: number;
  /** Threads the labels are spread over (results do not depend on it). */
  workers: number;
}

export const DEFAULT_SCREEN_OPTIONS: ScreenOptions = {
  ...DEFAULT_REVERSE_OPTIONS,
  maxSamples: DEFAULT_MAX_SAMPLES,
  workers: Math.max(1, Math.min(availableParallelism(), 4)),
};

/** What Neural Cleanse found in one model. */
export interface ScreenResult {
  classes: number;
  samples: number;
  cleanAccuracy: number;
  triggers: ReversedTrigger[];
  anomaly: Anomaly;
  /** The most anomalous small-side label, when one is over the threshold. */
  suspected?: { label: number; anomalyIndex: number; maskNorm: number; attackRate: number };
  imageShape: number[];
  endsInSoftmax: boolean;
  seconds: number;
  options: ScreenOptions;
}

/** The model compiled for screening, with the samples checked against it. */
export interface Prepared {
  modelBytes: Buffer;
  program: Program;
  images: FloatValue;
  labels: number[];
  cleanAccuracy: number;
}

/**
 * Compiles the model, keeps at most `maxSamples` samples (a seeded choice), and checks that the
 * model is a classifier of these images: shapes agree, labels are in range, and clean accuracy
 * is at least MIN_CLEAN_ACCURACY.
 */
export function prepare(modelBytes: Buffer, images: FloatValue, labels: readonly number[], maxSamples: number, seed: number): Prepared {
  const program = compileProgram(loadGraph(modelBytes));
  if (labels.length !== images.shape[0]) throw new ModelgateError('USAGE', `${images.shape[0]} samples but ${labels.length} labels`);
  const declared = program.imageShape;
  const given = images.shape.slice(1);
  if (declared.some((d, i) => d !== -1 && d !== given[i])) {
    throw new ModelgateError('USAGE', `the model takes images [${declared.map((d) => (d < 0 ? '?' : d)).join(', ')}], the samples are [${given.join(', ')}]`);
  }
  const chosen = images.shape[0] <= maxSamples ? [...labels.keys()] : new Random(seed).sample([...labels.keys()], maxSamples).sort((a, b) => a - b);
  const kept = batchOf(images, chosen);
  // chosen holds indices of labels.
  const keptLabels = chosen.map((i) => labels[i]!);
  const { classes } = predict(program, kept);
  const k = program.classes > 0 ? program.classes : Math.max(...classes) + 1;
  if (keptLabels.some((l) => !Number.isInteger(l) || l < 0 || l >= Math.max(k, 2)))
    throw new ModelgateError('USAGE', `labels must be class indices 0..${k - 1}`);
  const cleanAccuracy = classes.filter((c, i) => c === keptLabels[i]).length / chosen.length;
  if (cleanAccuracy < MIN_CLEAN_ACCURACY) {
    throw new ModelgateError(
      'USAGE',
      `the model classifies only ${(cleanAccuracy * 100).toFixed(1)}% of the samples right; check --shape, --scale and --labels (screening needs at least ${MIN_CLEAN_ACCURACY * 100}%)`,
    );
  }
  return { modelBytes, program, images: kept, labels: keptLabels, cleanAccuracy };
}

/**
 * Neural Cleanse (Wang et al., IEEE S&P 2019): for every label, reverse-engineer the smallest
 * trigger that turns the clean samples of the other labels into it; then flag labels whose
 * mask norm is a small-side outlier by the MAD anomaly index. Deterministic for a given seed.
 */
export async function neuralCleanse(prepared: Prepared, options: ScreenOptions, onLabel?: (t: ReversedTrigger) => void): Promise<ScreenResult> {
  const started = performance.now();
  const { program, images, labels } = prepared;
  const probe = program.run(batchOf(images, [0]));
  const [, classes] = logitsDims(probe.logits);
  if (new Set(labels).size < 2) throw new ModelgateError('USAGE', 'the samples are all of one label; screening needs samples of several labels');
  let triggers: ReversedTrigger[] = [];
  if (options.workers > 1) {
    triggers = await reverseInParallel(prepared.modelBytes, images, labels, classes, options, options.workers, onLabel);
  } else {
    for (let label = 0; label < classes; label++) {
      const pool = [...labels.keys()].filter((i) => labels[i] !== label);
      const trigger = reverseTrigger(program, images, pool, label, options);
      triggers.push(trigger);
      onLabel?.(trigger);
    }
  }
  const anomaly = anomalyOf(triggers.map((t) => t.norm));
  const top = anomaly.flagged[0];
  // A flagged label is an index of the norms, so of indices and triggers alike.
  const trigger = top === undefined ? undefined : triggers[top];
  const suspected =
    top === undefined || !trigger ? undefined : { label: top, anomalyIndex: anomaly.indices[top]!, maskNorm: trigger.norm, attackRate: trigger.attackRate };
  return {
    classes,
    samples: labels.length,
    cleanAccuracy: prepared.cleanAccuracy,
    triggers,
    anomaly,
    suspected,
    imageShape: images.shape.slice(1),
    endsInSoftmax: program.endsInSoftmax,
    seconds: (performance.now() - started) / 1000,
    options,
  };
}

/** Stamped samples STRIP must flag (as a fraction) to confirm a recovered trigger. */
export const STRIP_CONFIRM_RATE = 0.5;

/**
 * Confirms a suspected trigger with STRIP: clean samples of other labels, stamped with the
 * recovered mask and pattern, should look trojaned (low entropy) when the trigger is a real
 * backdoor; an adversarial patch that only just flips the label does not survive blending.
 */
export function confirmWithStrip(prepared: Prepared, result: ScreenResult, options: StripOptions): StripConfirmation | undefined {
  if (!result.suspected) return undefined;
  const { label } = result.suspected;
  const trigger = result.triggers[label];
  if (!trigger) throw new ModelgateError('USAGE', `no trigger was found for label ${label}`);
  const { mask, pattern } = trigger;
  const others = [...prepared.labels.keys()].filter((i) => prepared.labels[i] !== label).slice(0, 100);
  const stamped = stamp(batchOf(prepared.images, others), mask, pattern);
  const verdict = strip(prepared.program, prepared.images, stamped, options);
  const flaggedRate = verdict.flagged.length / others.length;
  return { flaggedRate, threshold: verdict.threshold, frr: options.frr, confirmed: flaggedRate >= STRIP_CONFIRM_RATE };
}
