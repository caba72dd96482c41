import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { readLabels, readSamples } from '../src/app/screen/input-files.js';
import { DEFAULT_SCREEN_OPTIONS, neuralCleanse, prepare } from '../src/app/screen/screen.js';

/**
 * `modelgate screen` with the defaults (500 samples, up to 300 steps per label, one worker
 * thread per core) on the CNN and the MLP of eval/backdoor: seconds per model; target
 * under 2 minutes on 2 cores.
 */
export async function benchBackdoor(rows: Array<[string, string, string]>, dir = 'eval/backdoor'): Promise<void> {
  if (!existsSync(join(dir, 'manifest.json'))) {
    rows.push(['backdoor screen (Neural Cleanse)', 'skipped', `${dir} is missing`]);
    return;
  }
  const images = readSamples(join(dir, 'clean_samples.bin'), { shape: [1, 28, 28] });
  const labels = readLabels(join(dir, 'clean_labels.bin'));
  for (const [file, what] of [
    ['m2.onnx', 'CNN 8/16 ch, backdoored'],
    ['m4.onnx', 'MLP 784-256-64-10, backdoored'],
  ] as const) {
    const prepared = prepare(readFileSync(join(dir, file)), images, labels, DEFAULT_SCREEN_OPTIONS.maxSamples, 1);
    const result = await neuralCleanse(prepared, DEFAULT_SCREEN_OPTIONS);
    const verdict = result.suspected ? `target ${result.suspected.label}, index ${result.suspected.anomalyIndex.toFixed(2)}` : 'clean';
    rows.push([
      `backdoor screen, ${what} (${file}), ${result.samples} samples`,
      `${result.seconds.toFixed(0)} s`,
      `${DEFAULT_SCREEN_OPTIONS.workers} of ${availableParallelism()} cores; ${verdict}; target < 120 s`,
    ]);
  }
}
