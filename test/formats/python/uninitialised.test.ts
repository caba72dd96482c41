import { describe, expect, it } from 'vitest';
import { looksLikePython } from '../../../src/engine/handlers/python.js';
import { notebook, codeCell } from '../../../src/formats/notebook/builder.js';
import { isPythonReady } from '../../../src/formats/python/runtime.js';
import { scanNotebookDoc, scanSource } from './helpers.js';

// This file never calls initPython: each vitest file has its own module state.
describe('without initPython', () => {
  it('is not ready', () => {
    expect(isPythonReady()).toBe(false);
  });

  it('a Python source fails closed', () => {
    const { findings } = scanSource('print(1)\n');
    expect(findings).toEqual([expect.objectContaining({ fatal: true, code: 'UNSUPPORTED', ruleId: 'container/malformed' })]);
  });

  it('a notebook fails closed', () => {
    const { format, findings } = scanNotebookDoc(notebook([codeCell('print(1)\n')]));
    expect(format).toBe('ipynb');
    expect(findings).toEqual([expect.objectContaining({ fatal: true, code: 'UNSUPPORTED' })]);
  });

  it('names and structure are still recognised', () => {
    expect(looksLikePython(Buffer.from('x'), 'a.py')).toBe(true);
    expect(looksLikePython(Buffer.from('import os\nimport sys\n'), 'tool')).toBe(true);
  });
});
