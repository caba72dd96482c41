import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../src/core/byte-reader.js';
import { BufferSource } from '../../../src/core/byte-source.js';
import { pickle, type PickleBuilder } from '../../../src/formats/pickle/builder.js';
import { disassemble } from '../../../src/formats/pickle/disasm.js';
import { pseudoPython } from '../../../src/formats/pickle/pseudo.js';
import { parse } from './helpers.js';

const dis = (b: PickleBuilder): ReturnType<typeof disassemble> => disassemble(new ByteReader(new BufferSource(b.bytes())));

describe('pseudoPython', () => {
  it('lists imports with their written names, steps in stream order, and the break', () => {
    const built = pickle()
      .proto(2)
      .global('__builtin__', 'eval') // 2..19
      .binput(0)
      .binunicode('1+1')
      .tuple1()
      .reduce() // 31
      .emptyDict()
      .mark()
      .binunicode('a')
      .ext1(3)
      .setitems()
      .build() // 43
      .raw([0xff]); // 44
    expect(pseudoPython(parse(built))).toEqual([
      'from builtins import eval  # written as __builtin__.eval',
      "builtins.eval('1+1')  # REDUCE at 31",
      "builtins.eval('1+1').__setstate__({'a': copyreg._extension_registry[3]})  # BUILD at 43",
      '# stream breaks at offset 44: invalid opcode 0xff (BAD_OPCODE)',
    ]);
  });

  it('shows each import once, mutations and dynamic imports, and the returned value', () => {
    const built = pickle()
      .proto(4)
      .global('sys', 'modules')
      .str('x')
      .global('sys', 'modules') // imported again, listed once
      .setitem() // 31
      .pop()
      .global('_codecs', 'encode')
      .str('bf')
      .str('rot13')
      .tuple2()
      .reduce() // 61
      .str('system')
      .stackGlobal() // 70
      .stop();
    expect(pseudoPython(parse(built))).toEqual([
      'from sys import modules',
      'from _codecs import encode',
      // pseudo.ts spells the opcode (setitem), not the method it calls (__setitem__).
      'sys.modules.setitem(…)  # SETITEM at 31',
      "_codecs.encode('bf', 'rot13')  # REDUCE at 61",
      "find_class(_codecs.encode('bf', 'rot13'), 'system')  # STACK_GLOBAL at 70",
      "return find_class(_codecs.encode('bf', 'rot13'), 'system')",
    ]);
  });
});

describe('disassemble', () => {
  it('lists opcodes with offsets and arguments up to STOP', () => {
    const built = pickle()
      .proto(4)
      .framed(pickle().str('os').str('system').stackGlobal().memoize().long1(-2).float(0.5).binbytes8('hi').stop())
      .raw('trailing bytes are not read');
    expect(dis(built)).toEqual({
      lines: [
        { offset: 0, name: 'PROTO', arg: '4' },
        { offset: 2, name: 'FRAME', arg: '34 bytes' },
        { offset: 11, name: 'SHORT_BINUNICODE', arg: '"os"' },
        { offset: 15, name: 'SHORT_BINUNICODE', arg: '"system"' },
        { offset: 23, name: 'STACK_GLOBAL' },
        { offset: 24, name: 'MEMOIZE' },
        { offset: 25, name: 'LONG1', arg: '1 bytes' },
        { offset: 28, name: 'FLOAT', arg: '"0.5"' },
        { offset: 33, name: 'BINBYTES8', arg: '"hi"' },
        { offset: 44, name: 'STOP' },
      ],
    });
  });

  it('reads protocol-0 text operands', () => {
    expect(dis(pickle().global('os', 'system').mark().string('ls').tuple().reduce().put(0).stop()).lines).toEqual([
      { offset: 0, name: 'GLOBAL', arg: 'os system' },
      { offset: 11, name: 'MARK' },
      { offset: 12, name: 'STRING', arg: '"\'ls\'"' },
      { offset: 18, name: 'TUPLE' },
      { offset: 19, name: 'REDUCE' },
      { offset: 20, name: 'PUT', arg: '"0"' },
      { offset: 23, name: 'STOP' },
    ]);
  });

  it('stops at a byte that is no opcode', () => {
    const out = dis(pickle().proto(2).none().raw([0xff]).stop());
    expect(out.lines.map((l) => l.name)).toEqual(['PROTO', 'NONE']);
    expect(out.error).toBeDefined();
  });

  it('reports a missing STOP', () => {
    const out = dis(pickle().proto(2).none());
    expect(out.lines).toHaveLength(2);
    expect(out.error).toBeDefined();
  });

  it('survives an absurd BINBYTES8 length without allocating', () => {
    const out = dis(
      pickle()
        .proto(4)
        .binbytes8('', { length: 2n ** 62n })
        .stop(),
    );
    expect(out.lines.map((l) => l.name)).toEqual(['PROTO']);
    expect(out.error).toBeDefined();
  });

  it('caps the number of lines', () => {
    const out = disassemble(new ByteReader(new BufferSource(Buffer.from('N'.repeat(50)))), 10);
    expect(out.lines).toHaveLength(10);
    expect(out.error).toBeDefined();
  });
});
