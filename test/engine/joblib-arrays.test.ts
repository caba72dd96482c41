import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { aligned, arrayWrapper as wrapper, numpyDtype as dtype, type WrapperOptions } from '../../src/formats/joblib/builder.js';
import { pickle, type PickleBuilder } from '../../src/formats/pickle/builder.js';
import { scanBytes } from '../helpers/scan-bytes.js';

// Regressions for the red-team misses m50-m52 (joblib NumpyArrayWrapper read differently from
// joblib/numpy_pickle.py NumpyArrayWrapper.read_array).

const scanJoblib = (bytes: Buffer) => scanBytes(bytes, { name: 'f.joblib' });

const osSystem = (b: PickleBuilder): PickleBuilder => b.global('os', 'system').binunicode('echo pwned').tuple1().reduce();

describe('joblib arrays: benign files stay clean', () => {
  it('reads a wrapper with 16-byte alignment as joblib writes it', async () => {
    const b = wrapper(pickle().proto(2).emptyList(), { shape: [2, 3], descr: 'f8', alignment: 16 });
    aligned(b).raw(Buffer.alloc(48, 0x2e)).append();
    wrapper(b, { shape: [4], descr: 'U5', dtypeState: { elsize: 20, flags: 8 }, alignment: 16 });
    aligned(b).raw(Buffer.alloc(80, 0x63)).append().stop();
    expect(await scanJoblib(b.bytes())).toMatchObject({ format: 'joblib', verdict: 'clean' });
  });

  it('reads a wrapper whose __init__ ran: its alignment default is 16', async () => {
    const b = pickle().proto(2).global('joblib.numpy_pickle', 'NumpyArrayWrapper');
    b.mark().global('numpy', 'ndarray').mark().binint(2).tuple().binunicode('C');
    dtype(b, 'i4').tuple().reduce().emptyDict().build();
    aligned(b).raw(Buffer.alloc(8, 0x2e)).stop();
    const f = await scanJoblib(b.bytes());
    // A class call is not how joblib writes wrappers (the allow-list may grade it), but the
    // stream reads to its STOP with nothing left over.
    expect(f.format).toBe('joblib');
    expect(f.findings.filter((x) => x.ruleId.startsWith('container/') || x.code !== undefined)).toEqual([]);
  });
});

describe('joblib arrays: read as joblib reads them', () => {
  it('reads no padding byte when numpy_array_alignment_bytes is None (m50)', async () => {
    const payload = osSystem(pickle()).pop().bytes();
    // The first data byte would be a padding length that jumps over the payload.
    const data = Buffer.concat([Buffer.from([payload.length - 1]), Buffer.alloc(31)]);
    const b = wrapper(pickle().proto(2), { shape: [4], descr: 'f8', alignment: null })
      .raw(data)
      .raw(payload)
      .stop();
    expect(await scanJoblib(b.bytes())).toMatchObject({ verdict: 'malicious' });
    // The same inside joblib's zlib wrapper (m52).
    expect(await scanJoblib(deflateSync(b.bytes()))).toMatchObject({ verdict: 'malicious' });
  });

  it('sizes a fixed-size dtype by its type code, not the state elsize (m51)', async () => {
    const count = 64;
    const tail = osSystem(pickle()).bytes();
    // With elsize 1 a reader would skip 64 bytes and meet BINBYTES swallowing the rest and the payload.
    const swallow = pickle()
      .binbytes(Buffer.alloc(0), { length: 8 * count - count - 5 + tail.length })
      .bytes();
    const data = Buffer.concat([Buffer.alloc(count), swallow, Buffer.alloc(8 * count - count - swallow.length)]);
    const b = wrapper(pickle().proto(2), { shape: [count], descr: 'f8', dtypeState: { elsize: 1 } });
    b.raw(data).raw(tail).tuple2().stop();
    expect(await scanJoblib(b.bytes())).toMatchObject({ verdict: 'malicious' });
  });

  it('reads an O8 dtype whose state clears the object flag as raw bytes', async () => {
    // dtype.__setstate__ (version 3) takes hasobject from the flags alone: joblib skips 16 raw bytes.
    const raw = pickle()
      .proto(2)
      .binbytes(Buffer.alloc(0), { length: 9 + 30 })
      .bytes();
    const b = wrapper(pickle().proto(2), { shape: [2], descr: 'O8', dtypeState: { flags: 0 } });
    b.raw(Buffer.concat([raw, Buffer.alloc(16 - raw.length)]));
    osSystem(b).stop();
    expect(await scanJoblib(b.bytes())).toMatchObject({ verdict: 'malicious' });
  });

  it('unpickles the data of a fixed-size dtype whose state sets the object flag', async () => {
    const b = wrapper(pickle().proto(2), { shape: [1], descr: 'f8', dtypeState: { flags: 63 }, alignment: 16 });
    osSystem(b.proto(2)).stop().stop();
    expect(await scanJoblib(b.bytes())).toMatchObject({ verdict: 'malicious' });
  });

  it('does not read wrappers inside an object array as arrays: a plain Unpickler reads them', async () => {
    const b = wrapper(pickle().proto(2), { shape: [1], descr: 'O8', dtypeState: { flags: 63 } });
    // The nested pickle: a wrapper whose BUILD is followed by opcodes, not array bytes.
    wrapper(b.proto(2), { shape: [4], descr: 'f8', alignment: null }).pop();
    osSystem(b).stop().stop();
    expect(await scanJoblib(b.bytes())).toMatchObject({ verdict: 'malicious' });
  });
});

describe('joblib arrays: what cannot be sized is never skipped', () => {
  it.each([
    ['a platform-sized dtype', { shape: [2], descr: 'l', alignment: 16 }],
    ['an unknown dtype', { shape: [2], descr: 'Z9', alignment: 16 }],
    ['a negative flexible elsize', { shape: [2], descr: 'V8', dtypeState: { elsize: -3 }, alignment: 16 }],
    ['an object array that allows mmap', { shape: [1], descr: 'O8', dtypeState: { flags: 63 }, allowMmap: true }],
  ] as Array<[string, WrapperOptions]>)('gives %s verdict error', async (_what, options) => {
    const b = wrapper(pickle().proto(2), options);
    aligned(b).raw(Buffer.alloc(16)).stop();
    const f = await scanJoblib(b.bytes());
    expect(f.verdict).not.toBe('clean');
    expect(f.findings.map((x) => x.code)).toEqual(expect.arrayContaining([expect.stringMatching(/^(MALFORMED|UNSUPPORTED)$/)]));
  });
});

describe('joblib arrays and protocol-4 frames', () => {
  it('a wrapper whose BUILD ends its frame (as joblib commits it) is read as usual', async () => {
    const b = pickle()
      .proto(4)
      .framed(wrapper(pickle(), { shape: [2], descr: 'f8', alignment: 16 }));
    aligned(b).raw(Buffer.alloc(16, 0x2e)).framed(pickle().stop());
    expect(await scanJoblib(b.bytes())).toMatchObject({ format: 'joblib', verdict: 'clean' });
  });

  it('a wrapper built inside a frame is an error: joblib would read the array after the frame', async () => {
    // Python's unpickler has the whole frame in memory; read_array reads the file from its end.
    const inFrame = osSystem(wrapper(pickle(), { shape: [2], descr: 'f8', alignment: 16 }).pop()).stop();
    const b = pickle().proto(4).framed(inFrame);
    aligned(b).raw(Buffer.alloc(16));
    const f = await scanJoblib(b.bytes());
    expect(f.verdict).not.toBe('clean');
    expect(f.findings.some((x) => x.code === 'MALFORMED' && x.message.includes('inside a pickle frame'))).toBe(true);
  });

  it("an object array's pickle that stops inside a frame is an error: joblib drops the rest of the frame", async () => {
    const b = wrapper(pickle().proto(2), { shape: [1], descr: 'O8', dtypeState: { flags: 63 } });
    b.proto(4)
      .framed(pickle().none().stop().raw(osSystem(pickle()).bytes()))
      .pop()
      .stop();
    const f = await scanJoblib(b.bytes());
    expect(f.verdict).not.toBe('clean');
    expect(f.findings.some((x) => x.code === 'MALFORMED' && x.message.includes('stops inside a frame'))).toBe(true);
  });
});
