import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { denseArray, ndarrayList, rowSparseArray, symbolJson } from '../../../src/formats/mxnet/builder.js';
import { parseMxnetParams } from '../../../src/formats/mxnet/params.js';
import { parseMxnetSymbol } from '../../../src/formats/mxnet/symbol.js';
import { scanBytes } from '../../helpers/scan-bytes.js';

const src = (b: Buffer) => new BufferSource(b);

describe('parseMxnetParams', () => {
  it('reads dense and sparse array headers and the names', () => {
    const { model, error } = parseMxnetParams(src(ndarrayList([denseArray([2, 3]), rowSparseArray(10, 4, 2)], ['arg:w', 'arg:e'])));
    expect(error).toBeUndefined();
    expect(model.arrays.map((a) => [a.stype, a.shape, a.typeFlag])).toEqual([
      [0, [2, 3], 0],
      [1, [10, 4], 0],
    ]);
    expect(model.names).toEqual(['arg:w', 'arg:e']);
  });

  it.each([
    ['a cut array', (b: Buffer) => b.subarray(0, b.length - 20), 'TRUNCATED'],
    ['bytes after the names', (b: Buffer) => Buffer.concat([b, Buffer.from('x')]), 'MALFORMED'],
    ['an unknown type flag', (b: Buffer) => Buffer.from(b).fill(0x40, 52, 53), 'UNSUPPORTED'],
  ])('fails on %s', (_name, edit, code) => {
    const bytes = ndarrayList([denseArray([2])], ['w']);
    expect(parseMxnetParams(src(edit(bytes))).error?.code).toBe(code);
  });

  it('fails when the names do not match the arrays', () => {
    expect(parseMxnetParams(src(ndarrayList([denseArray([2])], ['a', 'b']))).error?.code).toBe('MALFORMED');
  });
});

describe('parseMxnetSymbol', () => {
  it('reads the nodes and their attributes', () => {
    const parsed = parseMxnetSymbol(src(symbolJson([{ op: 'Custom', attrs: { op_type: 'mine' } }])));
    expect(parsed?.model).toMatchObject({ heads: 1, version: 10901, nodes: [{ op: 'null' }, { op: 'Custom', attrs: { op_type: 'mine' } }] });
  });

  it('leaves other JSON alone', () => {
    expect(parseMxnetSymbol(src(Buffer.from('{"nodes": [1, 2], "heads": []}')))).toBeUndefined();
    expect(parseMxnetSymbol(src(Buffer.from('{"nodes": [')))).toBeUndefined();
  });
});

describe('MXNet through the engine', () => {
  it('names parameters and keeps them clean', async () => {
    const result = await scanBytes(ndarrayList([denseArray([4, 4])], ['arg:fc_weight']));
    expect(result).toMatchObject({ format: 'mxnet-params', verdict: 'clean' });
  });

  it('is an error, never clean, when parameters are cut', async () => {
    const bytes = ndarrayList([denseArray([4, 4])], ['arg:fc_weight']);
    const result = await scanBytes(bytes.subarray(0, 60), { name: 'model-0000.params' });
    expect(result).toMatchObject({ format: 'mxnet-params', verdict: 'error' });
  });

  it('names a symbol and grades a Custom op', async () => {
    expect(await scanBytes(symbolJson([{ op: 'Convolution' }]), { name: 'model-symbol.json' })).toMatchObject({ format: 'mxnet-symbol', verdict: 'clean' });
    expect(await scanBytes(symbolJson([{ op: 'Custom', attrs: { op_type: 'x' } }]))).toMatchObject({ format: 'mxnet-symbol', verdict: 'suspicious' });
  });
});
