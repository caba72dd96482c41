import { ModelgateError } from '../../core/errors.js';
import { LzmaDecoder, decodePropertiesByte } from './lzma.js';

/**
 * LZMA2 (7z method 21), from the chunk format shared by xz and 7-Zip (xz-file-format.txt
 * section 5.3.1 names the filter; the chunk layout is documented in the LZMA SDK's Lzma2Dec.c
 * header comment and xz's lzma2_decoder.c):
 *
 *   00                      end of stream
 *   01 | 02, u16be size-1   stored chunk, with (01) or without (02) a dictionary reset
 *   1rrsssss, u16be, u16be  LZMA chunk: unpacked size-1 (21 bits), packed size-1,
 *                           rr = 0 nothing reset, 1 state, 2 state + new properties byte,
 *                           3 everything including the dictionary
 *
 * Every LZMA chunk starts a fresh range coder; the LZMA state carries over unless reset.
 */

/** The 1-byte LZMA2 coder property: dictionary size code, at most 40 (= 4 GiB - 1). */
export function checkLzma2Props(props: Buffer): void {
  if (props.length < 1 || props[0]! > 40) throw new ModelgateError('MALFORMED', 'bad LZMA2 dictionary-size property');
}

// Lowest control byte the next chunk may have: at first a dictionary reset (01 or >= E0) is
// required; after a stored chunk with a reset, an LZMA chunk must bring new properties (>= C0).
const NEED_DICT_RESET = 0xe0;
const NEED_PROPS = 0xc0;

/** Decodes one 7z LZMA2 coder stream into exactly `outSize` bytes. */
export function decodeLzma2Coder(props: Buffer, input: Uint8Array, outSize: number): Buffer {
  checkLzma2Props(props);
  const out = Buffer.alloc(outSize);
  const decoder = new LzmaDecoder(out);
  let pos = 0;
  let needLevel = NEED_DICT_RESET;
  const need = (n: number): void => {
    if (pos + n > input.length) throw new ModelgateError('TRUNCATED', `LZMA2 chunk header at ${pos} cut short`);
  };
  for (;;) {
    if (pos >= input.length) {
      // A stream whose end byte is missing is accepted once all declared output is there.
      if (decoder.outPos === outSize) break;
      throw new ModelgateError('TRUNCATED', `LZMA2 stream ended after ${decoder.outPos} of ${outSize} bytes`);
    }
    const control = input[pos++]!;
    if (control === 0x00) break;
    if (control < 0x80) {
      if (control > 0x02) throw new ModelgateError('MALFORMED', `LZMA2 control byte 0x${control.toString(16)}`);
      if (control === 0x01) {
        needLevel = NEED_PROPS;
        decoder.resetDictionary();
      } else if (needLevel === NEED_DICT_RESET) {
        throw new ModelgateError('MALFORMED', 'LZMA2 stored chunk before any dictionary reset');
      }
      need(2);
      const size = ((input[pos]! << 8) | input[pos + 1]!) + 1;
      pos += 2;
      need(size);
      if (decoder.outPos + size > outSize) throw new ModelgateError('MALFORMED', 'LZMA2 output exceeds the declared size');
      decoder.appendStored(input.subarray(pos, pos + size));
      pos += size;
      continue;
    }
    if (control < needLevel) throw new ModelgateError('MALFORMED', `LZMA2 chunk 0x${control.toString(16)} lacks a required reset`);
    needLevel = 0;
    need(4);
    const unpacked = (control & 0x1f) * 0x10000 + ((input[pos]! << 8) | input[pos + 1]!) + 1;
    const packed = ((input[pos + 2]! << 8) | input[pos + 3]!) + 1;
    pos += 4;
    const reset = (control >> 5) & 3;
    if (reset === 3) decoder.resetDictionary();
    if (reset >= 2) {
      need(1);
      const lzmaProps = decodePropertiesByte(input[pos++]!);
      // LZMA2 restricts lc + lp to 4 (LZMA2_LCLP_MAX in the LZMA SDK's Lzma2Dec.c).
      if (lzmaProps.lc + lzmaProps.lp > 4) throw new ModelgateError('MALFORMED', 'LZMA2 chunk with lc + lp > 4');
      decoder.setProperties(lzmaProps);
    } else if (reset === 1) {
      decoder.resetState();
    }
    const target = decoder.outPos + unpacked;
    if (target > outSize) throw new ModelgateError('MALFORMED', 'LZMA2 output exceeds the declared size');
    need(packed);
    decoder.startInput(input, pos, pos + packed);
    const sawEndMarker = decoder.decode(target);
    if (sawEndMarker || decoder.outPos !== target || decoder.pendingLen !== 0) {
      throw new ModelgateError('MALFORMED', 'LZMA2 chunk does not decode to its declared size');
    }
    // Lzma2Dec.c accepts a chunk only when its range coder ends clean exactly at its packed size.
    if (!decoder.finishedCleanly || decoder.inputPos !== pos + packed) {
      throw new ModelgateError('MALFORMED', 'LZMA2 chunk does not end cleanly at its packed size');
    }
    pos += packed;
  }
  if (decoder.outPos !== outSize) throw new ModelgateError('MALFORMED', `LZMA2 stream gave ${decoder.outPos} of ${outSize} bytes`);
  return out;
}
