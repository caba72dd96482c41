import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { layoutSafetensors, type SafetensorsLayout } from '../../formats/safetensors/write.js';
import { SequentialWriter } from './writer.js';
import { CHUNK_BYTES, copyTensor } from './copy.js';
import { SAFETENSORS_DTYPE_ORDER } from './dtypes.js';
import type { InputFile } from './input-file.js';
import type { NamedTensor } from './model.js';

/** A temporary name beside `output` (same filesystem, so the final rename is atomic). */
export function temporaryPath(output: string): string {
  return join(dirname(output), `.${basename(output)}.modelgate-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** The layout of the safetensors file for `tensors` with `metadata`. */
export function planLayout(tensors: readonly NamedTensor[], metadata: ReadonlyMap<string, string>): SafetensorsLayout {
  return layoutSafetensors(
    tensors.map((t) => ({ name: t.name, dtype: t.tensor.type.safetensors, shape: t.tensor.shape })),
    metadata,
    SAFETENSORS_DTYPE_ORDER,
  );
}

/** Writes the header and then every tensor's bytes, in layout order, to a new file at `path`. */
export function writeSafetensors(input: InputFile, tensors: readonly NamedTensor[], layout: SafetensorsLayout, path: string): void {
  const views = new Map(tensors.map((t) => [t.name, t.tensor]));
  const writer = new SequentialWriter(path);
  try {
    writer.write(layout.head);
    const scratch = Buffer.allocUnsafe(CHUNK_BYTES);
    for (const t of layout.tensors) {
      const before = writer.written;
      copyTensor(input, views.get(t.name) as NonNullable<ReturnType<typeof views.get>>, (b) => writer.write(b), scratch);
      if (writer.written - before !== t.end - t.begin) throw new Error(`${t.name}: wrote ${writer.written - before} bytes, expected ${t.end - t.begin}`);
    }
    if (writer.written !== layout.size) throw new Error(`wrote ${writer.written} bytes, expected ${layout.size}`);
    writer.finish();
  } finally {
    writer.close();
  }
}

/**
 * Runs `produce(tempPath)`, then renames the temporary file to `output`. On any failure the
 * temporary file is removed and nothing appears at `output`.
 */
export async function writeAtomically<T>(output: string, produce: (tempPath: string) => T | Promise<T>): Promise<T> {
  const temp = temporaryPath(output);
  try {
    const result = await produce(temp);
    renameSync(temp, output);
    return result;
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
