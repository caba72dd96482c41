import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ModelgateError } from '../../core/errors.js';
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

/**
 * Starts the worker script beside this module: compiled `.js` in the package; under tsx or
 * vitest the source is `.ts`, so a small bootstrap registers tsx (a dev dependency) in the
 * worker first.
 */
function startWorker(job: LabelJob): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./label-worker.js', self), { workerData: job });
  // The ES module entry of tsx/esm/api, from tsx's own exports map (require.resolve would
  // give its CommonJS twin, which cannot register the hooks in a worker).
  const manifest = createRequire(self).resolve('tsx/package.json');
  const tsx = join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).exports['./esm/api'].import.default);
  const script = new URL('./label-worker.ts', self).href;
  const bootstrap = `import(${JSON.stringify(pathToFileURL(tsx).href)}).then((api) => { api.register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: job });
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
