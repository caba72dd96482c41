import { readFileSync } from 'node:fs';
import { BufferSource } from '../../../src/core/byte-source.js';
import { withLimits, type Limits } from '../../../src/core/limits.js';
import { readSevenZip } from '../../../src/formats/sevenzip/parse.js';
import type { SevenZipArchive } from '../../../src/formats/sevenzip/model.js';

const FIXTURES = new URL('../../fixtures/sevenzip/', import.meta.url);

/** A fixture made by test/fixtures/sevenzip/make.sh. */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

export function read(bytes: Buffer, limits: Partial<Limits> = {}): SevenZipArchive {
  return readSevenZip(new BufferSource(bytes), withLimits(limits));
}

/** hello.txt as make.sh writes it: words picked by a fixed LCG until 3000 bytes. */
export function helloText(): Buffer {
  const words = 'model gate scan pickle tensor weight layer torch numpy archive safe load'.split(' ');
  let state = 12345n;
  let text = '';
  while (text.length < 3000) {
    state = (state * 1103515245n + 12345n) % 2n ** 31n;
    text += words[Number(state % BigInt(words.length))] + (state % 7n === 0n ? '\n' : ' ');
  }
  return Buffer.from(text, 'latin1');
}

/** code.bin as make.sh writes it: 400 x86-like blocks with E8/E9 rel32 operands. */
export function codeBin(): Buffer {
  const out = Buffer.alloc(400 * 15);
  for (let i = 0; i < 400; i++) {
    const at = i * 15;
    out.set([0x55, 0x89, 0xe5, 0xe8], at);
    out.writeInt32LE(((i * 37) % 2000) - 1000, at + 4);
    out[at + 8] = 0x90;
    out[at + 9] = 0xe9;
    out.writeInt32LE(-((i * 13) % 500), at + 10);
    out[at + 14] = 0xc3;
  }
  return out;
}

/** Offset and size of the next header, from the signature header (7zFormat.txt "StartHeader"). */
export function nextHeader(bytes: Buffer): { start: number; size: number } {
  return { start: 32 + Number(bytes.readBigUInt64LE(12)), size: Number(bytes.readBigUInt64LE(20)) };
}
