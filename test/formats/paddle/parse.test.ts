import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { paddleParams, paddleProgram } from '../../../src/formats/paddle/builder.js';
import { looksLikePaddleParams, parsePaddleParams } from '../../../src/formats/paddle/params.js';
import { looksLikePaddleProgram, parsePaddleProgram } from '../../../src/formats/paddle/program.js';
import { scanBytes } from '../../helpers/scan-bytes.js';

const src = (b: Buffer) => new BufferSource(b);

describe('parsePaddleProgram', () => {
  it('reads every op of every block with its string attributes', () => {
    const { model, error } = parsePaddleProgram(
      src(paddleProgram([{ type: 'feed' }, { type: 'conv2d' }], [{ type: 'load', attrs: { file_path: '/etc/passwd' } }])),
    );
    expect(error).toBeUndefined();
    expect(model).toMatchObject({ blocks: 2, vars: 2, version: 2006000 });
    expect(model.ops.map((o) => `${o.block}:${o.type}`)).toEqual(['0:feed', '0:conv2d', '1:load']);
    expect(model.ops[2]!.strings).toEqual([{ name: 'file_path', value: '/etc/passwd' }]);
  });

  it('recognises a program by its structure, without a name', () => {
    expect(looksLikePaddleProgram(src(paddleProgram([{ type: 'feed' }])), 'model')).toBe(true);
    expect(looksLikePaddleProgram(src(Buffer.from('hello world')), 'model')).toBe(false);
  });

  it('fails on a truncated program and on an op without a type', () => {
    const bytes = paddleProgram([{ type: 'feed' }, { type: 'relu' }]);
    expect(parsePaddleProgram(src(bytes.subarray(0, bytes.length - 5))).error?.code).toBe('TRUNCATED');
    const untyped = Buffer.from([0x0a, 0x06, 0x08, 0x00, 0x22, 0x02, 0x28, 0x01]);
    expect(parsePaddleProgram(src(untyped)).error?.code).toBe('MALFORMED');
  });
});

describe('parsePaddleParams', () => {
  it('reads tensor records to the end, passing over their data', () => {
    const bytes = paddleParams([
      { dataType: 5, dims: [4, 2] },
      { dataType: 3, dims: [3], lod: [[0, 1, 3]] },
    ]);
    expect(looksLikePaddleParams(bytes.subarray(0, 512))).toBe(true);
    const { model, error } = parsePaddleParams(src(bytes));
    expect(error).toBeUndefined();
    expect(model.tensors.map((t) => [t.dataType, t.dims, t.dataBytes, t.lodLevels])).toEqual([
      [5, [4, 2], 32, 0],
      [3, [3], 24, 1],
    ]);
  });

  it.each([
    ['a truncated tensor', (b: Buffer) => b.subarray(0, b.length - 1), 'TRUNCATED'],
    ['trailing bytes', (b: Buffer) => Buffer.concat([b, Buffer.from([1, 2, 3])]), 'TRUNCATED'],
    ['an unknown data type', (b: Buffer) => Buffer.from(b).fill(99, 21, 22), 'UNSUPPORTED'],
  ])('fails on %s', (_name, edit, code) => {
    expect(parsePaddleParams(src(edit(paddleParams([{ dataType: 5, dims: [4, 2] }])))).error?.code).toBe(code);
  });
});

describe('Paddle through the engine', () => {
  it('names an inference program and keeps it clean', async () => {
    const result = await scanBytes(paddleProgram([{ type: 'feed' }, { type: 'conv2d' }, { type: 'fetch' }]), { name: 'inference.pdmodel' });
    expect(result.format).toBe('paddle-program');
    expect(result.verdict).toBe('clean');
  });

  it('judges a py_func op malicious, found by structure under any name', async () => {
    const result = await scanBytes(paddleProgram([{ type: 'feed' }, { type: 'py_func' }]));
    expect(result.format).toBe('paddle-program');
    expect(result.verdict).toBe('malicious');
  });

  it('names parameters and keeps them clean', async () => {
    const result = await scanBytes(
      paddleParams([
        { dataType: 5, dims: [4, 2] },
        { dataType: 20, dims: [7] },
      ]),
    );
    expect(result.format).toBe('paddle-params');
    expect(result.verdict).toBe('clean');
  });

  it('takes a .pdiparams whose first tensor has a LoD by its name', async () => {
    const result = await scanBytes(paddleParams([{ dataType: 3, dims: [3], lod: [[0, 3]] }]), { name: 'model.pdiparams' });
    expect(result).toMatchObject({ format: 'paddle-params', verdict: 'clean' });
  });

  it('is an error, never clean, when parameters are cut', async () => {
    const bytes = paddleParams([
      { dataType: 5, dims: [4, 2] },
      { dataType: 5, dims: [9] },
    ]);
    const result = await scanBytes(bytes.subarray(0, bytes.length - 4), { name: 'inference.pdiparams' });
    expect(result.format).toBe('paddle-params');
    expect(result.verdict).toBe('error');
  });
});
