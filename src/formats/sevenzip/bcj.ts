/**
 * The x86 BCJ filter (7z method 03030103), decoding direction, written from the filter's
 * description in the LZMA SDK (Bra86.c) and xz (xz-file-format.txt 5.3.3 "Branch/Call/Jump
 * Filters for Executables"): the encoder turned the relative 32-bit target of each E8 (CALL)
 * and E9 (JMP) into an absolute one, so that repeated calls to one function compress well; the
 * decoder subtracts the position again. A small history of recent E8/E9 bytes that were left
 * alone decides, as in the encoder, which candidates were converted.
 *
 * The filter has no state beyond the buffer, and 7z runs it over the whole folder stream from
 * position 0, so one call over the complete buffer is exact. The last four bytes are never
 * converted (no room for an operand).
 */

/** Whether an operand's top byte looks like a near call (target within +/-16 MiB). */
function isNearTopByte(b: number): boolean {
  return b === 0x00 || b === 0xff;
}

/** Which history masks allow a conversion (the filter's MASK_TO_ALLOWED_STATUS table). */
const ALLOWED_BY_MASK = [true, true, true, false, true, false, false, false];
/** Which operand byte to re-check for each history mask (MASK_TO_BIT_NUMBER). */
const BYTE_BY_MASK = [0, 1, 2, 2, 3, 3, 3, 3];

/** Undoes the x86 BCJ transform in place. */
export function decodeBcjX86(buf: Uint8Array): void {
  let history = 0; // bit k set: an unconverted E8/E9 was k bytes before the last one seen
  let lastOpcode = -5; // position of the last E8/E9 byte seen
  let i = 0;
  while (i + 5 <= buf.length) {
    const opcode = buf[i];
    if (opcode !== 0xe8 && opcode !== 0xe9) {
      i++;
      continue;
    }
    const gap = i - lastOpcode;
    lastOpcode = i;
    if (gap > 5) {
      history = 0;
    } else {
      for (let k = 0; k < gap; k++) history = (history & 0x77) << 1;
    }
    const top = buf[i + 4]!;
    const recent = history >> 1;
    if (!isNearTopByte(top) || !ALLOWED_BY_MASK[recent & 7] || recent >= 0x10) {
      i++;
      history |= 1;
      if (isNearTopByte(top)) history |= 0x10;
      continue;
    }
    let operand = (top * 0x1000000 + (buf[i + 3]! << 16) + (buf[i + 2]! << 8) + buf[i + 1]!) >>> 0;
    let target: number;
    for (;;) {
      target = (operand - (i + 5)) >>> 0;
      if (history === 0) break;
      // `recent` is 1..7 here (bit 0 of history is always clear after the shift above).
      const byteIndex = BYTE_BY_MASK[recent]!;
      const checked = (target >>> (24 - byteIndex * 8)) & 0xff;
      if (!isNearTopByte(checked)) break;
      operand = (target ^ (2 ** (32 - byteIndex * 8) - 1)) >>> 0;
    }
    // The top byte is rebuilt as the sign extension of bit 24.
    buf[i + 4] = (target >>> 24) & 1 ? 0xff : 0x00;
    buf[i + 3] = (target >>> 16) & 0xff;
    buf[i + 2] = (target >>> 8) & 0xff;
    buf[i + 1] = target & 0xff;
    i += 5;
    history = 0;
  }
}
