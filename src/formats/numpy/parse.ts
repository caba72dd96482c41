import type { ByteReader } from '../../core/byte-reader.js';
import { ModelgateError } from '../../core/errors.js';
import { parsePyLiteral, type PyLiteral } from './literal.js';

/** The npy header (numpy/lib/format.py, format versions 1.0, 2.0 and 3.0). */
export interface NpyHeader {
  version: [number, number];
  descr: PyLiteral;
  shape: number[];
  fortranOrder: boolean;
  /** Elements in the array. */
  count: number;
  /** Bytes per element; 0 for object arrays. */
  itemSize: number;
  /** Any object field: the data is a pickle. */
  hasObject: boolean;
}

/** Size and object-ness of a dtype descr: a type string or a list of (name, descr[, shape]) fields. */
export function describeDtype(descr: PyLiteral): { itemSize: number; hasObject: boolean } {
  if (typeof descr === 'string') {
    const m = /^[<>|=]?([a-zA-Z?])(\d*)(?:\[[^\]]*\])?$/.exec(descr);
    if (!m) throw new ModelgateError('MALFORMED', `unknown dtype ${JSON.stringify(descr)}`);
    const [, kind, digits] = m;
    if (kind === 'O') return { itemSize: 8, hasObject: true };
    if (kind === '?') return { itemSize: 1, hasObject: false };
    const n = digits === '' ? (kind === 'b' || kind === 'B' ? 1 : NaN) : Number(digits);
    if (!Number.isFinite(n)) throw new ModelgateError('MALFORMED', `dtype ${JSON.stringify(descr)} has no size`);
    return { itemSize: kind === 'U' ? 4 * n : n, hasObject: false };
  }
  if (Array.isArray(descr)) {
    let itemSize = 0;
    let hasObject = false;
    for (const field of descr) {
      if (!Array.isArray(field) || field.length < 2) throw new ModelgateError('MALFORMED', 'structured dtype field is not a tuple');
      const inner = describeDtype(field[1]);
      let repeat = 1;
      if (Array.isArray(field[2])) for (const d of field[2]) repeat *= typeof d === 'number' ? d : NaN;
      else if (typeof field[2] === 'number') repeat = field[2];
      if (!Number.isFinite(repeat) || repeat < 0) throw new ModelgateError('MALFORMED', 'structured dtype field has a bad shape');
      itemSize += inner.itemSize * repeat;
      hasObject ||= inner.hasObject;
    }
    return { itemSize, hasObject };
  }
  throw new ModelgateError('MALFORMED', 'dtype descr is neither a string nor a field list');
}

/** Reads the magic, version and header dict; leaves the reader at the start of the data. */
export function parseNpyHeader(reader: ByteReader): NpyHeader {
  const magic = reader.bytes(6);
  if (magic.toString('latin1') !== '\x93NUMPY') throw new ModelgateError('MALFORMED', 'not an npy file');
  const major = reader.u8();
  const minor = reader.u8();
  if (major < 1 || major > 3) throw new ModelgateError('UNSUPPORTED', `npy format version ${major}.${minor}`);
  const length = major === 1 ? reader.u16le() : reader.u32le();
  if (length > 1024 * 1024) throw new ModelgateError('LIMIT_STRING', `npy header of ${length} bytes`);
  const text = reader.bytes(length).toString(major === 3 ? 'utf8' : 'latin1').trim();
  const dict = parsePyLiteral(text);
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) throw new ModelgateError('MALFORMED', 'npy header is not a dict');
  const shapeLiteral = dict.shape;
  if (!Array.isArray(shapeLiteral) || !shapeLiteral.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new ModelgateError('MALFORMED', 'npy shape is not a tuple of sizes');
  }
  const shape = shapeLiteral as number[];
  const count = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count)) throw new ModelgateError('MALFORMED', 'npy shape is absurd');
  const { itemSize, hasObject } = describeDtype(dict.descr);
  return { version: [major, minor], descr: dict.descr, shape, fortranOrder: dict.fortran_order === true, count, itemSize, hasObject };
}
