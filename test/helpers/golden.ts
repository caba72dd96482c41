import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The `test/` directory: golden names are relative to it. */
const TEST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `UPDATE_GOLDEN=1` (any value but empty, `0` or `false`) rewrites golden files. */
function updating(): boolean {
  const flag = process.env.UPDATE_GOLDEN;
  return flag !== undefined && flag !== '' && flag !== '0' && flag.toLowerCase() !== 'false';
}

/**
 * Compares `actual` with the golden file `name` (a path relative to `test/`, e.g.
 * `report/golden/scan.json`, or an absolute path), byte for byte. With `UPDATE_GOLDEN=1` in the
 * environment it writes `actual` there instead, creating folders as needed.
 */
export function expectGolden(name: string, actual: string): void {
  const path = isAbsolute(name) ? name : resolve(TEST_DIR, name);
  if (updating()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new Error(`golden file ${name} is missing: run the test with UPDATE_GOLDEN=1 to create it`, {
      cause,
    });
  }
  expect(actual, `differs from golden file ${name} (UPDATE_GOLDEN=1 refreshes it)`).toBe(expected);
}
