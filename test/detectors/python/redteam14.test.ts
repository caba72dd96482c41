import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initPython } from '../../../src/formats/python/runtime.js';
import { scanNotebookDoc, scanSource, summary } from '../../formats/python/helpers.js';
import { scanBytes } from '../../helpers/scan-bytes.js';

beforeAll(initPython);

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/python/redteam14/${name}`, import.meta.url), 'utf8');

/** Red-team samples that came out clean: each is now reported, with the mechanism that hid it. */
describe('red team 14: sinks held in variables and attributes', () => {
  it.each([
    ['run_cell.ipynb', 'python/dynamic-exec high notebook.ipynb!/cells/1', 'hides the names import, system'],
    ['ipy_system.ipynb', 'python/builtins-lookup high notebook.ipynb!/cells/0', 'IPython.get_ipython().system under the alias shell'],
    ['attr_alias.py', 'python/builtins-lookup high script.py', 'reaches os.system through setattr'],
  ])('%s', (name, expected, message) => {
    const text = fixture(name);
    const { findings } = name.endsWith('.ipynb') ? scanNotebookDoc(JSON.parse(text)) : scanSource(text);
    expect(summary(findings)).toEqual([expected]);
    expect(findings[0]!.message).toContain(message);
  });
});

describe('red team 14: a shell script that runs decoded text', () => {
  it('reads `L=$(… | base64 -d)` then `eval "$L"` in a script named run as code run from decoded data', async () => {
    const r = await scanBytes(Buffer.from(fixture('run')), { name: 'run' });
    expect(r.format).toBe('shell-script');
    expect(r.verdict).toBe('malicious');
    expect(summary(r.findings)).toEqual(['python/dynamic-exec critical run']);
    expect(r.findings[0]!.message).toContain('line 3, column 1 runs $L, decoded by base64 -d, with eval');
  });

  it('keeps a script that only decodes into a file clean', async () => {
    const r = await scanBytes(Buffer.from('#!/bin/sh\necho "$CFG_B64" | base64 -d > config.json\npython train.py --config config.json\n'), { name: 'run' });
    expect(r.verdict).toBe('clean');
  });
});
