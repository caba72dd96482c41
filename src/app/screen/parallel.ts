import type { Worker } from 'node:worker_threads';
import { ModelgateError } from '../../core/errors.js';
import { startModuleWorker } from '../threads.js';
import type { FloatValue } from './interpreter/tensor.js';
import type { ReverseOptions, ReversedTrigger } from './reverse-trigger.js';

/** What a worker needs to reverse-engineer triggers for some labels. */
export interface LabelJob {
  modelBytes: Uint8Array;
  images: { shape: number[]; data: Float32Array };
  labels: number[];
  targets: number[];
  options: ReverseOptions;
}

/** A screening worker (label-worker beside this module) for one share of the labels. */
function startWorker(job: LabelJob): Worker {
  return startModuleWorker(import.meta.url, 'label-worker', { workerData: job });
}

/**
 * Runs the per-label optimisations on `workers` threads, labels dealt round-robin. Each label's
 * result depends only on the seed and the label, so the outcome is the same for any number of
 * workers.
 */
export async function reverseInParallel(
  modelBytes: Buffer,
  images: FloatValue,
  labels: number[],
  classes: number,
  options: ReverseOptions,
  workers: number,
  onLabel?: (t: ReversedTrigger) => void,
): Promise<ReversedTrigger[]> {
  const results: ReversedTrigger[] = new Array(classes);
  const lanes = Array.from({ length: Math.min(workers, classes) }, (_, w) => [...Array(classes).keys()].filter((l) => l % workers === w));
  await Promise.all(
    lanes.map(
      (targets) =>
        new Promise<void>((resolve, reject) => {
          const job: LabelJob = { modelBytes, images: { shape: images.shape, data: images.data }, labels, targets, options };
          const worker = startWorker(job);
          worker.on('message', (t: ReversedTrigger) => {
            results[t.label] = t;
            onLabel?.(t);
          });
          worker.on('error', (e) => reject(new ModelgateError('UNSUPPORTED', `screening worker failed: ${e.message}`, { cause: e })));
          worker.on('exit', (code) => (code === 0 ? resolve() : reject(new ModelgateError('UNSUPPORTED', `screening worker exited with code ${code}`))));
        }),
    ),
  );
  const missing = [...results.keys()].filter((label) => results[label] === undefined);
  if (missing.length > 0) throw new ModelgateError('UNSUPPORTED', `screening workers gave no trigger for labels ${missing.join(', ')}`);
  return results;
}
