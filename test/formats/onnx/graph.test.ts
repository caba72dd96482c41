import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { attributeProto, graphProto, nodeProto, onnxModel, type AttributeDesc } from '../../../src/formats/onnx/builder.js';
import { MAX_ATTRIBUTE_VALUES } from '../../../src/formats/onnx/graph.js';
import type { OnnxGraph } from '../../../src/formats/onnx/model.js';
import { parseOnnx } from '../../../src/formats/onnx/parse.js';
import { proto } from '../../../src/formats/protobuf/writer.js';

const parse = (bytes: Buffer) => parseOnnx(new BufferSource(bytes));

/** The main graph of a model, which must parse without error. */
function mainGraph(bytes: Buffer): OnnxGraph {
  const { model, error } = parse(bytes);
  expect(error).toBeUndefined();
  if (!model.graph) throw new Error('no main graph');
  return model.graph;
}

/** The value of the one attribute of the one node of a model. */
function attributeOf(a: AttributeDesc) {
  return mainGraph(onnxModel({ graph: { nodes: [{ opType: 'X', attributes: [a] }] } })).nodes[0]?.attributes[0]?.value;
}

describe('the main graph in detail', () => {
  it('keeps nodes with inputs and outputs, initializers, inputs and outputs with their dims', () => {
    const bytes = onnxModel({
      graph: {
        name: 'main',
        inputs: [{ name: 'x', dims: ['N', 1, 28, 28] }, { name: 'W' }],
        outputs: [{ name: 'y', dims: ['N', 10] }],
        initializers: [{ name: 'W', dims: [10, 784], raw: Buffer.alloc(4 * 7840) }],
        nodes: [
          { opType: 'Flatten', name: 'f', inputs: ['x'], outputs: ['flat'] },
          { opType: 'Gemm', inputs: ['flat', 'W', ''], outputs: ['y'], attributes: [{ name: 'transB', i: 1 }] },
        ],
      },
    });
    const { model } = parse(bytes);
    const graph = model.graph;
    if (!graph) throw new Error('no main graph');
    expect(graph.name).toBe('main');
    expect(graph.inputs).toEqual([
      { name: 'x', elemType: 1, dims: [-1, 1, 28, 28] },
      { name: 'W', elemType: 1, dims: [] },
    ]);
    expect(graph.outputs).toEqual([{ name: 'y', elemType: 1, dims: [-1, 10] }]);
    expect(graph.nodes.map((n) => [n.opType, n.inputs, n.outputs])).toEqual([
      ['Flatten', ['x'], ['flat']],
      ['Gemm', ['flat', 'W', ''], ['y']],
    ]);
    // One node, seen by the rules and by the main graph.
    expect(graph.nodes[0]).toBe(model.nodes[0]);
    expect(graph.initializers).toMatchObject([{ name: 'W', external: false }]);
    expect(graph.sparseInitializers).toBe(0);
  });

  it('keeps no detail of subgraph, function or training graph nodes', () => {
    const { model } = parse(
      onnxModel({
        graph: { nodes: [{ opType: 'If', attributes: [{ name: 'then_branch', g: { nodes: [{ opType: 'Inner', inputs: ['a'] }] } }] }] },
        functions: [{ name: 'F', domain: 'local', nodes: [{ opType: 'InFunction', inputs: ['b'] }] }],
        trainingGraphs: [{ nodes: [{ opType: 'Trainer', inputs: ['c'] }] }],
      }),
    );
    expect(model.graph?.nodes.map((n) => n.opType)).toEqual(['If']);
    for (const opType of ['Inner', 'InFunction', 'Trainer']) expect(model.nodes.find((n) => n.opType === opType)).not.toHaveProperty('inputs');
  });

  it('merges a second ModelProto.graph field into the first, as protobuf does', () => {
    const bytes = proto()
      .uint(1, 8)
      .message(7, graphProto({ name: 'a', nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['h'] }] }))
      .message(7, graphProto({ name: 'b', nodes: [{ opType: 'Tanh', inputs: ['h'], outputs: ['y'] }] }))
      .message(8, proto().uint(2, 17))
      .finish();
    const graph = mainGraph(bytes);
    expect(graph.name).toBe('b');
    expect(graph.nodes.map((n) => n.opType)).toEqual(['Relu', 'Tanh']);
  });

  it('counts sparse initializers and locates tensors with external data', () => {
    const sparse = proto().message(1, proto().uint(2, 1).string(8, 'values')).message(2, proto().uint(2, 7).string(8, 'indices'));
    const graph = graphProto({ initializers: [{ name: 'E', external: [['location', 'e.bin']] }] }).message(15, sparse);
    const parsed = mainGraph(proto().uint(1, 8).message(7, graph).message(8, proto().uint(2, 17)).finish());
    expect(parsed.sparseInitializers).toBe(1);
    expect(parsed.initializers).toMatchObject([{ name: 'E', external: true }]);
  });
});

describe('attribute values of main-graph nodes', () => {
  it.each<[string, AttributeDesc, unknown]>([
    ['a float', { name: 'alpha', f: 0.5 }, { type: 'float', value: 0.5 }],
    ['an int', { name: 'axis', i: -1 }, { type: 'int', value: -1 }],
    ['a string', { name: 'auto_pad', s: 'SAME_UPPER' }, { type: 'string', value: 'SAME_UPPER' }],
    ['floats', { name: 'scales', floats: [1, 2.5] }, { type: 'floats', value: [1, 2.5] }],
    // Negative int64s take ten bytes each; they are read exactly, not rounded to 2^64.
    ['ints', { name: 'pads', ints: [-1, 0, 2 ** 40, -(2 ** 40)] }, { type: 'ints', value: [-1, 0, 2 ** 40, -(2 ** 40)] }],
    ['a graph', { name: 'body', g: { nodes: [] } }, { type: 'graph' }],
    ['nothing', { name: 'empty', type: 2 }, { type: 'other' }],
    // `type` says FLOAT but the value is an int: a runtime would read f, which is absent.
    ['an int declared FLOAT', { name: 'alpha', i: 3, type: 1 }, { type: 'other' }],
    ['ints declared STRINGS', { name: 'x', ints: [1], type: 8 }, { type: 'other' }],
    // Old exporters leave `type` at UNDEFINED (0): the value field decides.
    ['an int of type UNDEFINED', { name: 'axis', i: 2, type: 0 }, { type: 'int', value: 2 }],
  ])('reads %s', (_name, desc, expected) => {
    expect(attributeOf(desc)).toEqual(expected);
  });

  it('locates a tensor attribute', () => {
    expect(attributeOf({ name: 'value', t: { name: 'k', dims: [1], raw: Buffer.alloc(4) } })).toMatchObject({
      type: 'tensor',
      value: { name: 'k', external: false },
    });
  });

  it('reads unpacked floats and ints, one per key, as protobuf parsers must', () => {
    const attr = proto().string(1, 'pads').uint(8, 1).uint(8, -2).fixed32(7, 0x3f800000).uint(20, 7);
    const node = nodeProto({ opType: 'X' }).message(5, attr);
    const bytes = proto().uint(1, 8).message(7, proto().message(1, node)).message(8, proto().uint(2, 17)).finish();
    // The last value field (floats) decides the kind; `type` says INTS, so it is `other`.
    expect(mainGraph(bytes).nodes[0]?.attributes[0]?.value).toEqual({ type: 'other' });
    const ints = proto().string(1, 'pads').uint(8, 1).uint(8, -2).uint(20, 7);
    const intBytes = proto()
      .uint(1, 8)
      .message(7, proto().message(1, nodeProto({ opType: 'X' }).message(5, ints)))
      .message(8, proto().uint(2, 17))
      .finish();
    expect(mainGraph(intBytes).nodes[0]?.attributes[0]?.value).toEqual({ type: 'ints', value: [1, -2] });
  });

  it(`stops an attribute of more than ${MAX_ATTRIBUTE_VALUES} values with LIMIT_ENTRIES`, () => {
    const bytes = onnxModel({ graph: { nodes: [{ opType: 'X', attributes: [{ name: 'big', ints: new Array<number>(MAX_ATTRIBUTE_VALUES + 1).fill(1) }] }] } });
    expect(parse(bytes).error?.code).toBe('LIMIT_ENTRIES');
  });

  it('is MALFORMED when a value field of a main-graph node has the wrong wire type', () => {
    const attr = attributeProto({ name: 'alpha', type: 1 }).uint(2, 5);
    const bytes = proto()
      .uint(1, 8)
      .message(7, proto().message(1, nodeProto({ opType: 'X' }).message(5, attr)))
      .message(8, proto().uint(2, 17))
      .finish();
    expect(parse(bytes).error?.code).toBe('MALFORMED');
  });
});
