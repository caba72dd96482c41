import { parentPort, workerData } from 'node:worker_threads';
import { loadGraph } from './interpreter/graph.js';
import { compileProgram } from './interpreter/program.js';
import { floatValue } from './interpreter/tensor.js';
import type { LabelJob } from './parallel.js';
import { reverseTrigger } from './reverse-trigger.js';

/** A worker thread of `reverseInParallel`: one trigger per assigned label, posted as it is found. */
const job = workerData as LabelJob;
const program = compileProgram(loadGraph(Buffer.from(job.modelBytes)));
const images = floatValue(job.images.shape, job.images.data);
for (const label of job.targets) {
  const pool = [...job.labels.keys()].filter((i) => job.labels[i] !== label);
  parentPort?.postMessage(reverseTrigger(program, images, pool, label, job.options));
}
