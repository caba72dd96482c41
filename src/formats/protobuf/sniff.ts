import type { ByteSource } from '../../core/byte-source.js';
import { WireType } from './wire.js';

/** Top-level fields looked at when deciding whether bytes are a given message. */
const MAX_SNIFF_FIELDS = 64;

/** Bytes read per hop: a key plus a length varint fit in 20. */
const HOP_BYTES = 20;

/** One top-level field seen by `sniffMessage`. */
export interface SniffedField {
  field: number;
  wireType: number;
  /** Offset of the key. */
  offset: number;
  /** The varint value (VARINT fields). */
  value?: number;
  /** Payload range (LEN fields). */
  start?: number;
  end?: number;
}

/** What a message's top level must look like to be taken for it. */
export interface MessageShape {
  /** Every field number the message may have at top level, with its wire type. */
  fields: ReadonlyMap<number, number>;
}

/** A varint at `buf[i]`: [value, next index], or undefined when cut or over 10 bytes. */
function varintAt(buf: Buffer, i: number): [number, number] | undefined {
  let value = 0;
  let scale = 1;
  for (let n = 0; n < 10 && i < buf.length; n++, i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return [value, i + 1];
  }
  return undefined;
}

/**
 * Walks the top-level fields of `source` (or of `[start, end)`) with a few small reads, never
 * reading a payload: length-delimited fields are hopped over. Returns the fields seen, or
 * undefined as soon as something does not fit the shape (unknown field, wrong wire type, a
 * length past the end, a group). At most MAX_SNIFF_FIELDS fields are looked at; `complete`
 * says whether the walk reached the end.
 */
export function sniffMessage(source: ByteSource, shape: MessageShape, start = 0, end = source.size): { fields: SniffedField[]; complete: boolean } | undefined {
  const fields: SniffedField[] = [];
  let pos = start;
  while (pos < end) {
    if (fields.length >= MAX_SNIFF_FIELDS) return { fields, complete: false };
    const buf = source.read(pos, Math.min(HOP_BYTES, end - pos));
    const key = varintAt(buf, 0);
    if (!key) return undefined;
    const [keyValue, afterKey] = key;
    const field = Math.floor(keyValue / 8);
    const wireType = keyValue % 8;
    if (shape.fields.get(field) !== wireType) return undefined;
    const seen: SniffedField = { field, wireType, offset: pos };
    if (wireType === WireType.VARINT) {
      const v = varintAt(buf, afterKey);
      if (!v) return undefined;
      seen.value = v[0];
      pos += v[1];
    } else if (wireType === WireType.LEN) {
      const len = varintAt(buf, afterKey);
      if (!len) return undefined;
      seen.start = pos + len[1];
      seen.end = seen.start + len[0];
      if (seen.end > end) return undefined;
      pos = seen.end;
    } else if (wireType === WireType.I64 || wireType === WireType.I32) {
      pos += afterKey + (wireType === WireType.I64 ? 8 : 4);
      if (pos > end) return undefined;
    } else {
      return undefined;
    }
    fields.push(seen);
  }
  return { fields, complete: true };
}

/** A shape from `[field, wireType]` pairs. */
export function shapeOf(pairs: ReadonlyArray<readonly [number, number]>): MessageShape {
  return { fields: new Map(pairs) };
}
