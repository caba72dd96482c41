import { describe, expect, it } from 'vitest';
import { parsePythonJson } from '../../../src/formats/json/python-json.js';

describe('parsePythonJson', () => {
  it('reads standard JSON as JSON.parse does', () => {
    expect(parsePythonJson('{"a": [1, 2.5, "x"], "b": null}')).toEqual({ a: [1, 2.5, 'x'], b: null });
  });
  it("reads Python's NaN, Infinity and -Infinity constants (json.loads accepts them) as null", () => {
    expect(parsePythonJson('{"a": NaN, "b": [Infinity, -Infinity], "c": 1}')).toEqual({ a: null, b: [null, null], c: 1 });
  });
  it('leaves the words alone inside strings, escaped quotes included', () => {
    expect(parsePythonJson('{"t": "NaN \\" Infinity", "n": NaN}')).toEqual({ t: 'NaN " Infinity', n: null });
  });
  it('refuses what Python refuses too', () => {
    expect(parsePythonJson('{"a": nan}')).toBeUndefined();
    expect(parsePythonJson("{'a': 1}")).toBeUndefined();
    expect(parsePythonJson('{{ x }}')).toBeUndefined();
  });
});
