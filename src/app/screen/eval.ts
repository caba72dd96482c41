import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fsReason, ModelgateError } from '../../core/errors.js';
import { readLabels, readSamples } from './input-files.js';
import { neuralCleanse, prepare, type ScreenOptions } from './screen.js';

/** One model of a labelled backdoor set (the `models[]` entries of its manifest.json). */
interface ManifestModel {
  file: string;
  label: 'clean' | 'backdoored';
  target_label?: number;
  trigger_file?: string;
}

/** One line of the evaluation table. */
export interface EvalRow {
  model: string;
  label: 'clean' | 'backdoored';
  verdict: 'malicious' | 'clean';
  trueTarget?: number;
  suspectedTarget?: number;
  anomalyIndex?: number;
  /** IoU of the recovered mask of the true target with the ground-truth mask (both cut at 0.5). */
  maskIoU?: number;
  norms: number[];
  seconds: number;
  right: boolean;
}

/** Intersection over union of two masks, each thresholded at 0.5. */
export function maskIoU(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    // A value past the end of the shorter mask is outside it.
    const x = (a[i] ?? 0) >= 0.5;
    const y = (b[i] ?? 0) >= 0.5;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 0 : inter / union;
}

/**
 * Screens every model of a labelled set (README of eval/backdoor: `manifest.json`, raw
 * uint8 `clean_samples.bin` [N, 28, 28] and `clean_labels.bin`, triggers as float32 [2, H, W]).
 * A backdoored model is right when it is flagged with its true target, a clean one when it is
 * not flagged.
 */
export async function evaluateBackdoorSet(dir: string, options: ScreenOptions, onRow?: (row: EvalRow) => void): Promise<EvalRow[]> {
  let manifest: { models: ManifestModel[]; clean_samples?: { shape?: number[] } };
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch (e) {
    throw new ModelgateError('UNREADABLE', `cannot read ${join(dir, 'manifest.json')}: ${fsReason(e)}`, { cause: e });
  }
  const shape = manifest.clean_samples?.shape?.slice(1) ?? [28, 28];
  const [height, width] = shape;
  if (height === undefined || width === undefined)
    throw new ModelgateError('MALFORMED', `${join(dir, 'manifest.json')}: clean_samples.shape must be [N, H, W]`);
  const images = readSamples(join(dir, 'clean_samples.bin'), { shape: [1, ...shape] });
  const labels = readLabels(join(dir, 'clean_labels.bin'));
  const rows: EvalRow[] = [];
  for (const entry of manifest.models) {
    const prepared = prepare(readFileSync(join(dir, entry.file)), images, labels, options.maxSamples, options.seed);
    const result = await neuralCleanse(prepared, options);
    const suspected = result.suspected?.label;
    const plane = height * width;
    let iou: number | undefined;
    if (entry.trigger_file && entry.target_label !== undefined) {
      const trigger = result.triggers[entry.target_label];
      if (!trigger) throw new ModelgateError('MALFORMED', `${entry.file}: target label ${entry.target_label} is not a label of the model`);
      const raw = new Uint8Array(readFileSync(join(dir, entry.trigger_file)));
      iou = maskIoU(trigger.mask, new Float32Array(raw.buffer).subarray(0, plane));
    }
    const right = entry.label === 'backdoored' ? suspected === entry.target_label : suspected === undefined;
    const row: EvalRow = {
      model: entry.file,
      label: entry.label,
      verdict: suspected === undefined ? 'clean' : 'malicious',
      trueTarget: entry.target_label,
      suspectedTarget: suspected,
      anomalyIndex: result.suspected?.anomalyIndex ?? Math.max(...result.anomaly.indices.filter((_, l) => result.triggers[l]!.norm < result.anomaly.median), 0),
      maskIoU: iou,
      norms: result.triggers.map((t) => t.norm),
      seconds: result.seconds,
      right,
    };
    rows.push(row);
    onRow?.(row);
  }
  return rows;
}

/** The table the issue asks for, as Markdown. */
export function formatEvalTable(rows: readonly EvalRow[]): string {
  const lines = ['| model | label | verdict | suspected target (true) | anomaly index | mask IoU | s/model | right |', '|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const target = `${r.suspectedTarget ?? '–'} (${r.trueTarget ?? '–'})`;
    const iou = r.maskIoU === undefined ? '–' : r.maskIoU.toFixed(2);
    lines.push(
      `| ${r.model} | ${r.label} | ${r.verdict} | ${target} | ${r.anomalyIndex?.toFixed(2) ?? '–'} | ${iou} | ${r.seconds.toFixed(1)} | ${r.right ? 'yes' : 'NO'} |`,
    );
  }
  const right = rows.filter((r) => r.right).length;
  lines.push('', `${right}/${rows.length} right`);
  return lines.join('\n');
}
