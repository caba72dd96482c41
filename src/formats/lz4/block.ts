import { ModelgateError } from '../../core/errors.js';
import { GrowingOutput, type RatioLimit } from '../compressed/output.js';

/**
 * Output of LZ4 blocks, growing on demand but never past `limit`: matches copy from what was
 * written before, back to `floor` (the frame start, or the block start for independent blocks).
 */
export class Lz4Output extends GrowingOutput {
  constructor(
    limit: number,
    overflow: () => ModelgateError,
    readonly limitCode: 'LIMIT_MEMBER_BYTES' | 'LIMIT_DECOMPRESSED_BYTES',
    ratio?: RatioLimit,
  ) {
    super(limit, overflow, ratio && { limit: ratio, before: 0, what: 'LZ4 data' });
  }
}

const malformed = (why: string, offset: number): never => {
  throw new ModelgateError('MALFORMED', `LZ4 block: ${why}`, { offset });
};

/** A length: the token's four bits, then while they are all ones, bytes added until one is not 255. */
function readLength(block: Buffer, at: number, nibble: number): [number, number] {
  let length = nibble;
  if (nibble === 15) {
    for (;;) {
      if (at >= block.length) malformed('a length runs past the block', at);
      const byte = block[at++]!;
      length += byte;
      if (byte !== 255) break;
    }
  }
  return [length, at];
}

/**
 * Decodes one LZ4 block (lz4_Block_format.md) into `out`: sequences of a token (literal
 * length, match length), the literals, a two-byte little-endian offset and the match, which
 * may overlap what it copies. The last sequence has literals only. Every length is checked
 * against the block and the output limit before anything is copied.
 */
export function decodeBlock(block: Buffer, out: Lz4Output, floor: number, base = 0): void {
  let at = 0;
  while (at < block.length) {
    const token = block[at++]!;
    let literals: number;
    [literals, at] = readLength(block, at, token >> 4);
    if (at + literals > block.length) malformed('literals run past the block', base + at);
    out.append(block.subarray(at, at + literals));
    at += literals;
    if (at === block.length) return;
    if (at + 2 > block.length) malformed('a match offset is cut short', base + at);
    const offset = block.readUInt16LE(at);
    at += 2;
    if (offset === 0 || out.size - offset < floor) malformed(`a match reaches ${offset} bytes back, before its window`, base + at);
    let length: number;
    [length, at] = readLength(block, at, token & 0x0f);
    length += 4;
    out.reserve(length);
    const from = out.size - offset;
    if (offset >= length) out.buf.copy(out.buf, out.size, from, from + length);
    else for (let i = 0; i < length; i++) out.buf[out.size + i] = out.buf[from + i]!;
    out.size += length;
  }
  // An empty block, or one that ends right after a match: the format ends every block with literals.
  if (block.length > 0) malformed('the block ends with a match', base + at);
}
