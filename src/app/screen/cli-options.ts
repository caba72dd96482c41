import { readFileSync, writeFileSync } from 'node:fs';
import { cannotWrite, fsReason, ModelgateError } from '../../core/errors.js';
import type { SampleFormat } from './input-files.js';

/** A non-negative integer option, or a USAGE error naming the flag. */
export function intOption(flag: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new ModelgateError('USAGE', `${flag} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** A number option in (0, max], or a USAGE error. */
export function numberOption(flag: string, value: string | undefined, fallback: number | undefined, max = Infinity): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new ModelgateError('USAGE', `${flag} must be a number in (0, ${max}], got ${JSON.stringify(value)}`);
  return n;
}

/** `--shape C,H,W` or `H,W` and `--scale N` into a SampleFormat. */
export function sampleFormat(shape: string | undefined, scale: string | undefined): SampleFormat {
  let dims: number[] | undefined;
  if (shape !== undefined) {
    dims = shape.split(',').map((d) => Number(d.trim()));
    if ((dims.length !== 2 && dims.length !== 3) || dims.some((d) => !Number.isSafeInteger(d) || d <= 0)) {
      throw new ModelgateError('USAGE', `--shape must be C,H,W or H,W (positive integers), got ${JSON.stringify(shape)}`);
    }
    if (dims.length === 2) dims = [1, ...dims];
  }
  return { shape: dims, scale: numberOption('--scale', scale, undefined) };
}

/** Reads the model file, or an UNREADABLE error. */
export function readModel(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ModelgateError('UNREADABLE', `cannot read ${path}: ${fsReason(e)}`, { cause: e });
  }
}

/** Writes a report or image, or an UNREADABLE error naming the path. */
export function writeOut(path: string, data: string | Buffer): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw cannotWrite(path, e);
  }
}
