/** Small pickles for engine and CLI tests, built with the pickle builder. */
import { pickle, type PickleBuilder } from '../../src/formats/pickle/builder.js';

/** Protocol 2: `os.system(cmd)`. */
export function osSystemPickle(cmd = 'echo test'): Buffer {
  return pickle().proto(2).global('os', 'system').binunicode(cmd).tuple1().reduce().stop().bytes();
}

/** Protocol 2: `{'a': [1, 2]}`, nothing imported, memoised as pickle.py writes it. */
export function plainPickle(): Buffer {
  return pickle().proto(2).emptyDict().binput(0).binunicode('a').emptyList().binput(1).mark().binint1(1).binint1(2).appends().setitem().stop().bytes();
}

/** Protocol 2: `collections.OrderedDict()` filled with one entry. */
export function orderedDictPickle(): Buffer {
  return pickle().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce().binunicode('k').binint1(1).setitem().stop().bytes();
}

/**
 * `count` copies of what `write` puts in a builder, as bytes for `raw`: long runs of opcodes (a
 * million MARKs, megabytes of small ints) without a million builder calls.
 */
export function repeated(write: (b: PickleBuilder) => PickleBuilder, count: number): Buffer {
  const one = write(pickle()).bytes();
  return Buffer.alloc(one.length * count, one);
}
