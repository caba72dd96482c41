import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanBytes } from '../helpers/scan-bytes.js';

/* Inputs the fuzzer found (test/fixtures/fuzz-regressions/README.md), each scanned as found. */

const dir = join(import.meta.dirname, '../fixtures/fuzz-regressions');

describe('fuzz regressions', () => {
  it('bz2/no-end-of-stream-marker.bz2: a bzip2 stream cut after its last block is TRUNCATED, not clean', async () => {
    const bytes = readFileSync(join(dir, 'bz2/no-end-of-stream-marker.bz2'));
    const r = await scanBytes(bytes);
    expect(r.verdict).toBe('error');
    expect(r.findings.filter((f) => f.fatal).map((f) => f.code)).toContain('TRUNCATED');
  });
});
