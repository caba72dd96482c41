import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../src/core/byte-reader.js';
import { BufferSource, type ByteSource } from '../../../src/core/byte-source.js';
import { FileSource } from '../../../src/sources/local/file-source.js';
import { DEFAULT_LIMITS, withLimits, type Limits } from '../../../src/core/limits.js';
import { pickle, type PickleBuilder } from '../../../src/formats/pickle/builder.js';
import { parsePickleStream } from '../../../src/formats/pickle/parse.js';
import { renderValue } from '../../../src/formats/pickle/render.js';
import { repeated } from '../../helpers/pickles.js';

/*
 * Runs of plain data opcodes take the fast path (fast-path.ts); everything it does not handle
 * falls back to the general loop. These cases sit on its edges: the window's end, the MARK
 * floor, an empty memo slot, and the limits.
 */
const parse = (bytes: Buffer | ByteSource, limits: Limits = DEFAULT_LIMITS) =>
  parsePickleStream(new ByteReader(Buffer.isBuffer(bytes) ? new BufferSource(bytes) : bytes), { limits });

describe('the fast path for data opcodes', () => {
  it('stops at the MARK floor, so MEMOIZE on an empty mark is an underflow', () => {
    expect(parse(pickle().proto(4).binint1(1).mark().memoize().stop().bytes()).error?.code).toBe('STACK_UNDERFLOW');
    expect(parse(pickle().proto(4).binint1(1).mark().binput(0).stop().bytes()).error?.code).toBe('STACK_UNDERFLOW');
  });
  it('leaves a GET of an empty memo slot to the general loop, which reports it', () => {
    const s = parse(pickle().proto(4).binint1(1).memoize().binget(7).stop().bytes());
    expect(s.error?.code).toBe('BAD_MEMO');
    expect(s.error?.offset).toBe(5);
  });
  it('counts opcodes exactly, stopping at the limit inside a run', () => {
    const bytes = pickle()
      .proto(4)
      .emptyList()
      .mark()
      .raw(repeated((b) => b.none(), 2000))
      .appends()
      .stop()
      .bytes();
    expect(parse(bytes, withLimits({ maxOpcodes: 1000 })).error?.code).toBe('LIMIT_OPCODES');
    const whole = parse(bytes);
    expect(whole.error).toBeUndefined();
    expect(whole.opcodes).toBe(2005);
  });
  it('gives the same values as the general loop for every data opcode', () => {
    const bytes = pickle()
      .proto(4)
      .mark()
      .binint1(7)
      .binint2(513)
      .binint(-1)
      .binfloat(1.5)
      .none()
      .newtrue()
      .newfalse()
      .shortBinunicode('hi')
      .memoize()
      .binget(0)
      .binput(5)
      .binget(5)
      .binunicode('né')
      .longBinput(300)
      .longBinget(300)
      .tuple()
      .stop()
      .bytes();
    const s = parse(bytes);
    expect(s.error).toBeUndefined();
    const result = s.result as { k: 'tuple'; items: Parameters<typeof renderValue>[0][] };
    expect(result.items.map((v) => renderValue(v))).toEqual(['7', '513', '-1', '1.5', 'None', 'True', 'False', "'hi'", "'hi'", "'hi'", "'né'", "'né'"]);
  });
  it('reads runs across the reader window and resolves memoised names read long before', () => {
    // 'os' and 'system' memoised, then 6 MB of small ints in a list (more than the 4 MiB
    // window), then GET them back for STACK_GLOBAL from a file source.
    const smallInts = (b: PickleBuilder): PickleBuilder => {
      for (let v = 0; v < 256; v += 2) b.binint1(v);
      return b;
    };
    const bytes = pickle()
      .proto(4)
      .shortBinunicode('os')
      .memoize()
      .shortBinunicode('system')
      .memoize()
      .emptyList()
      .memoize()
      .mark()
      .raw(repeated(smallInts, (6 * 1024 * 1024) / 256))
      .appends()
      .pop()
      .binget(0)
      .binget(1)
      .stackGlobal()
      .shortBinunicode('id')
      .tuple1()
      .reduce()
      .stop()
      .bytes();
    const path = join(mkdtempSync(join(tmpdir(), 'mg-fast-')), 'p.pkl');
    writeFileSync(path, bytes);
    const source = new FileSource(path);
    try {
      // Three million items under one MARK hold a 4M-slot stack (about 70 MB): over the default budget.
      const s = parse(source, withLimits({ maxSymbolicBytes: 256 * 1024 * 1024 }));
      expect(s.error).toBeUndefined();
      expect(s.opcodes).toBe(8 + 3 * 1024 * 1024 + 9);
      expect(s.calls.map((c) => renderValue(c.object))).toEqual(["os.system('id')"]);
    } finally {
      source.close();
    }
  });
});
