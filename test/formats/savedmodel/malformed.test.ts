import { describe, expect, it } from 'vitest';
import { ProtoWriter, proto } from '../../../src/formats/protobuf/writer.js';
import { constString, graphDef, kerasMetadata, nodeDef, savedModel, type GraphDesc } from '../../../src/formats/savedmodel/builder.js';
import { scanBytes } from './helpers.js';

/** A SavedModel with a bit of everything: functions, a nested graph, attributes. */
const rich = savedModel({
  metaGraphs: [
    {
      strippedOps: ['Const', 'NoOp'],
      signatures: ['serving_default'],
      graph: {
        nodes: [constString('c', 'model'), { name: 'n', op: 'NoOp', attrs: { g: { s: graphDef({ nodes: [{ name: 'x', op: 'NoOp' }] }) } } }],
        functions: [{ name: 'f', nodes: [{ name: 'y', op: 'Identity', inputs: ['c'] }] }],
      },
    },
  ],
});

/** A GraphDef nested `depth` times through `s` attributes. */
function nestedGraphs(depth: number, innermost: GraphDesc): GraphDesc {
  let graph = innermost;
  for (let i = 0; i < depth; i++) graph = { nodes: [{ name: `level${i}`, op: 'NoOp', attrs: { inner: { s: graphDef(graph) } } }] };
  return graph;
}

const metaWith = (graphBytes: Buffer): Buffer => proto().uint(1, 1).message(2, proto().message(2, graphBytes)).finish();

describe('malformed SavedModels', () => {
  it('never crashes or comes out clean when cut anywhere', () => {
    // A SavedModel is one schema version and one meta graph: every shorter prefix is broken.
    for (let n = 0; n < rich.length; n++) {
      const result = scanBytes(rich.subarray(0, n));
      expect(result.format).toBe('tf-savedmodel');
      expect(result.verdict, `cut at ${n}`).not.toBe('clean');
    }
  });

  it('still reports what was read before a break', () => {
    const graph = Buffer.concat([
      graphDef({ nodes: [constString('p', '/etc/passwd'), { name: 'r', op: 'ReadFile', inputs: ['p'] }] }),
      Buffer.from([0x0a, 0x30, 0x0a]),
    ]);
    const result = scanBytes(metaWith(graph));
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.code])).toEqual([
      ['savedmodel/dangerous-op', 'high', undefined],
      ['savedmodel/model-info', 'info', undefined],
      ['container/malformed', 'low', 'TRUNCATED'],
    ]);
  });

  it.each([
    ['a meta graph length of 2^62', Buffer.concat([Buffer.from([0x08, 0x01, 0x12]), ProtoWriter.varint(2n ** 62n)]), 'TRUNCATED'],
    ['a node length past its graph', metaWith(Buffer.from([0x0a, 0x7f, 0x12, 0x01, 0x41])), 'TRUNCATED'],
    ['an op name written as a varint', metaWith(proto().message(1, proto().uint(2, 5)).finish()), 'MALFORMED'],
    [
      'a group in a node',
      metaWith(
        proto()
          .message(1, Buffer.from([0x0b, 0x0c]))
          .finish(),
      ),
      'MALFORMED',
    ],
    ['wire type 6', Buffer.from([0x08, 0x01, 0x16]), 'MALFORMED'],
    [
      'an attribute length of 2^62',
      metaWith(
        proto()
          .message(1, Buffer.concat([Buffer.from([0x2a]), ProtoWriter.varint(2n ** 62n)]))
          .finish(),
      ),
      'TRUNCATED',
    ],
    ['text named saved_model.pb', Buffer.from('saved_model_schema_version: 1\n'), 'MALFORMED'],
    ['an empty saved_model.pb', Buffer.alloc(0), 'MALFORMED'],
  ])('%s is an error with its code', (_name, bytes, code) => {
    const result = scanBytes(bytes);
    expect(result.verdict).not.toBe('clean');
    expect(result.findings.find((f) => f.fatal)?.code).toBe(code);
  });

  it('stops GraphDefs nested too deep with LIMIT_DEPTH, reporting the ops seen on the way', () => {
    const graph = nestedGraphs(12, { nodes: [{ name: 'w', op: 'WriteFile' }] });
    graph.nodes?.unshift({ name: 'r', op: 'ReadFile' });
    const result = scanBytes(savedModel({ metaGraphs: [{ graph }] }));
    expect(result.findings.find((f) => f.fatal)?.code).toBe('LIMIT_DEPTH');
    expect(result.findings[0]!.evidence).toBe('ReadFile()');
    expect(result.verdict).toBe('suspicious');
  });

  it('finds an op nested within the limit', () => {
    const result = scanBytes(savedModel({ metaGraphs: [{ graph: nestedGraphs(8, { nodes: [{ name: 'w', op: 'WriteFile' }] }) }] }));
    expect(result.verdict).toBe('malicious');
    expect(result.findings.some((f) => f.fatal)).toBe(false);
  });

  it('reads a quarter million empty nodes without hanging', () => {
    const started = performance.now();
    const result = scanBytes(metaWith(Buffer.alloc(500_000, Buffer.from([0x0a, 0x00]))));
    expect(result.verdict).toBe('clean');
    expect(result.findings[0]!.message).toContain('250000 nodes');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('makes a broken keras_metadata.pb beside the model an error', () => {
    const result = scanBytes(savedModel(), { 'keras_metadata.pb': Buffer.from([0x0a, 0x50, 0x00]) });
    expect(result.verdict).toBe('error');
    expect(result.findings.at(-1)).toMatchObject({ fatal: true, code: 'TRUNCATED' });
    expect(result.findings.at(-1)?.message).toContain('keras_metadata.pb');
  });

  it('makes a broken fingerprint.pb beside the model an error', () => {
    const result = scanBytes(savedModel(), { 'fingerprint.pb': Buffer.from([0x08, 0xff]) });
    expect(result.verdict).toBe('error');
    expect(result.findings.at(-1)?.message).toContain('fingerprint.pb');
  });

  it('still reads a valid sidecar when the model is broken', () => {
    const keras = kerasMetadata([
      { path: 'root.l', identifier: '_tf_keras_layer', metadata: '{"class_name": "Lambda", "config": {"name": "l", "function": "x"}}' },
    ]);
    const result = scanBytes(Buffer.from([0x08, 0x01, 0x12, 0x05]), { 'keras_metadata.pb': keras });
    expect(result.findings.map((f) => f.ruleId)).toContain('savedmodel/keras-lambda-layer');
    expect(result.verdict).toBe('malicious');
  });

  it('keeps a node whose attribute map entry holds unknown deep nesting bounded', () => {
    let deep = proto().uint(1, 1);
    for (let i = 0; i < 500; i++) deep = proto().message(77, deep);
    const node = nodeDef({ name: 'n', op: 'NoOp' }).message(5, proto().string(1, 'k').message(2, proto().message(99, deep)));
    const result = scanBytes(metaWith(proto().message(1, node).finish()));
    expect(result.verdict).toBe('clean');
  });
});
