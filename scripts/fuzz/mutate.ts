import type { Rng } from './rng.js';

/**
 * Byte-level mutations in the manner of AFL's havoc stage and libFuzzer's mutators: flips,
 * interesting integers written over what may be a length or count field, inserts, deletes,
 * chunk duplication, splices with another input of the same format, and truncation. Each
 * returns a new buffer; the input is never changed.
 */

/** Values that sit on the edges parsers get wrong: 0, 1, sign bits, all-ones, off-by-one sizes. */
const INTERESTING: readonly bigint[] = [
  0n,
  1n,
  2n,
  7n,
  8n,
  16n,
  31n,
  32n,
  63n,
  64n,
  100n,
  127n,
  128n,
  255n,
  256n,
  511n,
  512n,
  1000n,
  1023n,
  1024n,
  4095n,
  4096n,
  0x7fffn,
  0x8000n,
  0xffffn,
  0x10000n,
  0x7fffffffn,
  0x80000000n,
  0xfffffffen,
  0xffffffffn,
  0x100000000n,
  0x1fffffffffffffn,
  0x20000000000000n,
  0x7fffffffffffffffn,
  0x8000000000000000n,
  0xffffffffffffffffn,
];

/** The mutation names, for the record of how a finding's input was made. */
export type MutationName = 'flip' | 'byte' | 'int' | 'delta' | 'insert' | 'delete' | 'duplicate' | 'copy' | 'splice' | 'truncate';

const MAX_INPUT = 1 << 20;

function writeInt(out: Buffer, at: number, value: bigint, width: 1 | 2 | 4 | 8, bigEndian: boolean): void {
  const v = BigInt.asUintN(width * 8, value);
  for (let i = 0; i < width; i++) {
    const byte = Number((v >> BigInt(8 * i)) & 0xffn);
    out[bigEndian ? at + width - 1 - i : at + i] = byte;
  }
}

function readInt(buf: Buffer, at: number, width: 1 | 2 | 4 | 8, bigEndian: boolean): bigint {
  let v = 0n;
  for (let i = 0; i < width; i++) v |= BigInt(buf[bigEndian ? at + width - 1 - i : at + i]!) << BigInt(8 * i);
  return v;
}

/** Applies one mutation chosen at random; `others` are inputs to splice with. */
export function mutateOnce(input: Buffer, rng: Rng, others: readonly Buffer[]): { bytes: Buffer; name: MutationName } {
  const n = input.length;
  const width = rng.pick([1, 2, 4, 8] as const);
  const name: MutationName = n === 0 ? rng.pick(['insert', 'splice'] as const) : rng.pick(MUTATIONS);
  switch (name) {
    case 'flip': {
      const out = Buffer.from(input);
      const at = rng.below(n);
      out[at] = out[at]! ^ (1 << rng.below(8));
      return { bytes: out, name };
    }
    case 'byte': {
      const out = Buffer.from(input);
      out[rng.below(n)] = rng.pick([0, 0xff, 0x7f, 0x80, rng.below(256)]);
      return { bytes: out, name };
    }
    case 'int':
    case 'delta': {
      if (n < width) return { bytes: Buffer.from(input), name };
      const out = Buffer.from(input);
      const at = rng.below(n - width + 1);
      const bigEndian = rng.chance(0.3);
      const value = name === 'int' ? rng.pick(INTERESTING) : readInt(out, at, width, bigEndian) + BigInt(rng.below(33) - 16);
      writeInt(out, at, rng.chance(0.2) && name === 'int' ? -value : value, width, bigEndian);
      return { bytes: out, name };
    }
    case 'insert': {
      const at = rng.below(n + 1);
      const chunk = rng.chance(0.5) ? rng.bytes(1 + rng.below(16)) : Buffer.alloc(1 + rng.below(64), rng.below(256));
      return { bytes: Buffer.concat([input.subarray(0, at), chunk, input.subarray(at)]), name };
    }
    case 'delete': {
      const at = rng.below(n);
      const len = 1 + rng.below(Math.min(n - at, rng.chance(0.8) ? 16 : 1024));
      return { bytes: Buffer.concat([input.subarray(0, at), input.subarray(at + len)]), name };
    }
    case 'duplicate': {
      const at = rng.below(n);
      const len = 1 + rng.below(Math.min(n - at, 512));
      const to = rng.below(n + 1);
      const chunk = input.subarray(at, at + len);
      const times = rng.chance(0.9) ? 1 : 2 + rng.below(32);
      return { bytes: Buffer.concat([input.subarray(0, to), ...Array<Buffer>(times).fill(chunk), input.subarray(to)]).subarray(0, MAX_INPUT), name };
    }
    case 'copy': {
      const out = Buffer.from(input);
      const from = rng.below(n);
      const to = rng.below(n);
      input.copy(out, to, from, from + rng.below(Math.min(n - from, 64)) + 1);
      return { bytes: out, name };
    }
    case 'splice': {
      const other = others.length > 0 ? rng.pick(others) : rng.bytes(16);
      const cut = rng.below(n + 1);
      const from = rng.below(other.length + 1);
      return { bytes: Buffer.concat([input.subarray(0, cut), other.subarray(from)]).subarray(0, MAX_INPUT), name };
    }
    case 'truncate':
      return { bytes: Buffer.from(input.subarray(0, rng.below(n))), name };
  }
}

const MUTATIONS: readonly MutationName[] = ['flip', 'flip', 'byte', 'int', 'int', 'delta', 'insert', 'delete', 'duplicate', 'copy', 'splice', 'truncate'];

/**
 * A havoc stack of one to `max` mutations. Returns the bytes and the mutations applied, in
 * order: a run of only `truncate` is a strict prefix of the parent, which the oracle uses.
 */
export function mutate(input: Buffer, rng: Rng, others: readonly Buffer[], max = 4): { bytes: Buffer; names: MutationName[] } {
  let bytes = input;
  const names: MutationName[] = [];
  const count = 1 + rng.below(max);
  for (let i = 0; i < count; i++) {
    const step = mutateOnce(bytes, rng, others);
    bytes = step.bytes;
    names.push(step.name);
  }
  return { bytes, names };
}
