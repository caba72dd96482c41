import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { nestedIfGraph, onnxModel } from '../../../src/formats/onnx/builder.js';
import { looksLikeOnnx, parseOnnx } from '../../../src/formats/onnx/parse.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { savedModel } from '../../../src/formats/savedmodel/builder.js';

const parse = (bytes: Buffer) => parseOnnx(new BufferSource(bytes));

describe('parseOnnx', () => {
  it('reads the header, opsets and metadata', () => {
    const { model, error } = parse(
      onnxModel({
        irVersion: 9,
        producerName: 'pytorch',
        producerVersion: '2.3.0',
        opsets: [
          ['', 17],
          ['com.microsoft', 1],
        ],
        metadata: [['author', 'me']],
      }),
    );
    expect(error).toBeUndefined();
    expect(model).toMatchObject({
      irVersion: 9,
      producerName: 'pytorch',
      producerVersion: '2.3.0',
      opsetImports: [
        { domain: '', version: 17 },
        { domain: 'com.microsoft', version: 1 },
      ],
      metadata: [{ key: 'author', value: 'me' }],
      graphCount: 1,
    });
    expect(model.nodes.map((n) => n.opType)).toEqual(['Relu']);
  });

  it('reads GRAPH and GRAPHS attributes, whatever the node, and labels where each node is', () => {
    const bytes = onnxModel({
      graph: {
        name: 'main',
        nodes: [
          { opType: 'If', name: 'cond', attributes: [{ name: 'then_branch', g: { name: 'then', nodes: [{ opType: 'A', domain: 'x.y' }] } }] },
          { opType: 'Custom', domain: 'z', attributes: [{ name: 'bodies', graphs: [{ nodes: [{ opType: 'B' }] }, { nodes: [{ opType: 'C' }] }] }] },
          // A graph in a field whose `type` says INT is still read.
          { opType: 'Scan', attributes: [{ name: 'body', type: 2, g: { nodes: [{ opType: 'D' }] } }] },
        ],
      },
    });
    const { model, error } = parse(bytes);
    expect(error).toBeUndefined();
    expect(model.nodes.map((n) => n.opType).sort()).toEqual(['A', 'B', 'C', 'Custom', 'D', 'If', 'Scan']);
    expect(model.graphCount).toBe(5);
    expect(model.nodes.find((n) => n.opType === 'A')?.graph).toBe('graph "main" > node "cond" attribute then_branch "then"');
    expect(model.nodes.find((n) => n.opType === 'C')?.graph).toContain('attribute bodies[1]');
  });

  it('reads model-local functions and training graphs', () => {
    const { model } = parse(
      onnxModel({
        functions: [{ name: 'F', domain: 'local', nodes: [{ opType: 'Secret', domain: 'evil' }] }],
        trainingGraphs: [{ nodes: [{ opType: 'Trainer', domain: 'ai.onnx.preview.training' }] }],
      }),
    );
    expect(model.functions).toMatchObject([{ name: 'F', domain: 'local' }]);
    expect(model.nodes.find((n) => n.opType === 'Secret')?.graph).toBe('function "local.F"');
    expect(model.nodes.find((n) => n.opType === 'Trainer')?.graph).toContain('training_info algorithm');
  });

  it('records external data of initializers and attribute tensors', () => {
    const { model } = parse(
      onnxModel({
        graph: {
          name: 'g',
          initializers: [
            {
              name: 'W',
              external: [
                ['location', 'w.bin'],
                ['offset', '0'],
                ['length', '4'],
              ],
            },
          ],
          nodes: [{ opType: 'Constant', name: 'c', attributes: [{ name: 'value', t: { name: 'k', external: [['location', '/etc/passwd']] } }] }],
        },
      }),
    );
    expect(model.externalData.map((e) => [e.tensor, e.location, e.dataLocation, e.where])).toEqual([
      ['k', '/etc/passwd', 1, 'graph "g" > node "c" attribute'],
      ['W', 'w.bin', 1, 'initializer of graph "g"'],
    ]);
  });

  it('needs ir_version and graph', () => {
    expect(parse(Buffer.alloc(0)).error?.code).toBe('MALFORMED');
    expect(parse(onnxModel().subarray(0, 2)).error?.code).toBe('MALFORMED');
  });

  it(`stops at more than 32 nested subgraphs with LIMIT_DEPTH, keeping what was read`, () => {
    const { model, error } = parse(onnxModel({ graph: nestedIfGraph(40) }));
    expect(error?.code).toBe('LIMIT_DEPTH');
    expect(model.nodes.length).toBeGreaterThan(30);
  });
});

describe('looksLikeOnnx', () => {
  const src = (b: Buffer) => new BufferSource(b);
  it('takes a .onnx name, or ModelProto bytes under any name', () => {
    expect(looksLikeOnnx(src(Buffer.from('anything')), 'Model.ONNX')).toBe(true);
    expect(looksLikeOnnx(src(onnxModel()), 'weights.bin')).toBe(true);
    const big = onnxModel({ graph: { initializers: [{ name: 'W', raw: Buffer.alloc(1 << 20) }], nodes: [{ opType: 'Relu' }] } });
    expect(looksLikeOnnx(src(big), 'model')).toBe(true);
  });

  it.each([
    ['text', Buffer.from('# README\n\nThis is a model card.\n')],
    ['JSON', Buffer.from('{"architectures": ["Bert"]}')],
    ['zeros', Buffer.alloc(1024)],
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24))],
    ['a pickle', pickle().proto(2).none().stop().bytes()],
    ['a SavedModel', savedModel()],
    ['ir_version alone', Buffer.from([0x08, 0x08])],
    ['a graph holding text', Buffer.concat([Buffer.from([0x08, 0x08, 0x3a, 0x05]), Buffer.from('hello')])],
  ])('does not take %s', (_name, bytes) => {
    expect(looksLikeOnnx(src(bytes), 'file.bin')).toBe(false);
  });
});
