import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recogniseCompiledCode } from '../../src/formats/compiled/sniff.js';
import { scanBytes } from '../helpers/scan-bytes.js';

// Issue 14, point 1: compiled code is named and never clean (file/compiled-code).

/** A PE header: `MZ`, e_lfanew at 0x3c pointing at `PE\0\0`. */
function pe(): Buffer {
  const b = Buffer.alloc(0x100);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.writeUInt32BE(0x50450000, 0x80);
  return b;
}

/** A .pyc header as importlib writes it: magic, \r\n, flags, then mtime+size or a hash. */
function pyc(magic: number, flags: number): Buffer {
  const b = Buffer.alloc(64, 0xe3);
  b.writeUInt16LE(magic, 0);
  b.write('\r\n', 2, 'latin1');
  b.writeUInt32LE(flags, 4);
  return b;
}

const CASES: Array<[string, Buffer, string]> = [
  ['the node binary (ELF)', readFileSync(process.execPath).subarray(0, 4096), 'elf'],
  ['a 64-bit Mach-O', Buffer.concat([Buffer.from([0xcf, 0xfa, 0xed, 0xfe]), Buffer.alloc(60)]), 'mach-o'],
  ['a universal Mach-O', Buffer.concat([Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]), Buffer.alloc(56)]), 'mach-o'],
  ['a Java class', Buffer.concat([Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]), Buffer.alloc(56)]), 'java-class'],
  ['a Windows DLL (PE)', pe(), 'pe'],
  ['a WebAssembly module', Buffer.concat([Buffer.from('\0asm\x01\0\0\0', 'latin1'), Buffer.alloc(24)]), 'wasm'],
  ['a Python 3.11 .pyc (timestamp)', pyc(3495, 0), 'python-bytecode'],
  ['an unchecked-hash Python 3.12 .pyc', pyc(3531, 1), 'python-bytecode'],
  ['a Python 2.7 .pyc', pyc(62211, 0x12345678), 'python-bytecode'],
];

describe('compiled code', () => {
  it.each(CASES)('names %s and reports it, never clean', async (_what, bytes, format) => {
    if (process.platform === 'linux' || format !== 'elf') {
      const r = await scanBytes(bytes, { name: 'libops.so' });
      expect(r.format).toBe(format);
      expect(r.verdict).toBe('suspicious');
      expect(r.findings.map((f) => f.ruleId)).toEqual(['file/compiled-code']);
    }
  });

  it.each([
    ['MZ without a PE header', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100, 0x01)])],
    ['a .pyc-like head with flags a real .pyc never has', pyc(3495, 8)],
    ['\\r\\n after a magic outside every Python range', pyc(100, 0)],
  ])('does not take %s for compiled code', (_what, bytes) => {
    expect(recogniseCompiledCode(bytes)).toBeUndefined();
  });
});
