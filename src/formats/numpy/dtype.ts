import { ModelgateError } from '../../core/errors.js';
import { PyTuple, type PyLiteral } from './literal.js';

/**
 * What a numpy dtype means for a reader of raw bytes. Sizes are those of 64-bit platforms
 * (the only ones numpy ships wheels for); a size that still depends on the platform (C `long`,
 * `long double`) is marked uncertain, and a reader that must skip exactly refuses it.
 */
export interface DtypeInfo {
  /** `dtype.itemsize` in bytes. */
  itemSize: number;
  /** `dtype.hasobject`: the loader unpickles the data instead of reading it raw. */
  hasObject: boolean;
  /** numpy's `PyTypeNum_ISEXTENDED` (S, U and V, which includes subarrays and records): a pickled state may set its size. */
  flexible: boolean;
  /** Has fields somewhere: its layout changes with `align=True`. */
  structured: boolean;
  /** A void dtype without fields (`descr_to_dtype` drops such fields named ''). */
  plainVoid: boolean;
  /** The size is the same on every 64-bit platform. */
  sizeCertain: boolean;
  /** A new-style dtype (StringDType) that `dtype.__setstate__` refuses. */
  newStyle?: boolean;
  /** Bytes per character of an S, U or V size given as a count (4 for U). */
  charSize?: number;
}

const fixed = (itemSize: number, sizeCertain = true): DtypeInfo => ({
  itemSize,
  hasObject: false,
  flexible: false,
  structured: false,
  plainVoid: false,
  sizeCertain,
});
const OBJECT: DtypeInfo = { ...fixed(8), hasObject: true };
/** StringDType ('T', numpy 2): `hasobject` is true, so np.load unpickles its data. */
const STRING_DTYPE: DtypeInfo = { ...fixed(16), hasObject: true, newStyle: true };
const flexible = (kind: string, n: number): DtypeInfo => ({
  ...fixed(kind === 'U' ? 4 * n : n),
  flexible: true,
  plainVoid: kind === 'V',
  charSize: kind === 'U' ? 4 : 1,
});

/**
 * One-character type codes without a size (numpy's `_convert_from_str`, checked against
 * numpy 2.x on x86-64 Linux by test/fixtures/numpy/dtypes.py). `l`, `L` are C long and `g`,
 * `G` long double: their sizes differ between Linux and Windows or ARM.
 */
const CHAR_CODES: Record<string, DtypeInfo> = {
  '?': fixed(1),
  b: fixed(1),
  B: fixed(1),
  h: fixed(2),
  H: fixed(2),
  i: fixed(4),
  I: fixed(4),
  l: fixed(8, false),
  L: fixed(8, false),
  q: fixed(8),
  Q: fixed(8),
  p: fixed(8),
  P: fixed(8),
  n: fixed(8),
  N: fixed(8),
  e: fixed(2),
  f: fixed(4),
  d: fixed(8),
  g: fixed(16, false),
  F: fixed(8),
  D: fixed(16),
  G: fixed(32, false),
  M: fixed(8),
  m: fixed(8),
  O: OBJECT,
  T: STRING_DTYPE,
  c: flexible('S', 1),
  a: flexible('S', 0),
  S: flexible('S', 0),
  U: flexible('U', 0),
  V: flexible('V', 0),
};

/** Kind + size codes numpy accepts ('f8', 'i4', 'O8'); a size numpy rejects stays unknown. */
const SIZED_CODES: Record<string, number[]> = {
  b: [1],
  i: [1, 2, 4, 8],
  u: [1, 2, 4, 8],
  f: [2, 4, 8, 16],
  c: [8, 16, 32],
  M: [8],
  m: [8],
  O: [4, 8],
};

/** Type names (`numpy.sctypeDict` keys, plus aliases older numpy releases still accept). */
const NAMES: Record<string, DtypeInfo> = {
  bool: fixed(1),
  bool_: fixed(1),
  bool8: fixed(1),
  byte: fixed(1),
  ubyte: fixed(1),
  short: fixed(2),
  ushort: fixed(2),
  intc: fixed(4),
  uintc: fixed(4),
  int8: fixed(1),
  int16: fixed(2),
  int32: fixed(4),
  int64: fixed(8),
  uint8: fixed(1),
  uint16: fixed(2),
  uint32: fixed(4),
  uint64: fixed(8),
  longlong: fixed(8),
  ulonglong: fixed(8),
  intp: fixed(8),
  uintp: fixed(8),
  int0: fixed(8),
  uint0: fixed(8),
  int: fixed(8, false),
  int_: fixed(8, false),
  uint: fixed(8, false),
  long: fixed(8, false),
  ulong: fixed(8, false),
  half: fixed(2),
  single: fixed(4),
  double: fixed(8),
  float: fixed(8),
  float_: fixed(8),
  float16: fixed(2),
  float32: fixed(4),
  float64: fixed(8),
  float128: fixed(16),
  longdouble: fixed(16, false),
  longfloat: fixed(16, false),
  csingle: fixed(8),
  singlecomplex: fixed(8),
  cdouble: fixed(16),
  cfloat: fixed(16),
  complex: fixed(16),
  complex_: fixed(16),
  complex64: fixed(8),
  complex128: fixed(16),
  complex256: fixed(32),
  clongdouble: fixed(32, false),
  clongfloat: fixed(32, false),
  longcomplex: fixed(32, false),
  datetime64: fixed(8),
  timedelta64: fixed(8),
  object: OBJECT,
  object_: OBJECT,
  object0: OBJECT,
  Object0: OBJECT,
  str: flexible('U', 0),
  str_: flexible('U', 0),
  str0: flexible('U', 0),
  unicode: flexible('U', 0),
  unicode_: flexible('U', 0),
  bytes: flexible('S', 0),
  bytes_: flexible('S', 0),
  bytes0: flexible('S', 0),
  string_: flexible('S', 0),
  void: flexible('V', 0),
  void0: flexible('V', 0),
};

const unknown = (spec: unknown): never => {
  throw new ModelgateError(
    'UNSUPPORTED',
    `dtype ${JSON.stringify(spec, (_k, v: unknown) => (v instanceof PyTuple ? v.items : v instanceof Map ? Object.fromEntries(v) : v))} is not one modelgate can size`,
  );
};

/** A single type string: an optional byte order, then a code with an optional size, or a type name. */
function describeTypeString(s: string): DtypeInfo {
  // Datetime units ('M8[ns]', 'datetime64[us]') do not change the size.
  const dt = /^([<>|=]?)(M8?|m8?|datetime64|timedelta64)(\[[A-Za-z0-9,./ ]*\])?$/.exec(s);
  if (dt && !(dt[1] !== '' && dt[2]!.length > 2)) return fixed(8);
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)$/.exec(s);
  if (m) {
    // Both groups always participate (they may match the empty string).
    const kind = m[2]!;
    const digits = m[3]!;
    if (digits === '') return CHAR_CODES[kind] ?? unknown(s);
    const n = Number(digits);
    if (kind === 'S' || kind === 'a' || kind === 'U' || kind === 'V') return flexible(kind === 'a' ? 'S' : kind, n);
    if (!SIZED_CODES[kind]?.includes(n)) return unknown(s);
    return kind === 'O' ? OBJECT : fixed(n);
  }
  // Names take no byte-order prefix ('<object' is refused by numpy).
  return Object.hasOwn(NAMES, s) ? NAMES[s]! : unknown(s);
}

/**
 * numpy/_core/_internal.py `_commastring`: 'f8,O' is a record of fields f0, f1; '(2,3)f8' and
 * '2O' are subarrays. Each item is a byte order, optional repeats, a byte order and a type.
 */
const COMMA_ITEM = /([<>|=]?)( *[(]?[ ,0-9]*[)]? *)([<>|=]?)([A-Za-z0-9.?]*(?:\[[a-zA-Z0-9,.]+\])?)/y;

function isCommaString(s: string): boolean {
  // numpy/_core/src/multiarray/descriptor.c `_check_for_commastring`.
  if (/^[<>|=]?[0-9]/.test(s) || /^[<>|=]?\(\)/.test(s)) return true;
  let depth = 0;
  for (const c of s) {
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) return true;
  }
  return false;
}

function describeCommaString(s: string): DtypeInfo {
  const items: DtypeInfo[] = [];
  let pos = 0;
  let isList = false;
  while (pos < s.length) {
    COMMA_ITEM.lastIndex = pos;
    const m = COMMA_ITEM.exec(s);
    if (!m || m[0] === '') return unknown(s);
    // Every group of COMMA_ITEM participates (each may match the empty string).
    const [order1, repeats, order2, type] = [m[1]!, m[2]!, m[3]!, m[4]!];
    if (order1 !== '' && order2 !== '' && order1 !== order2) return unknown(s);
    let item = describeTypeString((order1 || order2) + type);
    if (repeats.trim() !== '') {
      const shape = repeats.trim();
      const dims = /^\(([ ,0-9]*)\)$/.exec(shape)?.[1] ?? shape;
      const parts = dims.split(',').map((d) => d.trim());
      if (parts.at(-1) === '' && parts.length > 1) parts.pop();
      if (!parts.every((d) => /^\d+$/.test(d))) return unknown(s);
      item = subarray(item, parts.map(Number));
    }
    items.push(item);
    pos = COMMA_ITEM.lastIndex;
    if (pos < s.length) {
      if (/^\s+$/.test(s.slice(pos))) break;
      const sep = /^\s*,\s*/.exec(s.slice(pos));
      if (!sep) return unknown(s);
      pos += sep[0].length;
      isList = true;
    }
  }
  if (items.length === 0) return unknown(s);
  return isList ? record(items) : items[0]!;
}

/** A record of fields laid out one after another (no `align`). */
function record(fields: DtypeInfo[]): DtypeInfo {
  let itemSize = 0;
  for (const f of fields) itemSize += f.itemSize;
  return {
    itemSize,
    hasObject: fields.some((f) => f.hasObject),
    flexible: true,
    structured: true,
    plainVoid: false,
    sizeCertain: fields.every((f) => f.sizeCertain),
  };
}

/** `np.dtype((base, shape))` with a shape of sizes: a void subarray of `base`. */
function subarray(base: DtypeInfo, dims: number[]): DtypeInfo {
  if (base.newStyle) return unknown('subarray of a new-style dtype');
  let items = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) return unknown(dims);
    items *= d;
  }
  const itemSize = base.itemSize * items;
  // descriptor.c `_convert_from_tuple`: the whole subarray must fit a C int.
  if (itemSize > 0x7fffffff) return unknown(dims);
  return { ...base, itemSize, flexible: true, plainVoid: true, charSize: 1 };
}

/** `np.dtype((base, value))` (descriptor.c `_convert_from_tuple`) for integer values and shapes. */
function tupleDtype(base: DtypeInfo, value: PyLiteral): DtypeInfo {
  const dims = typeof value === 'number' ? [value] : value instanceof PyTuple ? value.items : Array.isArray(value) ? value : undefined;
  if (!dims || !dims.every((d): d is number => typeof d === 'number' && Number.isInteger(d))) return unknown(value);
  // `(base, ())` is base itself; an unsized S, U or V (size 0, no fields) takes an integer as its size.
  if (value instanceof PyTuple && dims.length === 0) return base;
  if (typeof value === 'number' && base.flexible && base.itemSize === 0 && !base.structured) {
    if (value < 0) return unknown(value);
    return { ...base, itemSize: value * (base.charSize ?? 1) };
  }
  return subarray(base, dims);
}

/**
 * What `np.dtype(spec)` builds, for the specs that matter: type strings, comma strings,
 * `(spec, shape)` tuples and lists of `(name, spec[, shape])` fields. Anything else throws
 * UNSUPPORTED: a dtype that cannot be described is never taken for a harmless one.
 */
export function describeDtype(spec: PyLiteral): DtypeInfo {
  if (typeof spec === 'string') return isCommaString(spec) ? describeCommaString(spec) : describeTypeString(spec);
  if (spec instanceof PyTuple) {
    if (spec.items.length !== 2) return unknown(spec);
    return tupleDtype(describeDtype(spec.items[0]!), spec.items[1]!);
  }
  if (Array.isArray(spec)) {
    // descriptor.c `_convert_from_array_descr`: each field is a 2- or 3-tuple.
    return record(
      spec.map((field) => {
        if (!(field instanceof PyTuple) || field.items.length < 2 || field.items.length > 3) return unknown(field);
        // Two or three items, checked above: the type is there, and the shape when there are three.
        const [, type, shape] = field.items;
        return field.items.length === 3 ? describeDtype(new PyTuple([type!, shape!])) : describeDtype(type!);
      }),
    );
  }
  return unknown(spec);
}

/**
 * numpy/lib/format.py `descr_to_dtype`, which np.load applies to the header's 'descr': a
 * string goes to np.dtype, a tuple is `(descr, shape)`, anything else is iterated as fields
 * `(name, descr[, shape])` (any 2- or 3-item sequence, even a string, unpacks), and fields
 * named '' of plain void type are padding, dropped but still counted in the size.
 */
export function describeDescr(descr: PyLiteral): DtypeInfo {
  if (typeof descr === 'string') return describeDtype(descr);
  if (descr instanceof PyTuple) {
    if (descr.items.length < 2) return unknown(descr);
    return tupleDtype(describeDescr(descr.items[0]!), descr.items[1]!);
  }
  const fields = Array.isArray(descr) ? descr : descr instanceof Map ? [...descr.keys()] : unknown(descr);
  let itemSize = 0;
  const kept: DtypeInfo[] = [];
  for (const field of fields) {
    const parts = typeof field === 'string' ? [...field] : field instanceof PyTuple ? field.items : Array.isArray(field) ? field : unknown(field);
    if (parts.length !== 2 && parts.length !== 3) return unknown(field);
    const [name, type, shape] = parts;
    const dt = parts.length === 2 ? describeDescr(type!) : tupleDtype(describeDescr(type!), shape!);
    if (!(name === '' && dt.plainVoid)) kept.push(dt);
    itemSize += dt.itemSize;
  }
  return { ...record(kept), itemSize, sizeCertain: kept.every((f) => f.sizeCertain) };
}
