import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanBytes } from '../../helpers/scan-bytes.js';

/*
 * Issue 14 point 8: real pickles of benign library objects (test/fixtures/pickle-breadth,
 * written by generate.py there with the real libraries) scan clean: stdlib value types and
 * enums (socket.AddressFamily(2) is a lookup), functools.partial of harmless functions and
 * classes, pandas 3 frames with pyarrow strings, pyarrow values, torch.utils.data datasets,
 * torch.distributions objects, whole torchvision and timm models (generate_vision.py);
 * partials of pure builtins (round, sorted, max …), types.SimpleNamespace, collections.ChainMap,
 * random.Random and a torch checkpoint holding every RNG state (red team).
 */
const DIR = new URL('../../fixtures/pickle-breadth/', import.meta.url);
const FILES = readdirSync(DIR).filter((f) => /\.(pkl|pt)$/.test(f));

describe('benign library pickles', () => {
  it('has every fixture the generator writes', () => {
    expect(FILES.length).toBe(14);
  });

  it.each(FILES)('%s is clean', async (name) => {
    const result = await scanBytes(readFileSync(new URL(name, DIR)), { name });
    expect(result.findings.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
    expect(result.verdict).toBe('clean');
  });
});
