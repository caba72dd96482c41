import { ModelgateError } from '../../core/errors.js';

// Signatures from PKWARE's APPNOTE.TXT (sections 4.3.7, 4.3.9, 4.3.12, 4.3.14-4.3.15).
export const LOCAL_SIG = 0x04034b50;
export const CENTRAL_SIG = 0x02014b50;
export const ZIP64_LOCATOR_SIG = 0x07064b50;
export const ZIP64_EOCD_SIG = 0x06064b50;
export const DESCRIPTOR_SIG = 0x08074b50;

/** A file name as readers decode it. */
export function decodeName(raw: Buffer, flags: number): string {
  // Bit 11: UTF-8 names; otherwise CP437, whose printable ASCII half is what real archives use.
  return flags & 0x800 ? raw.toString('utf8') : raw.toString('latin1');
}

/** Applies the ZIP64 extended-information extra field (APPNOTE 4.5.3) where fields overflowed. */
export function applyZip64(extra: Buffer, e: { compressedSize: number; uncompressedSize: number; localOffset: number }): void {
  for (let p = 0; p + 4 <= extra.length;) {
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const take = (): number => {
        if (q + 8 > p + 4 + len || q + 8 > extra.length) throw new ModelgateError('MALFORMED', 'short ZIP64 extra field');
        const v = extra.readBigUInt64LE(q);
        q += 8;
        if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelgateError('MALFORMED', `ZIP64 size ${v} is absurd`);
        return Number(v);
      };
      if (e.uncompressedSize === 0xffffffff) e.uncompressedSize = take();
      if (e.compressedSize === 0xffffffff) e.compressedSize = take();
      if (e.localOffset === 0xffffffff) e.localOffset = take();
      return;
    }
    p += 4 + len;
  }
}
