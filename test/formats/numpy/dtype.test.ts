import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isModelgateError } from '../../../src/core/errors.js';
import { describeDescr } from '../../../src/formats/numpy/dtype.js';
import { parsePyLiteral } from '../../../src/formats/numpy/literal.js';

/** numpy's own answers, written by test/fixtures/numpy/dtypes.py (numpy 2.x, x86-64). */
interface Case {
  descr: string;
  ok: boolean;
  itemsize?: number;
  hasobject?: boolean;
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/numpy/dtypes.json', import.meta.url), 'utf8')) as { cases: Case[] };

function describe_(literal: string) {
  try {
    return describeDescr(parsePyLiteral(literal));
  } catch (e) {
    if (isModelgateError(e, 'UNSUPPORTED') || isModelgateError(e, 'MALFORMED')) return 'refused' as const;
    throw e;
  }
}

describe('describeDescr agrees with numpy.lib.format.descr_to_dtype', () => {
  for (const c of fixture.cases.filter((x) => x.ok)) {
    it(`sizes ${c.descr} as numpy does`, () => {
      expect(describe_(c.descr)).toMatchObject({ itemSize: c.itemsize, hasObject: c.hasobject });
    });
  }
  for (const c of fixture.cases.filter((x) => !x.ok)) {
    it(`refuses ${c.descr}, which numpy refuses`, () => {
      expect(describe_(c.descr)).toBe('refused');
    });
  }
});

describe('describeDescr fails closed', () => {
  it.each([
    ["{'names': ['a'], 'formats': ['O']}", 'a dict that is not a list of fields'],
    ["('O', 'O')", 'an inherit tuple'],
    ['None', 'no descr'],
    ["'<U2x'", 'an unknown code'],
  ])('refuses %s (%s)', (literal) => {
    expect(describe_(literal)).toBe('refused');
  });

  it('sees an object field spelled through a dict of two-character keys', () => {
    // descr_to_dtype iterates a dict's keys and unpacks 'aO' into name 'a' and type 'O'.
    expect(describe_("{'aO': 1}")).toMatchObject({ hasObject: true });
  });

  it('marks C long and long double as sizes that depend on the platform', () => {
    expect(describe_("'l'")).toMatchObject({ itemSize: 8, sizeCertain: false });
    expect(describe_("'g'")).toMatchObject({ sizeCertain: false });
    expect(describe_("'<f8'")).toMatchObject({ sizeCertain: true });
  });
});
