import type { ByteReader } from '../../core/byte-reader.js';
import { ModelgateError } from '../../core/errors.js';
import { OPCODES, type ArgKind } from './opcodes.js';

export interface DisasmLine {
  offset: number;
  name: string;
  arg?: string;
}

const preview = (b: Buffer): string => JSON.stringify(b.subarray(0, 80).toString('latin1')) + (b.length > 80 ? `… (${b.length} bytes)` : '');

function readArg(kind: ArgKind, r: ByteReader): string | undefined {
  switch (kind) {
    case 'none':
      return undefined;
    case 'uint1':
      return String(r.u8());
    case 'uint2':
      return String(r.u16le());
    case 'int4':
      return String(r.i32le());
    case 'uint4':
      return String(r.u32le());
    case 'uint8':
      return String(r.u64le());
    case 'float8':
      return String(r.f64be());
    case 'long1':
      return `${r.u8()} bytes`;
    case 'long4':
      return `${r.i32le()} bytes`;
    case 'decimalnl_short':
    case 'decimalnl_long':
    case 'floatnl':
    case 'stringnl':
    case 'stringnl_noescape':
    case 'unicodestringnl':
      return preview(r.line(1 << 20));
    case 'stringnl_noescape_pair':
      return `${r.line(1 << 20).toString('utf8')} ${r.line(1 << 20).toString('utf8')}`;
    case 'string1':
    case 'bytes1':
    case 'unicodestring1':
      return preview(r.bytes(r.u8()));
    case 'string4':
    case 'bytes4':
    case 'unicodestring4':
      return preview(r.bytes(r.u32le()));
    case 'bytes8':
    case 'unicodestring8':
    case 'bytearray8': {
      const n = r.u64le();
      if (n > 1 << 20) {
        r.skip(n);
        return `<${n} bytes>`;
      }
      return preview(r.bytes(n));
    }
  }
}

/**
 * A disassembly of one pickle stream, like `pickletools.dis` but without its checks: it lists
 * opcodes until STOP, the end, or a byte that is no opcode. LONG operands are skipped by size.
 */
export function disassemble(r: ByteReader, maxLines = 100_000): { lines: DisasmLine[]; error?: string } {
  const lines: DisasmLine[] = [];
  try {
    while (!r.atEnd() && lines.length < maxLines) {
      const offset = r.pos;
      const info = OPCODES[r.u8()];
      if (!info) return { lines, error: `invalid opcode at offset ${offset}` };
      let arg = readArg(info.arg, r);
      if (info.arg === 'long1' || info.arg === 'long4') r.skip(Number.parseInt(arg ?? '0', 10));
      if (info.name === 'FRAME') arg = `${arg} bytes`;
      lines.push(arg === undefined ? { offset, name: info.name } : { offset, name: info.name, arg });
      if (info.name === 'STOP') return { lines };
    }
    return { lines, error: r.atEnd() ? 'no STOP before the end' : `stopped after ${maxLines} opcodes` };
  } catch (e) {
    return { lines, error: e instanceof ModelgateError ? e.message : String(e) };
  }
}
