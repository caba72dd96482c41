import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHAPES, pickleShape, type PickleShape } from '../../bench/pickle-shapes/shapes.js';
import { ByteReader } from '../../src/core/byte-reader.js';
import { BufferSource } from '../../src/core/byte-source.js';
import { disassemble } from '../../src/formats/pickle/disasm.js';

/**
 * The bench's pickle shapes are faithful: at the item count of the real sample that
 * test/fixtures/pickle-shapes/make.py wrote with the real library, the TypeScript generator
 * writes the same sequence of opcodes; where the shape is 'exact', the very same bytes.
 */

const fixtures = join(import.meta.dirname, '../fixtures/pickle-shapes');

/** Opcodes whose width follows a value (an int, a memo index, a length) are compared by kind. */
const KIND: Record<string, string> = {
  BININT1: 'int',
  BININT2: 'int',
  BININT: 'int',
  BINGET: 'get',
  LONG_BINGET: 'get',
  SHORT_BINBYTES: 'bytes',
  BINBYTES: 'bytes',
  BINBYTES8: 'bytes',
};

function opcodeNames(bytes: Buffer, compare: PickleShape['compare']): string[] {
  const { lines, error } = disassemble(new ByteReader(new BufferSource(bytes)), 1_000_000);
  expect(error).toBeUndefined();
  const names = lines.map((l) => l.name);
  return compare === 'exact' ? names : names.filter((n) => n !== 'FRAME').map((n) => KIND[n] ?? n);
}

describe('bench pickle shapes', () => {
  it.each(SHAPES.map((s) => [s.name, s] as const))('%s writes the opcodes of the real sample', (name, shape) => {
    const real = opcodeNames(readFileSync(join(fixtures, `${name}.pkl`)), shape.compare);
    const ours = opcodeNames(pickleShape(shape, shape.sampleItems), shape.compare);
    expect(ours.length).toBe(real.length);
    const first = ours.findIndex((op, i) => op !== real[i]);
    expect({ first, around: ours.slice(first - 3, first + 3) }).toEqual({ first: -1, around: [] });
  });

  it.each(SHAPES.filter((s) => s.compare === 'exact').map((s) => [s.name, s] as const))('%s is byte for byte the real sample', (name, shape) => {
    expect(pickleShape(shape, shape.sampleItems).equals(readFileSync(join(fixtures, `${name}.pkl`)))).toBe(true);
  });

  it('has the bench shapes of issue 16, each with a sample', () => {
    expect(SHAPES.map((s) => s.name)).toEqual(['ints', 'strings', 'dict', 'numpy', 'forest', 'pandas', 'torch', 'nesting', 'text', 'memo']);
  });
});
