import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../src/core/byte-reader.js';
import { BufferSource } from '../../../src/core/byte-source.js';
import { DEFAULT_LIMITS, withLimits } from '../../../src/core/limits.js';
import { pickle, type PickleBuilder } from '../../../src/formats/pickle/builder.js';
import { disassemble } from '../../../src/formats/pickle/disasm.js';
import type { PickleStream } from '../../../src/formats/pickle/model.js';
import { OPCODES } from '../../../src/formats/pickle/opcodes.js';
import { KEPT_ITEMS, parsePickleStream } from '../../../src/formats/pickle/parse.js';
import { renderValue } from '../../../src/formats/pickle/render.js';
import { as, parse } from './helpers.js';

/** One well-formed stream: what STOP returns, rendered, and anything else worth checking. */
interface ParseCase {
  name: string;
  pickle: PickleBuilder;
  result: string;
  check?: (stream: PickleStream) => void;
}

const p2 = (): PickleBuilder => pickle().proto(2);
const p4 = (): PickleBuilder => pickle().proto(4);
const call = (module: string, name: string): PickleBuilder => p2().global(module, name);

const CASES: ParseCase[] = [
  // Integers (pickletools: INT, BININT, BININT1, BININT2, LONG, LONG1, LONG4)
  { name: 'INT', pickle: pickle().int(-42).stop(), result: '-42' },
  { name: 'INT 01/00 are the protocol-0 booleans', pickle: pickle().mark().int(true).int(false).tuple().stop(), result: '(True, False)' },
  { name: 'INT accepts int(x, 0) literals', pickle: pickle().int('0x10').stop(), result: '16' },
  { name: 'BININT is signed', pickle: p2().binint(-5).stop(), result: '-5' },
  { name: 'BININT1', pickle: p2().binint1(200).stop(), result: '200' },
  { name: 'BININT2', pickle: p2().binint2(60000).stop(), result: '60000' },
  {
    name: 'LONG with its L suffix, past 2^53',
    pickle: pickle()
      .long(2n ** 70n)
      .stop(),
    result: String(2n ** 70n),
    check: (s) => expect(as(s.result, 'int').v).toBe(2n ** 70n),
  },
  { name: 'LONG1 positive needing a sign byte', pickle: p2().long1(255).stop(), result: '255' },
  { name: 'LONG1 negative', pickle: p2().long1(-256).stop(), result: '-256' },
  { name: 'LONG1 of zero bytes is 0', pickle: p2().long1(0).stop(), result: '0' },
  {
    name: 'LONG4 negative and large',
    pickle: p2()
      .long4(-(2n ** 70n))
      .stop(),
    result: String(-(2n ** 70n)),
    check: (s) => expect(as(s.result, 'int').v).toBe(-(2n ** 70n)),
  },
  // Floats
  { name: 'FLOAT', pickle: pickle().float(1.5).stop(), result: '1.5' },
  { name: 'FLOAT in exponent form', pickle: pickle().float(1e-5).stop(), result: '0.00001' },
  { name: 'FLOAT inf', pickle: pickle().float('inf').stop(), result: "float('Infinity')", check: (s) => expect(as(s.result, 'float').v).toBe(Infinity) },
  { name: 'BINFLOAT is big-endian', pickle: p2().binfloat(-1.25).stop(), result: '-1.25' },
  // Byte strings: Python 2 str reads as latin-1 text; Python 3 bytes stay bytes
  { name: 'STRING with quotes and escapes', pickle: pickle().string("it's\n\xff").stop(), result: "'it\\'s\\nÿ'" },
  { name: 'BINSTRING', pickle: pickle().binstring('abc').stop(), result: "'abc'" },
  { name: 'SHORT_BINSTRING is latin-1', pickle: pickle().shortBinstring('\xe9').stop(), result: "'é'" },
  { name: 'BINBYTES', pickle: pickle().proto(3).binbytes('ab\x00').stop(), result: "b'ab\\x00'" },
  { name: 'SHORT_BINBYTES', pickle: pickle().proto(3).shortBinbytes("q'").stop(), result: "b'q\\''" },
  {
    name: 'BINBYTES8 keeps its offset',
    pickle: p4().binbytes8('xyz').stop(),
    result: "b'xyz'",
    check: (s) => expect(as(s.result, 'bytes')).toMatchObject({ len: 3, offset: 11 }),
  },
  { name: 'BYTEARRAY8', pickle: pickle().proto(5).bytearray8('q').stop(), result: "bytearray(b'q')" },
  // Text
  {
    name: 'UNICODE decodes raw-unicode-escape',
    pickle: pickle().unicode('a\\b\n\u20ac\u{1F600}\xe9').stop(),
    result: "'a\\\\b\\n€😀é'",
    check: (s) => expect(as(s.result, 'str').v).toBe('a\\b\n\u20ac\u{1F600}\xe9'),
  },
  { name: 'SHORT_BINUNICODE is UTF-8', pickle: p4().shortBinunicode('h\u00e9').stop(), result: "'hé'" },
  { name: 'BINUNICODE', pickle: p2().binunicode('\u20ac').stop(), result: "'€'" },
  { name: 'BINUNICODE8', pickle: p4().binunicode8('z').stop(), result: "'z'" },
  // Constants and protocol-5 buffers
  { name: 'NONE', pickle: pickle().none().stop(), result: 'None' },
  { name: 'NEWTRUE and NEWFALSE', pickle: p2().newtrue().newfalse().tuple2().stop(), result: '(True, False)' },
  { name: 'NEXT_BUFFER', pickle: pickle().proto(5).nextBuffer().stop(), result: '<out-of-band buffer>' },
  { name: 'READONLY_BUFFER keeps the buffer', pickle: pickle().proto(5).nextBuffer().readonlyBuffer().stop(), result: '<out-of-band buffer>' },
  // Containers
  { name: 'EMPTY_LIST + APPEND', pickle: p2().emptyList().binint1(1).append().stop(), result: '[1]' },
  { name: 'APPENDS', pickle: p2().emptyList().mark().binint1(1).binint1(2).appends().stop(), result: '[1, 2]' },
  { name: 'LIST', pickle: pickle().mark().int(1).none().list().stop(), result: '[1, None]' },
  { name: 'EMPTY_TUPLE', pickle: p2().emptyTuple().stop(), result: '()' },
  { name: 'TUPLE', pickle: pickle().mark().int(1).int(2).int(3).int(4).tuple().stop(), result: '(1, 2, 3, 4)' },
  { name: 'TUPLE1', pickle: p2().binint1(1).tuple1().stop(), result: '(1,)' },
  { name: 'TUPLE2', pickle: p2().binint1(1).binint1(2).tuple2().stop(), result: '(1, 2)' },
  { name: 'TUPLE3', pickle: p2().binint1(1).binint1(2).binint1(3).tuple3().stop(), result: '(1, 2, 3)' },
  { name: 'EMPTY_DICT + SETITEM', pickle: p2().emptyDict().binunicode('a').binint1(1).setitem().stop(), result: "{'a': 1}" },
  { name: 'SETITEMS', pickle: p2().emptyDict().mark().binint1(1).binint1(2).binint1(3).binint1(4).setitems().stop(), result: '{1: 2, 3: 4}' },
  { name: 'DICT', pickle: pickle().mark().string('k').int(1).dict().stop(), result: "{'k': 1}" },
  { name: 'EMPTY_SET + ADDITEMS', pickle: p4().emptySet().mark().binint1(1).binint1(2).additems().stop(), result: '{1, 2}' },
  { name: 'FROZENSET', pickle: p4().mark().binint1(7).frozenset().stop(), result: 'frozenset({7})' },
  // Stack
  { name: 'POP', pickle: p2().binint1(1).binint1(2).pop().stop(), result: '1' },
  { name: 'POP on a MARK drops the mark (load_pop)', pickle: pickle().none().mark().pop().stop(), result: 'None' },
  { name: 'DUP pushes the same object', pickle: p2().emptyList().dup().binint1(1).append().tuple2().stop(), result: '([1], [1])' },
  { name: 'POP_MARK', pickle: p2().binint1(9).mark().binint1(1).binint1(2).popMark().stop(), result: '9' },
  // Memo: values are shared, so a later fill shows through every GET
  { name: 'PUT and GET (text)', pickle: pickle().string('v').put(3).pop().get(3).stop(), result: "'v'" },
  { name: 'BINPUT and BINGET', pickle: p2().emptyList().binput(0).pop().binget(0).binint1(1).append().pop().binget(0).stop(), result: '[1]' },
  { name: 'LONG_BINPUT and LONG_BINGET', pickle: p2().binint1(5).longBinput(70000).pop().longBinget(70000).stop(), result: '5' },
  {
    name: 'MEMOIZE stores at len(memo)',
    pickle: p4().binint1(1).memoize().binint1(2).memoize().tuple2().binget(1).tuple2().stop(),
    result: '((1, 2), 2)',
  },
  // Extension registry
  {
    name: 'EXT1, EXT2, EXT4 are recorded',
    pickle: p2().ext1(7).ext2(300).ext4(-2).tuple3().stop(),
    result: '(copyreg._extension_registry[7], copyreg._extension_registry[300], copyreg._extension_registry[-2])',
    check: (s) =>
      expect(s.extensions.map((e) => [e.code, e.offset, e.opIndex])).toEqual([
        [7, 2, 1],
        [300, 4, 2],
        [-2, 7, 3],
      ]),
  },
  // Persistent ids (torch storages)
  {
    name: 'PERSID',
    pickle: pickle().persid('0').stop(),
    result: "persistent_load('0')",
    check: (s) => expect(s.persistentIds).toEqual([{ pid: { k: 'str', v: '0' }, offset: 0, opIndex: 0 }]),
  },
  {
    name: 'BINPERSID takes its id from the stack',
    pickle: p2().mark().binunicode('storage').binunicode('0').tuple().binpersid().stop(),
    result: "persistent_load(('storage', '0'))",
    check: (s) => expect(s.persistentIds.map((p) => renderValue(p.pid))).toEqual(["('storage', '0')"]),
  },
  // Imports
  {
    name: 'GLOBAL',
    pickle: call('os', 'system').stop(),
    result: 'os.system',
    check: (s) => expect(s.imports).toMatchObject([{ module: 'os', name: 'system', path: 'os.system', op: 'GLOBAL', offset: 2, opIndex: 1 }]),
  },
  {
    name: 'STACK_GLOBAL with literal strings',
    pickle: p4().str('os').str('system').stackGlobal().stop(),
    result: 'os.system',
    check: (s) => {
      expect(s.imports).toMatchObject([{ path: 'os.system', op: 'STACK_GLOBAL' }]);
      expect(s.dynamicImports).toEqual([]);
    },
  },
  {
    name: 'STACK_GLOBAL on a computed module is a dynamic import',
    pickle: p4().str('_codecs').str('encode').stackGlobal().str('bf').str('rot13').tuple2().reduce().str('system').stackGlobal().stop(),
    result: "find_class(_codecs.encode('bf', 'rot13'), 'system')",
    check: (s) => {
      expect(s.imports.map((r) => r.path)).toEqual(['_codecs.encode']);
      expect(s.dynamicImports).toHaveLength(1);
      expect(renderValue(s.dynamicImports[0]!.module)).toBe("_codecs.encode('bf', 'rot13')");
      expect(s.dynamicImports[0]!.name).toMatchObject({ k: 'str', v: 'system' });
    },
  },
  {
    name: 'STACK_GLOBAL through the memo stays literal',
    pickle: p4().str('os').memoize().pop().binget(0).str('system').stackGlobal().stop(),
    result: 'os.system',
    check: (s) => expect(s.dynamicImports).toEqual([]),
  },
  {
    name: 'dotted names keep the whole attribute path',
    pickle: p4().str('torch').str('_utils._rebuild_tensor_v2').stackGlobal().stop(),
    result: 'torch._utils._rebuild_tensor_v2',
    check: (s) => expect(s.imports[0]).toMatchObject({ resolvedModule: 'torch', resolvedName: '_utils._rebuild_tensor_v2' }),
  },
  {
    name: '__builtin__ maps to builtins (_compat_pickle.IMPORT_MAPPING)',
    pickle: pickle().global('__builtin__', 'eval').stop(),
    result: 'builtins.eval',
    check: (s) => expect(s.imports[0]).toMatchObject({ module: '__builtin__', name: 'eval', resolvedModule: 'builtins', path: 'builtins.eval' }),
  },
  {
    name: 'NAME_MAPPING renames too (__builtin__.xrange, copy_reg)',
    pickle: pickle().global('__builtin__', 'xrange').global('copy_reg', '_reconstructor').tuple2().stop(),
    result: '(builtins.range, copyreg._reconstructor)',
  },
  // Calls and object creation
  {
    name: 'REDUCE is a call',
    pickle: call('os', 'system').binunicode('echo x').tuple1().reduce().stop(),
    result: "os.system('echo x')",
    check: (s) => expect(s.calls).toMatchObject([{ op: 'REDUCE', offset: 25, opIndex: 4 }]),
  },
  {
    name: 'INST is a class call with the items since MARK',
    pickle: pickle().mark().string('x').inst('somepkg.mod', 'Cls').stop(),
    result: "somepkg.mod.Cls('x')",
    check: (s) => {
      expect(s.imports).toMatchObject([{ path: 'somepkg.mod.Cls', op: 'INST' }]);
      expect(s.calls).toMatchObject([{ op: 'INST' }]);
    },
  },
  {
    name: 'OBJ calls the first item with the rest',
    pickle: p2().mark().global('somepkg', 'Cls').binint1(1).obj().stop(),
    result: 'somepkg.Cls(1)',
    check: (s) => expect(s.calls).toMatchObject([{ op: 'OBJ', object: { args: [{ k: 'int', v: 1 }] } }]),
  },
  {
    name: 'NEWOBJ is cls.__new__(cls, *args)',
    pickle: call('somepkg', 'Cls').binint1(1).tuple1().newobj().stop(),
    result: 'somepkg.Cls.__new__(somepkg.Cls, 1)',
    check: (s) => expect(s.calls).toMatchObject([{ op: 'NEWOBJ' }]),
  },
  {
    name: 'NEWOBJ_EX carries kwargs',
    pickle: p4().global('somepkg', 'Cls').emptyTuple().emptyDict().str('k').binint1(2).setitem().newobjEx().stop(),
    result: "somepkg.Cls.__new__(somepkg.Cls, **{'k': 2})",
    check: (s) => expect(s.calls).toMatchObject([{ op: 'NEWOBJ_EX', object: { kwargs: { k: 'dict' } } }]),
  },
  {
    name: 'BUILD is recorded and kept on the object',
    pickle: call('somepkg', 'Cls').emptyTuple().newobj().emptyDict().str('a').binint1(1).setitem().build().stop(),
    result: 'somepkg.Cls.__new__(somepkg.Cls)',
    check: (s) => {
      expect(s.builds).toHaveLength(1);
      expect(renderValue(s.builds[0]!.state)).toBe("{'a': 1}");
      expect(as(s.result, 'obj').states).toEqual([s.builds[0]!.state]);
    },
  },
  // Container opcodes on things that are not plain containers call their methods
  {
    name: 'APPEND on an object is a mutation',
    pickle: call('somepkg', 'Cls').emptyTuple().reduce().binint1(1).append().stop(),
    result: 'somepkg.Cls()',
    check: (s) => {
      expect(s.mutations).toMatchObject([{ op: 'APPEND', items: [{ k: 'int', v: 1 }] }]);
      expect(as(s.result, 'obj').added).toEqual([{ k: 'int', v: 1 }]);
    },
  },
  {
    name: 'APPENDS on an object is a mutation',
    pickle: call('somepkg', 'Cls').emptyTuple().reduce().mark().binint1(1).binint1(2).appends().stop(),
    result: 'somepkg.Cls()',
    check: (s) => expect(s.mutations).toMatchObject([{ op: 'APPENDS', items: [{ v: 1 }, { v: 2 }] }]),
  },
  {
    name: 'SETITEM on an imported global is a mutation',
    pickle: call('sys', 'modules').binunicode('torch').global('os', 'system').setitem().stop(),
    result: 'sys.modules',
    check: (s) => expect(s.mutations).toMatchObject([{ op: 'SETITEM', target: { k: 'global' } }]),
  },
  {
    name: 'SETITEMS on an object is a mutation',
    pickle: call('collections', 'OrderedDict').emptyTuple().reduce().mark().binunicode('k').binint1(1).setitems().stop(),
    result: 'collections.OrderedDict()',
    check: (s) => expect(s.mutations).toMatchObject([{ op: 'SETITEMS', target: { k: 'obj' } }]),
  },
  {
    name: 'ADDITEMS on a frozenset is a mutation',
    pickle: p4().mark().frozenset().mark().binint1(1).additems().stop(),
    result: 'frozenset({})',
    check: (s) => expect(s.mutations).toMatchObject([{ op: 'ADDITEMS', target: { k: 'set', frozen: true } }]),
  },
  // Protocol 4 framing
  {
    name: 'FRAME',
    pickle: p4().framed(pickle().str('a').tuple1().stop()),
    result: "('a',)",
    check: (s) => expect(s.protocol).toBe(4),
  },
];

describe('parsePickleStream: every opcode', () => {
  it.each(CASES)('$name', ({ pickle: built, result, check }) => {
    const bytes = built.bytes();
    const stream = parse(bytes);
    expect(stream.error).toBeUndefined();
    expect(stream.result).toBeDefined();
    expect(renderValue(stream.result!)).toBe(result);
    expect(stream.start).toBe(0);
    expect(stream.end).toBe(bytes.length);
    check?.(stream);
  });

  it('the table uses every opcode of protocols 0-5', () => {
    const used = new Set<string>();
    for (const c of CASES) {
      const { lines, error } = disassemble(new ByteReader(new BufferSource(c.pickle.bytes())));
      expect(error, c.name).toBeUndefined();
      for (const line of lines) used.add(line.name);
    }
    const all = OPCODES.filter((o) => o !== undefined).map((o) => o.name);
    expect(all).toHaveLength(68);
    expect([...all].filter((n) => !used.has(n))).toEqual([]);
  });

  it.each([0, 1, 2, 3, 4, 5])('reads protocol %i', (protocol) => {
    const built = protocol === 0 ? pickle() : pickle().proto(protocol);
    const stream = parse(built.mark().int(1).tuple().stop());
    expect(stream.error).toBeUndefined();
    expect(stream.protocol).toBe(protocol);
    expect(stream.opcodes).toBe(protocol === 0 ? 4 : 5);
  });

  it('reads streams back to back from the reader position', () => {
    const first = call('os', 'system').stop().bytes();
    const reader = new ByteReader(new BufferSource(Buffer.concat([first, p2().none().stop().bytes()])));
    const a = parsePickleStream(reader, { limits: DEFAULT_LIMITS });
    const b = parsePickleStream(reader, { limits: DEFAULT_LIMITS });
    expect(a.end).toBe(first.length);
    expect(b).toMatchObject({ start: first.length, result: { k: 'none' }, imports: [] });
  });

  it('lets afterBuild skip raw bytes a loader reads after BUILD', () => {
    const built = call('somepkg', 'Arr').emptyTuple().newobj().emptyDict().build().raw('RAWDATA').stop();
    const stream = parsePickleStream(new ByteReader(new BufferSource(built.bytes())), {
      limits: DEFAULT_LIMITS,
      afterBuild: (_target, _state, reader) => reader.skip(7),
    });
    expect(stream.error).toBeUndefined();
    expect(stream.builds).toHaveLength(1);
  });
});

describe('parsePickleStream: bounded containers and sparse memo keys', () => {
  /** `n` items pushed after a MARK: BININT1 each, so the stream stays small. */
  const items = (b: PickleBuilder, n: number): PickleBuilder => {
    for (let i = 0; i < n; i++) b.binint1(i & 0xff);
    return b;
  };

  it('keeps KEPT_ITEMS list items and counts the rest', () => {
    const stream = parse(
      items(p2().emptyList().mark(), KEPT_ITEMS + 10)
        .appends()
        .binint1(1)
        .append()
        .stop(),
    );
    const list = as(stream.result, 'list');
    expect(list.items).toHaveLength(KEPT_ITEMS);
    expect(list.dropped).toBe(11);
  });

  it('still sees a __setstate__ key past the kept entries', () => {
    const b = items(p2().global('somepkg', 'Cls').emptyTuple().newobj().emptyDict().mark(), 2 * KEPT_ITEMS).setitems();
    const stream = parse(b.binunicode('__setstate__').global('os', 'system').setitem().build().stop());
    const state = as(stream.builds[0]!.state, 'dict');
    expect(state.entries).toHaveLength(KEPT_ITEMS);
    expect(state.dropped).toBe(1);
    expect(state.setstateKey).toBe(true);
    expect(stream.imports.map((r) => r.path)).toEqual(['somepkg.Cls', 'os.system']);
  });

  it('records a call made in every item of a huge container', () => {
    const b = p2().emptyList().mark();
    for (let i = 0; i < KEPT_ITEMS + 5; i++) b.binint1(1);
    const stream = parse(b.global('os', 'system').binunicode('late').tuple1().reduce().appends().stop());
    expect(stream.calls.map((c) => renderValue(c.object))).toEqual(["os.system('late')"]);
  });

  it('keeps at most 16 items of a mutation event, and every item on the object count', () => {
    const stream = parse(items(call('somepkg', 'Cls').emptyTuple().reduce().mark(), 40).appends().stop());
    expect(stream.mutations[0]!.items).toHaveLength(16);
    expect(as(stream.result, 'obj').added).toHaveLength(40);
  });

  it('accepts the largest LONG_BINPUT key without allocating for it', () => {
    const stream = parse(p2().binint1(7).longBinput(0xffffffff).pop().longBinget(0xffffffff).memoize().stop());
    expect(stream.error).toBeUndefined();
    expect(renderValue(stream.result!)).toBe('7');
  });

  it('counts distinct sparse keys against maxMemoEntries', () => {
    const stream = parse(p2().none().longBinput(1e9).longBinput(5).longBinput(1e9).longBinput(4e9).stop(), withLimits({ maxMemoEntries: 2 }));
    expect(stream.error?.code).toBe('LIMIT_MEMO');
    expect(stream.opcodes).toBe(6);
  });
});
