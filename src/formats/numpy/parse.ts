import type { ByteReader } from '../../core/byte-reader.js';
import { ModelgateError } from '../../core/errors.js';
import { describeDescr } from './dtype.js';
import { parsePyLiteral, PyTuple, type PyLiteral } from './literal.js';

/** numpy/lib/format.py `_read_array_header`: the header dict has exactly these keys. */
const HEADER_KEYS = ['descr', 'fortran_order', 'shape'];

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

/** Reads the magic, version and header dict; leaves the reader at the start of the data. */
export function parseNpyHeader(reader: ByteReader): NpyHeader {
  const magic = reader.bytes(6);
  if (magic.toString('latin1') !== '\x93NUMPY') throw new ModelgateError('MALFORMED', 'not an npy file');
  const major = reader.u8();
  const minor = reader.u8();
  // numpy/lib/format.py `_check_version`: only versions 1.0, 2.0 and 3.0 load.
  if (major < 1 || major > 3 || minor !== 0) throw new ModelgateError('UNSUPPORTED', `npy format version ${major}.${minor}`);
  const length = major === 1 ? reader.u16le() : reader.u32le();
  if (length > 1024 * 1024) throw new ModelgateError('LIMIT_STRING', `npy header of ${length} bytes`);
  const text = reader
    .bytes(length)
    .toString(major === 3 ? 'utf8' : 'latin1')
    .trim();
  const dict = parsePyLiteral(text);
  if (!(dict instanceof Map)) throw new ModelgateError('MALFORMED', 'npy header is not a dict');
  if ([...dict.keys()].sort().join() !== HEADER_KEYS.join()) throw new ModelgateError('MALFORMED', `npy header keys are ${[...dict.keys()].join(', ')}`);
  const shapeLiteral = dict.get('shape');
  if (!(shapeLiteral instanceof PyTuple) || !shapeLiteral.items.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new ModelgateError('MALFORMED', 'npy shape is not a tuple of sizes');
  }
  const shape = shapeLiteral.items as number[];
  const count = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count)) throw new ModelgateError('MALFORMED', 'npy shape is absurd');
  const descr = dict.get('descr') as PyLiteral;
  // np.load builds the dtype with descr_to_dtype; an object dtype anywhere in it means pickle.load.
  const { itemSize, hasObject } = describeDescr(descr);
  return { version: [major, minor], descr, shape, fortranOrder: dict.get('fortran_order') === true, count, itemSize, hasObject };
}
