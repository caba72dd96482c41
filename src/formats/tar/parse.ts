import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';

export interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'link' | 'other';
  size: number;
  dataOffset: number;
}

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8');
}

/** Numeric fields are octal text, or base-256 when the high bit is set (GNU, for > 8 GiB). */
function number(block: Buffer, start: number, length: number): number {
  if (block[start] & 0x80) {
    let v = 0n;
    for (let i = 1; i < length; i++) v = (v << 8n) | BigInt(block[start + i]);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelgateError('MALFORMED', `tar size ${v} is absurd`);
    return Number(v);
  }
  const text = field(block, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new ModelgateError('MALFORMED', `tar number field ${JSON.stringify(text)} is not octal`);
  return parseInt(text, 8);
}

/**
 * Reads tar headers (POSIX ustar, GNU long names, pax `path`), stepping over the data by the
 * declared sizes. Own code because tar is 512-byte blocks and a scanner wants random access;
 * the streaming libraries would copy every byte through.
 */
export function parseTarHeaders(source: ByteSource, limits: Limits): { entries: TarEntry[]; error?: ModelgateError } {
  const entries: TarEntry[] = [];
  let pos = 0;
  let longName: string | undefined;
  try {
    while (pos + 512 <= source.size) {
      const block = source.read(pos, 512);
      if (block.every((b) => b === 0)) break;
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
      if (sum !== number(block, 148, 8)) throw new ModelgateError('MALFORMED', `tar header at ${pos} has a bad checksum`, { offset: pos });
      const size = number(block, 124, 12);
      const typeflag = String.fromCharCode(block[156] || 0x30);
      const dataOffset = pos + 512;
      if (dataOffset + size > source.size) throw new ModelgateError('TRUNCATED', `tar member at ${pos} runs past the end`, { offset: pos });
      const prefix = field(block, 345, 155);
      let name = longName ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
      longName = undefined;
      if (typeflag === 'L' || typeflag === 'x') {
        const text = source.read(dataOffset, Math.min(size, 1024 * 1024)).toString('utf8');
        longName = typeflag === 'L' ? text.replace(/\0.*$/s, '') : /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text)?.[1];
      } else {
        if (entries.length >= limits.maxArchiveEntries) throw new ModelgateError('LIMIT_ENTRIES', `tar has more than ${limits.maxArchiveEntries} entries`);
        const type = typeflag === '0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'dir' : typeflag === '1' || typeflag === '2' ? 'link' : 'other';
        name = name.replace(/^\.\//, '');
        entries.push({ name, type, size, dataOffset });
      }
      pos = dataOffset + Math.ceil(size / 512) * 512;
    }
    return { entries };
  } catch (e) {
    return { entries, error: e instanceof ModelgateError ? e : new ModelgateError('MALFORMED', String(e)) };
  }
}
