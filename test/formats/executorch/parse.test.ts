import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { executorchProgram } from '../../../src/formats/executorch/builder.js';
import { isExecuTorch, parseExecuTorch } from '../../../src/formats/executorch/parse.js';
import { scanBytes } from '../../helpers/scan-bytes.js';

const src = (b: Buffer) => new BufferSource(b);
const program = () =>
  executorchProgram([
    {
      name: 'forward',
      ops: [
        ['aten::add', 'out'],
        ['aten::mm', 'out'],
      ],
      delegates: ['XnnpackBackend'],
    },
  ]);

describe('parseExecuTorch', () => {
  it('reads methods, operators and delegates', () => {
    const { model, error } = parseExecuTorch(src(program()));
    expect(error).toBeUndefined();
    expect(model).toMatchObject({ identifier: 'ET12', plans: ['forward'], delegates: ['XnnpackBackend'] });
    expect(model.operators.map((o) => `${o.name}.${o.overload}`)).toEqual(['aten::add.out', 'aten::mm.out']);
  });

  it('recognises the identifier', () => {
    expect(isExecuTorch(program())).toBe(true);
    expect(isExecuTorch(executorchProgram([], 'TFL3'))).toBe(false);
  });

  it('fails on a program without plans and on a bad root offset', () => {
    expect(parseExecuTorch(src(executorchProgram([]))).error?.code).toBe('MALFORMED');
    const bytes = Buffer.from(program());
    bytes.writeUInt32LE(bytes.length + 100, 0);
    expect(parseExecuTorch(src(bytes)).error?.code).toBe('MALFORMED');
  });
});

describe('ExecuTorch through the engine', () => {
  it('names a program and keeps portable kernels clean', async () => {
    expect(await scanBytes(program())).toMatchObject({ format: 'executorch', verdict: 'clean' });
  });

  it('is an error, never clean, when cut', async () => {
    expect(await scanBytes(program().subarray(0, 60), { name: 'model.pte' })).toMatchObject({ format: 'executorch', verdict: 'error' });
  });
});
