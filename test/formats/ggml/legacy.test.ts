import { describe, expect, it } from 'vitest';
import { legacyGgmlMagic } from '../../../src/formats/ggml/format.js';
import { scanBytes } from '../../helpers/scan-bytes.js';

/** A head as llama.cpp wrote it: the magic as a little-endian uint32, then (but for `ggml`) a uint32 version. */
const head = (magic: string, version?: number): Buffer => {
  const b = Buffer.alloc(64, 0x01);
  b.write([...magic].reverse().join(''), 0, 'latin1');
  if (version !== undefined) b.writeUInt32LE(version, 4);
  return b;
};

describe('legacy GGML', () => {
  it.each([
    ['ggjt', 3],
    ['ggmf', 1],
    ['ggla', 1],
    ['ggsn', 1],
  ])('recognises %s with its version', (magic, version) => {
    expect(legacyGgmlMagic(head(magic, version))).toEqual({ magic, version });
  });

  it('recognises unversioned ggml and nothing else', () => {
    expect(legacyGgmlMagic(head('ggml'))).toEqual({ magic: 'ggml' });
    expect(legacyGgmlMagic(Buffer.from('ggjt'))).toBeUndefined();
    expect(legacyGgmlMagic(Buffer.from('GGUF\x03\x00\x00\x00'))).toBeUndefined();
  });

  it('is reported as not read (UNSUPPORTED), never clean', async () => {
    const result = await scanBytes(head('ggjt', 3), { name: 'ggml-model-q4_0.bin' });
    expect(result.format).toBe('ggml-legacy');
    expect(result.verdict).toBe('error');
    expect(result.findings.find((f) => f.fatal)).toMatchObject({ code: 'UNSUPPORTED' });
  });
});
