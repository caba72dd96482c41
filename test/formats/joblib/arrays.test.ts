import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../src/core/byte-reader.js';
import { BufferSource } from '../../../src/core/byte-source.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { JoblibArrayReader } from '../../../src/formats/joblib/arrays.js';
import { aligned, arrayWrapper, numpyDtype, type WrapperOptions } from '../../../src/formats/joblib/builder.js';
import { pickle, type PickleBuilder } from '../../../src/formats/pickle/builder.js';
import { parsePickleStream } from '../../../src/formats/pickle/parse.js';

/** Parses one stream with the joblib hook, as NumpyUnpickler reads it. */
function read(bytes: Buffer) {
  const arrays = new JoblibArrayReader(DEFAULT_LIMITS);
  const reader = new ByteReader(new BufferSource(bytes));
  const stream = parsePickleStream(reader, { limits: DEFAULT_LIMITS, afterBuild: arrays.afterBuild });
  return { arrays, stream, reader };
}

/** A protocol-2 pickle of one wrapper, `data` after its BUILD, then STOP. */
const oneArray = (o: WrapperOptions, data: (b: PickleBuilder) => PickleBuilder): Buffer =>
  data(arrayWrapper(pickle().proto(2), o))
    .stop()
    .bytes();

describe('joblib array wrappers', () => {
  it('steps over an aligned array as read_array does, to the STOP', () => {
    const bytes = oneArray({ shape: [2, 3], descr: 'f8', alignment: 16 }, (b) => aligned(b).raw(Buffer.alloc(48, 0x2e)));
    const { arrays, stream, reader } = read(bytes);
    expect(stream.error).toBeUndefined();
    expect(arrays.seen).toBe(true);
    expect(reader.pos).toBe(bytes.length);
  });

  it('reads no padding byte when the alignment is None', () => {
    const { stream } = read(oneArray({ shape: [4], descr: 'i2', alignment: null }, (b) => b.raw(Buffer.alloc(8, 0x2e))));
    expect(stream.error).toBeUndefined();
  });

  it("keeps an object array's pickle as a nested stream", () => {
    const nested = pickle().proto(2).global('os', 'system').binunicode('id').tuple1().reduce().stop().bytes();
    const { arrays, stream } = read(oneArray({ shape: [1], descr: 'O8', dtypeState: { flags: 63 } }, (b) => b.raw(nested)));
    expect(stream.error).toBeUndefined();
    expect(arrays.nestedStreams).toHaveLength(1);
    expect(arrays.nestedStreams[0]?.imports.map((i) => i.path)).toEqual(['os.system']);
  });

  it('leaves other objects alone', () => {
    const { arrays, stream } = read(pickle().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce().emptyDict().build().stop().bytes());
    expect(stream.error).toBeUndefined();
    expect(arrays.seen).toBe(false);
  });
});

describe('joblib array wrappers fail closed', () => {
  it.each([
    {
      what: 'array bytes past the end',
      bytes: () => oneArray({ shape: [100], descr: 'f8', alignment: null }, (b) => b.raw(Buffer.alloc(8))),
      code: 'TRUNCATED',
    },
    { what: 'a dtype whose size depends on the platform', bytes: () => oneArray({ shape: [1], descr: 'l' }, (b) => b.raw(Buffer.alloc(8))), code: 'MALFORMED' },
    {
      what: 'an object array that allows mmap',
      bytes: () => oneArray({ shape: [1], descr: 'O8', dtypeState: { flags: 63 }, allowMmap: true }, (b) => b.raw(pickle().proto(2).none().stop().bytes())),
      code: 'MALFORMED',
    },
    {
      what: 'a wrapper built inside a frame',
      bytes: () =>
        pickle()
          .proto(4)
          .framed(
            arrayWrapper(pickle(), { shape: [1], descr: 'f8', alignment: null })
              .pop()
              .stop(),
          )
          .bytes(),
      code: 'MALFORMED',
    },
    {
      what: 'a shape that is not a sequence',
      bytes: () => {
        const b = pickle()
          .proto(2)
          .global('joblib.numpy_pickle', 'NumpyArrayWrapper')
          .emptyTuple()
          .newobj()
          .emptyDict()
          .binunicode('shape')
          .binint(3)
          .setitem()
          .binunicode('dtype');
        return numpyDtype(b, 'f8').setitem().build().stop().bytes();
      },
      code: 'MALFORMED',
    },
    {
      what: 'a state that is not a dict',
      bytes: () => pickle().proto(2).global('joblib.numpy_pickle', 'NumpyArrayWrapper').emptyTuple().newobj().binint(1).build().stop().bytes(),
      code: 'MALFORMED',
    },
    {
      what: '__init__ called with too few arguments',
      bytes: () =>
        pickle().proto(2).global('joblib.numpy_pickle', 'NumpyArrayWrapper').global('numpy', 'ndarray').tuple1().reduce().emptyDict().build().stop().bytes(),
      code: 'MALFORMED',
    },
  ])('$what → $code', ({ bytes, code }) => {
    expect(read(bytes()).stream.error?.code).toBe(code);
  });
});
