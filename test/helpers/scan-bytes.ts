import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Limits } from '../../src/core/limits.js';
import type { FileResult } from '../../src/core/report-types.js';
import { scan } from '../../src/app/index.js';

/*
 * The one way tests scan bytes: through the engine's `scan`, on a real file, so they take the
 * path a CLI run takes (sniffing, the file reader's window, the limits). Tests reach the
 * engine's scan through this file, so a move of the engine changes one import here.
 */

/** The engine's scan, for tests that lay out a folder themselves (links, FIFOs, permissions). */
export { scan };

export interface ScanBytesOptions {
  /**
   * The file's name, a path relative to its folder (`custom_generate/generate.py`). By default
   * an uninformative `f<n>.bin`, so detection never leans on a telling name.
   */
  name?: string;
  /** Limits over the defaults. */
  limits?: Partial<Limits>;
  /** Files written beside it, by name: the `.py` a config's auto_map names, external data. */
  siblings?: Record<string, Buffer | string>;
}

let root: string | undefined;
let count = 0;

/**
 * Writes `bytes` to a file of its own folder (with its siblings, nothing else) and scans that
 * folder; returns the file's result, whose path and finding targets begin with `name`.
 */
export async function scanBytes(bytes: Buffer, options: ScanBytesOptions = {}): Promise<FileResult> {
  root ??= mkdtempSync(join(tmpdir(), 'mg-scan-bytes-'));
  const n = count++;
  const dir = join(root, String(n));
  const name = options.name ?? `f${n}.bin`;
  const files: Record<string, Buffer | string> = { ...options.siblings, [name]: bytes };
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
  const result = await scan([dir], { hash: false, limits: options.limits });
  const file = result.files.find((f) => f.path === name);
  if (!file) throw new Error(`scanBytes: ${name} is missing from the scan of ${dir}`);
  return file;
}
