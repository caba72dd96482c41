import { describe, expect, it } from 'vitest';
import { graphProto, nestedIfGraph, nodeProto, onnxModel } from '../../../src/formats/onnx/builder.js';
import { ProtoWriter, proto } from '../../../src/formats/protobuf/writer.js';
import { scanBytes } from './helpers.js';

/** A model with a bit of everything: subgraphs, a custom domain, external data, a function. */
const rich = onnxModel({
  opsets: [
    ['', 17],
    ['evil', 1],
  ],
  metadata: [['k', 'v']],
  graph: {
    name: 'main',
    initializers: [{ name: 'W', external: [['location', 'w.bin']] }],
    nodes: [
      { opType: 'If', name: 'if', attributes: [{ name: 'then_branch', g: { nodes: [{ opType: 'Hidden', domain: 'evil' }] } }] },
      { opType: 'Relu', inputs: ['x'], outputs: ['y'] },
    ],
  },
  functions: [{ name: 'F', domain: 'local', nodes: [{ opType: 'Add' }] }],
});

/** Offsets where a top-level field of `bytes` ends: a cut there leaves a shorter valid message. */
function fieldEnds(bytes: Buffer): Set<number> {
  const ends = new Set<number>();
  let pos = 0;
  while (pos < bytes.length) {
    const key = bytes.readUInt8(pos++);
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = bytes.readUInt8(pos++);
      value += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) break;
    }
    if ((key & 7) === 2) pos += value;
    ends.add(pos);
  }
  return ends;
}

function expectNotClean(bytes: Buffer, code?: string): void {
  const result = scanBytes(bytes);
  expect(result.format).toBe('onnx');
  expect(result.verdict).not.toBe('clean');
  const fatal = result.findings.filter((f) => f.fatal);
  expect(fatal.length).toBeGreaterThan(0);
  if (code) expect(fatal[0]?.code).toBe(code);
}

describe('malformed ONNX models', () => {
  it('gives an error verdict, never a crash or clean, for every cut inside a field', () => {
    const ends = fieldEnds(rich);
    for (let n = 0; n < rich.length; n++) {
      if (ends.has(n)) continue;
      const result = scanBytes(rich.subarray(0, n));
      expect(result.verdict, `cut at ${n}`).not.toBe('clean');
    }
  });

  it('still reports what was read before a break', () => {
    const bytes = Buffer.concat([
      onnxModel({ graph: { initializers: [{ name: 'W', external: [['location', '/etc/shadow']] }], nodes: [{ opType: 'Relu' }] } }),
      Buffer.from([0x3a, 0x10, 0x0a]),
    ]);
    const result = scanBytes(bytes);
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.code])).toEqual([
      ['onnx/external-data-path', 'high', undefined],
      ['onnx/model-info', 'info', undefined],
      ['container/malformed', 'low', 'TRUNCATED'],
    ]);
  });

  it.each([
    [
      'a graph length of 2^62',
      Buffer.concat([proto().uint(1, 8).finish(), Buffer.from([0x3a]), ProtoWriter.varint(2n ** 62n), Buffer.from([0x0a, 0x00])]),
      'TRUNCATED',
    ],
    [
      'a node length past its graph',
      proto()
        .uint(1, 8)
        .message(7, Buffer.from([0x0a, 0x7f, 0x22, 0x01, 0x41]))
        .finish(),
      'TRUNCATED',
    ],
    [
      'op_type written as a varint',
      proto()
        .uint(1, 8)
        .message(7, proto().message(1, proto().uint(4, 3)))
        .finish(),
      'MALFORMED',
    ],
    [
      'a group inside a node',
      proto()
        .uint(1, 8)
        .message(7, proto().message(1, Buffer.from([0x23, 0x24])))
        .finish(),
      'MALFORMED',
    ],
    ['wire type 7 at top level', Buffer.from([0x08, 0x08, 0x3f]), 'MALFORMED'],
    [
      'a tensor length of 2^62',
      proto()
        .uint(1, 8)
        .message(7, Buffer.concat([Buffer.from([0x2a]), ProtoWriter.varint(2n ** 62n)]))
        .finish(),
      'TRUNCATED',
    ],
    ['text named .onnx', Buffer.from('version https://git-lfs.github.com/spec/v1\n'), 'MALFORMED'],
    ['an empty file named .onnx', Buffer.alloc(0), 'MALFORMED'],
    [
      'a model without opset_import',
      proto()
        .uint(1, 8)
        .message(7, graphProto({ nodes: [{ opType: 'Relu' }] }))
        .finish(),
      'MALFORMED',
    ],
  ])('%s is an error with its code', (_name, bytes, code) => {
    expectNotClean(bytes, code);
  });

  it('stops deeply nested subgraphs with LIMIT_DEPTH, quickly', () => {
    const started = performance.now();
    expectNotClean(onnxModel({ graph: nestedIfGraph(200) }), 'LIMIT_DEPTH');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('still reports a custom operator seen before the depth limit', () => {
    const graph = nestedIfGraph(40);
    graph.nodes?.unshift({ opType: 'Payload', domain: 'evil.corp' });
    const result = scanBytes(onnxModel({ graph }));
    expect(result.findings.map((f) => f.ruleId)).toContain('onnx/custom-operator-domain');
    expect(result.verdict).toBe('suspicious');
  });

  it('reads half a million empty nodes without hanging', () => {
    const graph = Buffer.concat([Buffer.alloc(1_000_000, Buffer.from([0x0a, 0x00])), proto().string(2, 'g').finish()]);
    const bytes = proto().uint(1, 8).message(7, graph).message(8, proto().uint(2, 17)).finish();
    const started = performance.now();
    const result = scanBytes(bytes);
    expect(result.verdict).toBe('clean');
    expect(result.findings[0]?.message).toContain('500000 nodes');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('keeps a single node of a hostile nested attribute bounded by the message depth limit', () => {
    // Attributes nested in attributes through an unknown field are skipped, not descended.
    let attr = proto().string(1, 'a');
    for (let i = 0; i < 500; i++) attr = proto().string(1, 'a').message(99, attr);
    const node = nodeProto({ opType: 'Relu' }).message(5, attr);
    const bytes = proto().uint(1, 8).message(7, proto().message(1, node)).message(8, proto().uint(2, 17)).finish();
    expect(scanBytes(bytes).verdict).toBe('clean');
  });
});
