import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { cyclonedx16Errors } from './schema.js';

const run = (...args: string[]) => runCli(args);
const root = mkdtempSync(join(tmpdir(), 'mg-bomcli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('modelgate bom', () => {
  it('writes a valid CycloneDX 1.6 BOM with -o and exits 0; exits 2 without -o or on a missing target', () => {
    const dir = mkdtempSync(join(root, 'model-'));
    writeFileSync(join(dir, 'README.md'), '---\nlicense: mit\nbase_model: org/base\n---\n# m\n');
    writeFileSync(join(dir, 'config.json'), '{"model_type": "gpt2"}');
    const out = join(root, 'model.cdx.json');
    const r = run('bom', dir, '-o', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote .*model\.cdx\.json \(CycloneDX 1\.6: 2 files, 0 findings\)/);
    const bom = JSON.parse(readFileSync(out, 'utf8'));
    expect(cyclonedx16Errors(bom)).toEqual([]);
    expect(bom.metadata.component.pedigree.ancestors[0].purl).toBe('pkg:huggingface/org/base');
    expect(run('bom', dir).status).toBe(2);
    expect(run('bom', join(root, 'missing'), '-o', out).status).toBe(2);
  });
});
