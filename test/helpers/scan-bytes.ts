import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../../src/app/index.js';
import type { FileResult } from '../../src/core/report-types.js';

/**
 * A scanner of byte strings for tests: each call writes the bytes to a fresh file in one
 * temporary folder (named `f<n><extension>`, so detection never leans on a telling name) and
 * returns its file result.
 */
export function bytesScanner(prefix: string, extension = '.bin'): (bytes: Buffer) => Promise<FileResult> {
  const dir = mkdtempSync(join(tmpdir(), `mg-${prefix}-`));
  let n = 0;
  return async (bytes) => {
    const path = join(dir, `f${n++}${extension}`);
    writeFileSync(path, bytes);
    return (await scan([path], { hash: false })).files[0];
  };
}
