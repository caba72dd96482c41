import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isModelgateError } from '../../../src/core/errors.js';
import { OS_SYSTEM_LAMBDA, marshalCode, type PyLayout } from '../../../src/formats/keras/builder.js';
import { lambdaBytes } from '../../../src/formats/keras/lambda-code.js';
import { readCodeObject } from '../../../src/formats/keras/marshal.js';
import { fixture } from './helpers.js';

const real = JSON.parse(readFileSync(fixture('lambdas.json'), 'utf8')) as { code: Record<string, string>; names: Record<string, string[]> };

describe('readCodeObject', () => {
  it.each(['3.11', '3.8', '3.7'] as PyLayout[])('reads names and strings of a %s-layout code object', (layout) => {
    const summary = readCodeObject(marshalCode(OS_SYSTEM_LAMBDA, layout));
    expect(summary.names).toEqual(['__import__', 'system']);
    expect(summary.strings).toEqual(['os', 'echo modelgate']);
    expect(summary.codeNames).toEqual(['<lambda>']);
    expect(summary.filename).toBe('<string>');
    expect(summary.layouts.length).toBeGreaterThan(0);
  });

  it('merges names of nested code objects and follows references', () => {
    const inner = { names: ['system'], consts: [null, 'x'], name: '<genexpr>' };
    const summary = readCodeObject(marshalCode({ names: ['system', 'os'], consts: [null, inner, inner] }));
    expect(summary.names.sort()).toEqual(['os', 'system']);
    // co_name follows co_consts, so inner code objects are named first.
    expect(summary.codeNames).toEqual(['<genexpr>', '<lambda>']);
  });

  it('collects strings inside constant tuples', () => {
    const summary = readCodeObject(marshalCode({ names: ['getattr'], consts: [null, 'a', ['os', ['system']]] }));
    expect(summary.strings).toEqual(['a', 'os', 'system']);
  });

  // Code objects compiled by the real CPython in make.py (its version is in the fixture).
  it.each(Object.keys(real.names))('reads the real CPython code object %s', (key) => {
    const summary = readCodeObject(lambdaBytes(real.code[key]!).bytes);
    expect([...summary.names].sort()).toEqual(real.names[key]);
  });

  it('reads every string type of marshal.c (u, t, a, A, z, Z)', () => {
    const str = (type: string, s: string, short: boolean) =>
      Buffer.concat([Buffer.from(type, 'latin1'), short ? Buffer.from([s.length]) : Buffer.from(new Int32Array([s.length]).buffer), Buffer.from(s, 'latin1')]);
    const base = marshalCode({ names: [], consts: [null] });
    // consts tuple of 3.11 layout: after 'c', 5 ints, the 's' code bytes (1 + 4 + 6).
    const constsAt = 1 + 20 + 11;
    const consts = Buffer.concat([
      Buffer.from([0x29, 6]),
      str('u', 'u1', false),
      str('t', 't1', false),
      str('a', 'a1', false),
      str('A', 'A1', false),
      str('z', 'z1', true),
      str('Z', 'Z1', true),
    ]);
    const blob = Buffer.concat([base.subarray(0, constsAt), consts, base.subarray(constsAt + 3)]);
    expect(readCodeObject(blob).strings).toEqual(['u1', 't1', 'a1', 'A1', 'z1', 'Z1']);
  });
});

describe('readCodeObject on malformed marshal data', () => {
  const good = marshalCode(OS_SYSTEM_LAMBDA);

  it('fails with a typed error at every truncation, never hangs or crashes', () => {
    for (let n = 0; n < good.length; n++) {
      let caught: unknown;
      try {
        readCodeObject(good.subarray(0, n));
      } catch (e) {
        caught = e;
      }
      expect(isModelgateError(caught), `cut at ${n}`).toBe(true);
    }
  });

  it('rejects a top-level object that is no code object', () => {
    expect(() => readCodeObject(Buffer.from('N'))).toThrow(/not a code object/);
  });

  it('rejects an unknown type code and an invalid reference', () => {
    const unknown = Buffer.from(good);
    unknown[1 + 20] = 0x01; // the co_code type byte
    expect(() => readCodeObject(unknown)).toThrow(/unknown type code|not a bytes/);
    const ref = Buffer.concat([good.subarray(0, 21), Buffer.from([0x72, 0x63, 0, 0, 0])]);
    expect(() => readCodeObject(ref)).toThrow(/invalid reference|not a bytes/);
  });

  it('stops at the depth limit', () => {
    const deep = Buffer.concat([good.subarray(0, 32), Buffer.alloc(500, 0x5b), Buffer.from([0, 0, 0, 0])]);
    // '[' with a 32-bit count: nest lists by hand, each holding one more list.
    const nested = Buffer.concat([good.subarray(0, 32), ...Array.from({ length: 300 }, () => Buffer.from([0x5b, 1, 0, 0, 0]))]);
    for (const blob of [deep, nested]) {
      try {
        readCodeObject(blob);
        expect.unreachable();
      } catch (e) {
        expect(isModelgateError(e)).toBe(true);
      }
    }
    expect(() => readCodeObject(nested)).toThrow(/deeper than/);
  });

  it('refuses absurd lengths without allocating them', () => {
    const huge = Buffer.concat([good.subarray(0, 21), Buffer.from([0x73, 0xff, 0xff, 0xff, 0x7f])]);
    expect(() => readCodeObject(huge)).toThrow(/runs past|needed/);
    const negative = Buffer.concat([good.subarray(0, 21), Buffer.from([0x73, 0xff, 0xff, 0xff, 0xff])]);
    expect(() => readCodeObject(negative)).toThrow(/negative/);
  });

  it('survives random byte flips with typed errors or a reading', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const blob = Buffer.from(good);
      for (let k = 0; k < 3; k++) blob[rand() % blob.length] = rand() & 0xff;
      try {
        readCodeObject(blob);
      } catch (e) {
        expect(isModelgateError(e)).toBe(true);
      }
    }
  });
});
