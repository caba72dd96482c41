import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { isModelgateError } from '../../src/core/errors.js';
import { loadGraph } from '../../src/app/screen/interpreter/graph.js';
import { compileProgram } from '../../src/app/screen/interpreter/program.js';
import { floatValue } from '../../src/app/screen/interpreter/tensor.js';
import { Random } from '../../src/app/screen/random.js';
import { buildModel, type Model } from './onnx-model.js';

const SET = 'eval/backdoor';
const N = 100;
const pixels = readFileSync(`${SET}/clean_samples.bin`).subarray(0, N * 784);
const images = Float32Array.from(pixels, (v) => v / 255);

async function reference(bytes: Buffer, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const [input] = session.inputNames;
  const [output] = session.outputNames;
  if (input === undefined || output === undefined) throw new Error('onnxruntime sees no input or output');
  const out = await session.run({ [input]: new ort.Tensor('float32', x, dims) });
  return out[output]?.data as Float32Array;
}

/** The largest difference of two arrays; a missing value makes it NaN, which fails any bound. */
const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? NaN))), 0);

describe('the screening interpreter', () => {
  it.each(['m1', 'm2', 'm3', 'm4'])('gives the logits onnxruntime gives for %s on 100 samples', async (name) => {
    const bytes = readFileSync(`${SET}/${name}.onnx`);
    const program = compileProgram(loadGraph(bytes));
    const ours = program.run(floatValue([N, 1, 28, 28], images)).logits;
    expect(ours.shape).toEqual([N, 10]);
    expect(maxDiff(ours.data, await reference(bytes, images, [N, 1, 28, 28]))).toBeLessThan(1e-4);
  });

  // Strided and padded conv, depthwise conv, BN, pools, broadcasting, concat, transpose and a
  // dynamic reshape: each op's forward against onnxruntime, and the input gradient against
  // central differences.
  const random = new Random(7);
  const w = (dims: number[], scale = 0.5) => ({ dims, data: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (random.next() - 0.5) * 2 * scale) });
  const model: Model = {
    inputs: [{ name: 'x', dims: ['N', 2, 9, 9] }],
    outputs: [{ name: 'y', dims: ['N', 3] }],
    weights: [
      { name: 'cw', ...w([4, 2, 3, 3]) },
      { name: 'cb', ...w([4]) },
      { name: 'dw', ...w([4, 1, 3, 3]) },
      { name: 'scale', ...w([4]) },
      { name: 'bias', ...w([4]) },
      { name: 'mean', ...w([4]) },
      { name: 'var', dims: [4], data: [0.5, 1, 1.5, 2] },
      { name: 'chan', ...w([1, 4, 1, 1]) },
      { name: 'fw', ...w([3, 124]) },
      { name: 'fb', ...w([3]) },
    ],
    ints: [{ name: 'flat', data: [-1, 60] }],
    nodes: [
      {
        op: 'Conv',
        inputs: ['x', 'cw', 'cb'],
        outputs: ['c1'],
        attrs: [
          { name: 'pads', ints: [1, 0, 1, 2] },
          { name: 'strides', ints: [2, 1] },
        ],
      },
      { op: 'Tanh', inputs: ['c1'], outputs: ['t1'] },
      {
        op: 'Conv',
        inputs: ['t1', 'dw'],
        outputs: ['c2'],
        attrs: [
          { name: 'group', i: 4 },
          { name: 'auto_pad', s: 'SAME_UPPER' },
        ],
      },
      { op: 'BatchNormalization', inputs: ['c2', 'scale', 'bias', 'mean', 'var'], outputs: ['b1'] },
      { op: 'Mul', inputs: ['b1', 'chan'], outputs: ['m1'] },
      { op: 'Sigmoid', inputs: ['m1'], outputs: ['s1'] },
      {
        op: 'MaxPool',
        inputs: ['s1'],
        outputs: ['p1'],
        attrs: [
          { name: 'kernel_shape', ints: [2, 2] },
          { name: 'strides', ints: [1, 2] },
        ],
      },
      {
        op: 'AveragePool',
        inputs: ['t1'],
        outputs: ['p2'],
        attrs: [
          { name: 'kernel_shape', ints: [3, 3] },
          { name: 'pads', ints: [1, 1, 1, 1] },
          { name: 'strides', ints: [2, 2] },
        ],
      },
      { op: 'Transpose', inputs: ['p1'], outputs: ['tr'], attrs: [{ name: 'perm', ints: [0, 1, 3, 2] }] },
      { op: 'Flatten', inputs: ['tr'], outputs: ['f1'] },
      { op: 'Reshape', inputs: ['p2', 'flat'], outputs: ['f2'] },
      { op: 'Concat', inputs: ['f1', 'f2'], outputs: ['cat'], attrs: [{ name: 'axis', i: 1 }] },
      {
        op: 'Gemm',
        inputs: ['cat', 'fw', 'fb'],
        outputs: ['g'],
        attrs: [
          { name: 'transB', i: 1 },
          { name: 'alpha', f: 0.5 },
        ],
      },
      { op: 'LeakyRelu', inputs: ['g'], outputs: ['y'] },
    ],
  };

  it('runs strided, padded, grouped and broadcast ops as onnxruntime does', async () => {
    const bytes = buildModel(model);
    const program = compileProgram(loadGraph(bytes));
    const x = Float32Array.from({ length: 3 * 2 * 81 }, () => random.next());
    const ours = program.run(floatValue([3, 2, 9, 9], x)).logits;
    expect(ours.shape).toEqual([3, 3]);
    expect(maxDiff(ours.data, await reference(bytes, x, [3, 2, 9, 9]))).toBeLessThan(1e-5);
  });

  it('computes input gradients that match central differences', () => {
    const program = compileProgram(loadGraph(buildModel(model)));
    const x = Float32Array.from({ length: 2 * 2 * 81 }, () => random.next());
    const weights = Float32Array.from({ length: 6 }, () => random.next() - 0.5);
    const loss = (input: Float32Array): number => program.run(floatValue([2, 2, 9, 9], input)).logits.data.reduce((s, v, i) => s + v * weights[i]!, 0);
    const grad = program.run(floatValue([2, 2, 9, 9], x)).backward(weights);
    const eps = 1e-2;
    for (const i of [0, 17, 40, 81, 100, 200, 250, 323]) {
      const up = x.slice();
      up[i]! += eps;
      const down = x.slice();
      down[i]! -= eps;
      expect(grad[i]).toBeCloseTo((loss(up) - loss(down)) / (2 * eps), 2);
    }
  });

  it('refuses an unsupported op, naming it, and a model that is not a classifier', () => {
    const base = { inputs: [{ name: 'x', dims: ['N', 1, 2, 2] }], outputs: [{ name: 'y', dims: ['N', 4] }] };
    const unsupported = buildModel({
      ...base,
      nodes: [
        { op: 'Flatten', inputs: ['x'], outputs: ['f'] },
        { op: 'Erf', inputs: ['f'], outputs: ['y'] },
      ],
    });
    expect(() => compileProgram(loadGraph(unsupported))).toThrow(/Erf/);
    try {
      compileProgram(loadGraph(unsupported));
    } catch (e) {
      expect(isModelgateError(e, 'UNSUPPORTED')).toBe(true);
    }
    const custom = buildModel({ ...base, nodes: [{ op: 'Flatten', inputs: ['x'], outputs: ['y'], domain: 'com.example' }] });
    expect(() => compileProgram(loadGraph(custom))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    const scalar = buildModel({
      ...base,
      outputs: [{ name: 'y', dims: ['N', 1] }],
      nodes: [
        { op: 'GlobalAveragePool', inputs: ['x'], outputs: ['g'] },
        { op: 'Flatten', inputs: ['g'], outputs: ['y'] },
      ],
    });
    expect(() => compileProgram(loadGraph(scalar))).toThrow(expect.objectContaining({ code: 'NOT_A_CLASSIFIER' }));
    // Declared [N, K] but really [N, 1] at run time: caught on the first run.
    const liar = buildModel({
      ...base,
      nodes: [
        { op: 'GlobalAveragePool', inputs: ['x'], outputs: ['g'] },
        { op: 'Flatten', inputs: ['g'], outputs: ['y'] },
      ],
    });
    const program = compileProgram(loadGraph(liar));
    expect(() => program.run(floatValue([1, 1, 2, 2]))).toThrow(expect.objectContaining({ code: 'NOT_A_CLASSIFIER' }));
  });

  // Arguments onnxruntime refuses are refused here too, never run into NaNs or wrong values.
  it.each<[string, Model['nodes'], Model['weights']]>([
    ['a perm that is not a permutation', [{ op: 'Transpose', inputs: ['x'], outputs: ['t'], attrs: [{ name: 'perm', ints: [0, 1, 1, 2] }] }], []],
    [
      'strides of a 1-D window',
      [{ op: 'Conv', inputs: ['x', 'k'], outputs: ['t'], attrs: [{ name: 'strides', ints: [2] }] }],
      [{ name: 'k', dims: [1, 1, 1, 1], data: [1] }],
    ],
    [
      'a Conv bias of the wrong length',
      [{ op: 'Conv', inputs: ['x', 'k', 'b'], outputs: ['t'] }],
      [
        { name: 'k', dims: [1, 1, 1, 1], data: [1] },
        { name: 'b', dims: [2], data: [0, 0] },
      ],
    ],
    [
      'BatchNormalization of the wrong width',
      [{ op: 'BatchNormalization', inputs: ['x', 's', 's', 's', 's'], outputs: ['t'] }],
      [{ name: 's', dims: [2], data: [1, 1] }],
    ],
    [
      'a Concat whose inputs differ outside the axis',
      [{ op: 'Concat', inputs: ['x', 'w'], outputs: ['t'], attrs: [{ name: 'axis', i: 0 }] }],
      [{ name: 'w', dims: [1, 2, 2, 2], data: [0, 0, 0, 0, 0, 0, 0, 0] }],
    ],
  ])('refuses %s with UNSUPPORTED', (_name, nodes, weights) => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: ['N', 1, 2, 2] }],
      outputs: [{ name: 'y', dims: ['N', 4] }],
      nodes: [...nodes, { op: 'Flatten', inputs: ['t'], outputs: ['y'] }],
      weights,
    });
    expect(() => compileProgram(loadGraph(bytes)).run(floatValue([1, 1, 2, 2]))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });
});
