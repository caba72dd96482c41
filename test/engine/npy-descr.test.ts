import { describe, expect, it } from 'vitest';
import { osSystemPickle } from '../helpers/pickles.js';
import { scanBytes } from '../helpers/scan-bytes.js';

// Regressions for the red-team samples m31/m32: np.load builds the dtype with
// numpy.lib.format.descr_to_dtype, and any object dtype in it makes it unpickle the data.

const scanNpy = (bytes: Buffer) => scanBytes(bytes, { name: 'f.npy' });

/** An npy 1.0 file whose header holds `descr` (a Python literal) as written. */
function npy(descr: string, shape: string, data: Buffer): Buffer {
  let header = `{'descr': ${descr}, 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const len = Buffer.alloc(2);
  len.writeUInt16LE(header.length);
  return Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), len, Buffer.from(header, 'latin1'), data]);
}

describe('npy descr spellings of an object dtype', () => {
  it.each([
    ["'object'", 'the type name (m31)'],
    ["('O', (1,))", 'a subarray tuple (m32)'],
    ["'O8'", 'a sized code'],
    ["'f8,O'", 'a comma string'],
    ["'(2,)O'", 'a repeated comma-string item'],
    ["[('a', '<f8'), ('b', ('O', (2,)))]", 'a subarray field'],
    ["[('a', [('b', '|O')])]", 'a nested record'],
    ["'\\x4f'", 'an escaped string'],
    ["'O' ''", 'adjacent string literals'],
    ["'T'", 'StringDType, whose hasobject is true'],
  ])('unpickles the data of %s (%s)', async (descr) => {
    const f = await scanNpy(npy(descr, '(1,)', osSystemPickle()));
    expect(f).toMatchObject({ format: 'npy', verdict: 'malicious' });
  });

  it.each([["'Object'"], ["('O', 'O')"], ["{'names': ['a'], 'formats': ['O']}"]])('gives %s, which it cannot describe, verdict error', async (descr) => {
    const f = await scanNpy(npy(descr, '(1,)', osSystemPickle()));
    expect(f.verdict).toBe('error');
  });
});

describe('npy numeric spellings stay clean', () => {
  it.each([
    ["'<f8'", '(2,)', 16],
    ["('<f4', (3,))", '(2,)', 24],
    ["[('x', '<f4'), ('', '|V4'), ('y', '<i8', (2,))]", '(1,)', 24],
    ["'i4, (2,3)f8'", '(1,)', 52],
    ["'float64'", '(2,)', 16],
    ["'<U3'", '(2,)', 24],
  ])('reads %s of shape %s as %d raw bytes', async (descr, shape, size) => {
    const f = await scanNpy(npy(descr, shape, Buffer.alloc(size)));
    expect(f).toMatchObject({ format: 'npy', verdict: 'clean' });
  });
});
