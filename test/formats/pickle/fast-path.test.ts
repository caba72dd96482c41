import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../src/core/byte-reader.js';
import { BufferSource, type ByteSource } from '../../../src/core/byte-source.js';
import { FileSource } from '../../../src/sources/local/file-source.js';
import { DEFAULT_LIMITS, withLimits, type Limits } from '../../../src/core/limits.js';
import { parsePickleStream } from '../../../src/formats/pickle/parse.js';
import { renderValue } from '../../../src/formats/pickle/render.js';

/*
 * Runs of plain data opcodes take the fast path (fast-path.ts); everything it does not handle
 * falls back to the general loop. These cases sit on its edges: the window's end, the MARK
 * floor, an empty memo slot, and the limits.
 */
const parse = (bytes: Buffer | ByteSource, limits: Limits = DEFAULT_LIMITS) =>
  parsePickleStream(new ByteReader(Buffer.isBuffer(bytes) ? new BufferSource(bytes) : bytes), { limits });
const latin1 = (s: string) => Buffer.from(s, 'latin1');

describe('the fast path for data opcodes', () => {
  it('stops at the MARK floor, so MEMOIZE on an empty mark is an underflow', () => {
    expect(parse(latin1('\x80\x04K\x01(\x94.')).error?.code).toBe('STACK_UNDERFLOW');
    expect(parse(latin1('\x80\x04K\x01(q\x00.')).error?.code).toBe('STACK_UNDERFLOW');
  });
  it('leaves a GET of an empty memo slot to the general loop, which reports it', () => {
    const s = parse(latin1('\x80\x04K\x01\x94h\x07.'));
    expect(s.error?.code).toBe('BAD_MEMO');
    expect(s.error?.offset).toBe(5);
  });
  it('counts opcodes exactly, stopping at the limit inside a run', () => {
    const bytes = Buffer.concat([latin1('\x80\x04]('), Buffer.alloc(2000, 'N'), latin1('e.')]);
    expect(parse(bytes, withLimits({ maxOpcodes: 1000 })).error?.code).toBe('LIMIT_OPCODES');
    const whole = parse(bytes);
    expect(whole.error).toBeUndefined();
    expect(whole.opcodes).toBe(2005);
  });
  it('gives the same values as the general loop for every data opcode', () => {
    const bytes = latin1('\x80\x04(K\x07M\x01\x02J\xff\xff\xff\xffG?\xf8\x00\x00\x00\x00\x00\x00N\x88\x89\x8c\x02hi\x94h\x00q\x05h\x05t.');
    const s = parse(bytes);
    expect(s.error).toBeUndefined();
    const result = s.result as { k: 'tuple'; items: Parameters<typeof renderValue>[0][] };
    expect(result.items.map((v) => renderValue(v))).toEqual(['7', '513', '-1', '1.5', 'None', 'True', 'False', "'hi'", "'hi'", "'hi'"]);
  });
  it('reads runs across the reader window and resolves memoised names read long before', () => {
    // 'os' and 'system' memoised, then 6 MB of small ints in a list (more than the 4 MiB
    // window), then GET them back for STACK_GLOBAL from a file source.
    const items = Buffer.alloc(6 * 1024 * 1024);
    for (let i = 0; i < items.length; i += 2) {
      items[i] = 0x4b;
      items[i + 1] = i & 0xff;
    }
    const bytes = Buffer.concat([
      latin1('\x80\x04\x8c\x02os\x94\x8c\x06system\x94]\x94('),
      items,
      latin1('e0h\x00h\x01\x93\x8c\x02id\x85R.'),
    ]);
    const path = join(mkdtempSync(join(tmpdir(), 'mg-fast-')), 'p.pkl');
    writeFileSync(path, bytes);
    const source = new FileSource(path);
    try {
      const s = parse(source);
      expect(s.error).toBeUndefined();
      expect(s.opcodes).toBe(8 + 3 * 1024 * 1024 + 9);
      expect(s.calls.map((c) => renderValue(c.object))).toEqual(["os.system('id')"]);
    } finally {
      source.close();
    }
  });
});
