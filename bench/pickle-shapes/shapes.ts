import { dtype, ndarray, scalar } from './numpy.js';
import { forest } from './sklearn.js';
import { Pickler } from './pickler.js';
import { PyDict, PyList, PyPersistent, PyReduce, float, global, intern, tuple, type PyValue } from './values.js';

/**
 * The pickle shapes of the bench (issue 16): each is the Python object a library pickles, built
 * from `n` items, and the protocol it is pickled at. test/fixtures/pickle-shapes/make.py makes
 * the same objects with the real libraries at `sampleItems`; test/bench/pickle-shapes.test.ts
 * checks that both write the same opcodes.
 */

const MB = 1024 * 1024;
/** Size of the shapes whose size is not given by an item count. */
export const TARGET_BYTES = 32 * MB;
/** The scikit-learn forest's size. */
export const FOREST_BYTES = 30 * MB;
/** Entries of the dict of small lists (a vocabulary, metadata, training state). */
export const DICT_ENTRIES = 700_000;
/** numpy scalars and small arrays. */
export const NUMPY_ITEMS = 200_000;
/** Tensors of the torch data.pkl. */
export const TORCH_TENSORS = 20_000;
/** Depth of each nested value of the deep-nesting shape. */
export const NESTING_DEPTH = 1000;
/** Objects the memo-reuse shape refers to again and again. */
export const MEMO_SHARED = 3000;

export interface PickleShape {
  /** `npm run bench -- pickle --shape NAME`. */
  name: string;
  title: string;
  protocol: number;
  build(n: number): PyValue;
  /** Items of the committed real sample (make.py's SAMPLES). */
  sampleItems: number;
  /** Items in the bench, or the size to reach by scaling the item count. */
  bench: { items: number } | { bytes: number };
  /**
   * 'exact': the sample's bytes, so its opcodes one for one. 'widths': integers, memo gets and bytes
   * compared by kind, not width, and frames left out: a fitted forest's node counts and random
   * seeds are not worth reproducing, only its structure per tree.
   */
  compare: 'exact' | 'widths';
}

const f64 = (v: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return b;
};
const i64 = (v: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(v));
  return b;
};
const f32Range = (n: number): Buffer => {
  const b = Buffer.alloc(n * 4);
  for (let i = 0; i < n; i++) b.writeFloatLE(i, i * 4);
  return b;
};

/** make.py's deep(): lists and dicts alternating, `depth` deep, around {"leaf": 1}. */
function deep(depth: number): PyValue {
  let value: PyValue = PyDict.of([[intern('leaf'), 1]]);
  for (let d = 0; d < depth; d++) value = d % 2 ? PyDict.of([['k', value]]) : [value];
  return value;
}

/** torch.save's data.pkl of an OrderedDict of 2x3 float tensors (torch/serialization.py _save). */
function torchState(n: number): PyValue {
  const orderedDict = global('collections', 'OrderedDict');
  const tensor = (i: number): PyValue =>
    new PyReduce(
      global('torch._utils', '_rebuild_tensor_v2'),
      tuple(
        // persistent_id: ('storage', storage type, key, location, numel)
        new PyPersistent(tuple(intern('storage'), global('torch', 'FloatStorage'), String(i), intern('cpu'), 6)),
        0,
        tuple(2, 3),
        tuple(3, 1),
        false,
        new PyReduce(orderedDict, tuple()),
      ),
    );
  return new PyReduce(orderedDict, tuple(), { dictitems: new PyDict(n, (i) => [`layer${i}.weight`, tensor(i)]) });
}

/**
 * pandas 3's DataFrame: NEWOBJ, then a state whose `_mgr` is
 * `BlockManager((_unpickle_block(values, slice, 2), ...), [columns, index])`. The two object
 * columns share one 2-D object block (its data a list of the items); the float column has its
 * own block of raw bytes.
 */
function dataFrame(n: number): PyValue {
  const block = (values: PyValue, start: number, stop: number): PyValue =>
    new PyReduce(global('pandas._libs.internals', '_unpickle_block'), tuple(values, new PyReduce(global('builtins', 'slice'), tuple(start, stop, 1)), 2));
  const objects = new PyList(2 * n, (i) => (i < n ? `row${i}` : tuple(i - n, `p${(i - n) % 7}`)));
  const scores = Buffer.alloc(8 * n);
  for (let i = 0; i < n; i++) scores.writeDoubleLE(i / 8, i * 8);
  const newIndex = global('pandas.core.indexes.base', '_new_Index');
  const name = intern('name');
  const columns = new PyReduce(
    newIndex,
    tuple(
      global('pandas', 'Index'),
      PyDict.of([
        [intern('data'), ndarray([3], dtype('O8'), [name, intern('pair'), intern('score')])],
        [name, null],
      ]),
    ),
  );
  const index = new PyReduce(
    newIndex,
    tuple(
      global('pandas', 'RangeIndex'),
      PyDict.of([
        [name, null],
        [intern('start'), 0],
        [intern('stop'), n],
        [intern('step'), 1],
      ]),
    ),
  );
  const manager = new PyReduce(
    global('pandas.core.internals.managers', 'BlockManager'),
    tuple(tuple(block(ndarray([2, n], dtype('O8'), objects), 0, 2), block(ndarray([1, n], dtype('f8'), scores), 2, 3)), [columns, index]),
  );
  return new PyReduce(global('pandas', 'DataFrame'), tuple(), {
    newobj: true,
    state: PyDict.of([
      [intern('_mgr'), manager],
      [intern('_typ'), intern('dataframe')],
      [intern('_metadata'), []],
      [intern('attrs'), PyDict.of([])],
      [intern('_flags'), PyDict.of([[intern('allows_duplicate_labels'), true]])],
    ]),
  });
}

export const SHAPES: readonly PickleShape[] = [
  {
    name: 'ints',
    title: 'ints (BININT1/BININT2/BININT)',
    protocol: 4,
    build: (n) => new PyList(n, (i) => (i % 4 === 3 ? (i * 7919) % 2 ** 31 : i % 70000)),
    sampleItems: 2500,
    bench: { bytes: TARGET_BYTES },
    compare: 'exact',
  },
  {
    name: 'strings',
    title: 'ints and memoised short strings',
    protocol: 4,
    build: (n) => new PyList(n, (i) => (i % 2 === 0 ? i % 256 : `k${String(i % 10000).padStart(4, '0')}`)),
    sampleItems: 2500,
    bench: { bytes: TARGET_BYTES },
    compare: 'exact',
  },
  {
    name: 'dict',
    title: `dict of ${DICT_ENTRIES.toLocaleString('en')} small lists (str, float, tuple)`,
    protocol: 4,
    build: (n) => new PyDict(n, (i) => [`tok${i}`, [`s${i}`, float(0.42), tuple(i, `t${i % 10}`), 'x']]),
    sampleItems: 1200,
    bench: { items: DICT_ENTRIES },
    compare: 'exact',
  },
  {
    name: 'numpy',
    title: `${NUMPY_ITEMS.toLocaleString('en')} numpy scalars and small arrays`,
    protocol: 4,
    build: (n) =>
      new PyList(n, (i) =>
        i % 2 === 1
          ? ndarray([(i % 61) + 1], dtype('f4'), f32Range((i % 61) + 1))
          : i % 4 === 0
            ? scalar(dtype('f8'), f64(i / 3))
            : scalar(dtype('i8'), i64(i)),
      ),
    sampleItems: 300,
    bench: { items: NUMPY_ITEMS },
    compare: 'exact',
  },
  {
    name: 'forest',
    title: 'scikit-learn RandomForestClassifier',
    protocol: 4,
    build: forest,
    sampleItems: 3,
    bench: { bytes: FOREST_BYTES },
    compare: 'widths',
  },
  {
    name: 'pandas',
    title: 'pandas DataFrame, object columns (str, tuple) and a float column',
    protocol: 4,
    build: dataFrame,
    sampleItems: 40,
    bench: { bytes: TARGET_BYTES },
    compare: 'exact',
  },
  {
    name: 'torch',
    title: `torch data.pkl, ${TORCH_TENSORS.toLocaleString('en')} tensors (protocol 2)`,
    protocol: 2,
    build: torchState,
    sampleItems: 30,
    bench: { items: TORCH_TENSORS },
    compare: 'exact',
  },
  {
    name: 'nesting',
    title: `values nested ${NESTING_DEPTH.toLocaleString('en')} deep (lists and dicts), repeated`,
    protocol: 4,
    build: (n) => new PyList(n, () => deep(NESTING_DEPTH)),
    sampleItems: 2,
    bench: { bytes: TARGET_BYTES },
    compare: 'exact',
  },
  {
    name: 'text',
    title: 'protocol 0 text: dict of str/int/float',
    protocol: 0,
    build: (n) => new PyDict(n, (i) => [`key${i}`, i % 3 === 0 ? `v${i}` : i % 3 === 1 ? i * 1000 : float(i / 4)]),
    sampleItems: 300,
    bench: { bytes: TARGET_BYTES },
    compare: 'exact',
  },
  {
    name: 'memo',
    title: `memo reuse: BINGET/LONG_BINGET of ${MEMO_SHARED.toLocaleString('en')} shared tuples`,
    protocol: 4,
    build: (n) => {
      const shared = Array.from({ length: MEMO_SHARED }, (_, i) => tuple(`w${i}`, i));
      return new PyList(n, (i) => shared[(i * 7) % MEMO_SHARED]!);
    },
    sampleItems: 4000,
    bench: { bytes: TARGET_BYTES },
    compare: 'exact',
  },
];

/** The pickle of `shape` at `n` items. */
export function pickleShape(shape: PickleShape, n: number): Buffer {
  return picklerOf(shape, n).bytes();
}

function picklerOf(shape: PickleShape, n: number): Pickler {
  const pickler = new Pickler(shape.protocol);
  pickler.dump(shape.build(n));
  return pickler;
}

/** How far from its bench size a shape may be (its item count is estimated). */
const SIZE_TOLERANCE = 0.02;

/**
 * `shape` at its bench size, as a pickler (its bytes and opcode count). Items grow the pickle
 * almost linearly (their numbers get longer), so the item count estimated from two small
 * pickles is corrected once when the size it gives is off by more than 2%.
 */
export function benchPickle(shape: PickleShape): Pickler {
  if ('items' in shape.bench) return picklerOf(shape, shape.bench.items);
  const target = shape.bench.bytes;
  const probe = Math.max(shape.sampleItems, 8);
  const small = pickleShape(shape, probe).length;
  const perItem = (pickleShape(shape, 2 * probe).length - small) / probe;
  const estimate = Math.max(1, Math.round((target - (small - perItem * probe)) / perItem));
  const first = picklerOf(shape, estimate);
  const size = first.bytes().length;
  if (Math.abs(size - target) <= target * SIZE_TOLERANCE) return first;
  return picklerOf(shape, Math.max(1, Math.round((estimate * target) / size)));
}
