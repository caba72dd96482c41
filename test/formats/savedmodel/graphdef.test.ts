import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { proto } from '../../../src/formats/protobuf/writer.js';
import { graphDef, nodeDef, savedModel } from '../../../src/formats/savedmodel/builder.js';
import { looksLikeGraphDef, parseGraphDef } from '../../../src/formats/savedmodel/graphdef.js';
import { scanBytes } from '../../helpers/scan-bytes.js';

/** Frozen graphs written by TensorFlow: test/fixtures/graphdef/generate.py. */
const fixture = (path: string): Buffer => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url));
const dense = (): Buffer => fixture('graphdef/frozen_dense.pb');
const looks = (bytes: Buffer): boolean => looksLikeGraphDef(new BufferSource(bytes));

describe('bare GraphDef recognition', () => {
  it('takes frozen graphs written by TensorFlow and built ones', () => {
    expect(looks(dense())).toBe(true);
    expect(looks(fixture('graphdef/frozen_writefile.pb'))).toBe(true);
    expect(looks(fixture('formats/frozen_graph.pb'))).toBe(true);
    expect(looks(graphDef({ nodes: [{ name: 'x', op: 'Placeholder' }] }))).toBe(true);
  });

  it('takes a GraphDef cut after its first node (the scan reports the cut)', () => {
    expect(looks(dense().subarray(0, dense().length - 10))).toBe(true);
  });

  it('does not take other protobufs or bytes', () => {
    // SentencePiece: pieces (1) whose score (2) is a float; a SavedModel begins with a varint.
    expect(looks(fixture('formats/tokenizer.model'))).toBe(false);
    expect(looks(fixture('savedmodel/tf2-clean/saved_model.pb'))).toBe(false);
    expect(looks(fixture('formats/onnx-external/model.onnx'))).toBe(false);
    // A first node without a name, with an op of no op-name form, or with a field NodeDef lacks.
    expect(looks(proto().message(1, proto().string(2, 'NoOp')).finish())).toBe(false);
    expect(looks(proto().message(1, proto().string(1, 'n').string(2, 'not an op')).finish())).toBe(false);
    expect(looks(proto().message(1, proto().string(1, 'n').string(2, 'NoOp').uint(3, 1)).finish())).toBe(false);
    // A MetaGraphDef (.meta) has saver_def (3) as a message where GraphDef has a varint.
    expect(looks(Buffer.concat([graphDef({ nodes: [{ name: 'x', op: 'NoOp' }] }), proto().message(3, proto().string(1, 'save/Const')).finish()]))).toBe(false);
    // A Paddle ProgramDesc: blocks (1) whose BlockDesc begins with idx (1), a varint.
    expect(
      looks(
        proto()
          .message(1, proto().uint(1, 0).uint(2, 0).message(4, proto().string(3, 'feed')))
          .finish(),
      ),
    ).toBe(false);
    // A Core ML or ONNX model begins with a varint (specificationVersion, ir_version).
    expect(looks(proto().uint(1, 4).message(2, proto().string(1, 'x')).finish())).toBe(false);
    expect(looks(Buffer.alloc(0))).toBe(false);
    expect(looks(Buffer.from('hello world\n'))).toBe(false);
    // Cut inside its first node.
    expect(looks(dense().subarray(0, 20))).toBe(false);
  });
});

describe('bare GraphDef parsing', () => {
  it('reads every node, the versions and the library', () => {
    const bytes = graphDef({
      nodes: [
        { name: 'x', op: 'Placeholder' },
        { name: 'c', op: 'f' },
      ],
      functions: [{ name: 'f', nodes: [{ name: 'r', op: 'Relu' }] }],
    });
    const { model, error } = parseGraphDef(new BufferSource(bytes));
    expect(error).toBeUndefined();
    expect(model.graphDef).toEqual({ producer: 1087 });
    expect(model.graphs.map((g) => [g.kind, g.label, g.nodes.map((n) => n.op)])).toEqual([
      ['graph-def', 'GraphDef', ['Placeholder', 'f']],
      ['function', 'function "f"', ['Relu']],
    ]);
  });

  it('reads the graph TensorFlow froze', () => {
    const { model, error } = parseGraphDef(new BufferSource(dense()));
    expect(error).toBeUndefined();
    expect(new Set(model.graphs[0]!.nodes.map((n) => n.op))).toEqual(new Set(['Placeholder', 'Const', 'Identity', 'MatMul', 'AddV2', 'NoOp']));
    expect(model.graphDef?.producer).toBeGreaterThan(1000);
  });

  it('fails on a field GraphDef or NodeDef does not have, keeping the nodes read before it', () => {
    const bad = Buffer.concat([
      graphDef({ nodes: [{ name: 'r', op: 'ReadFile', inputs: ['p'] }] }),
      proto()
        .message(1, nodeDef({ name: 'n', op: 'NoOp' }).uint(9, 1))
        .finish(),
    ]);
    const { model, error } = parseGraphDef(new BufferSource(bad));
    expect(error?.code).toBe('MALFORMED');
    expect(model.graphs[0]!.nodes[0]!.op).toBe('ReadFile');
  });
});

describe('bare GraphDef scans', () => {
  it('scans a frozen Dense model clean, as tf-graphdef, under any name', async () => {
    for (const name of ['frozen_inference_graph.pb', 'model.bin']) {
      const r = await scanBytes(dense(), { name });
      expect(r.format).toBe('tf-graphdef');
      expect(r.verdict).toBe('clean');
      expect(r.findings.map((f) => f.ruleId)).toEqual(['savedmodel/model-info']);
      expect(r.findings[0]!.message).toContain('bare GraphDef (frozen graph, no saver): producer');
    }
  });

  it('finds WriteFile and ReadFile in a graph written by TensorFlow', async () => {
    const r = await scanBytes(fixture('graphdef/frozen_writefile.pb'), { name: 'frozen_graph.pb' });
    expect(r.format).toBe('tf-graphdef');
    expect(r.verdict).toBe('malicious');
    expect(r.findings.filter((f) => f.ruleId === 'savedmodel/dangerous-op').map((f) => [f.severity, f.evidence])).toEqual([
      ['high', 'ReadFile("/etc/hostname")'],
      ['high', 'WriteFile("/tmp/modelgate-exfil")'],
    ]);
  });

  it('is never clean when cut anywhere past its first bytes (one or two bytes are text)', async () => {
    const bytes = dense();
    for (const cut of [20, 100, 300, 600, bytes.length - 20, bytes.length - 1]) {
      const r = await scanBytes(bytes.subarray(0, cut));
      expect(r.verdict, `cut at ${cut}`).toBe('error');
    }
  });

  it('reports a cut GraphDef as a fatal finding of tf-graphdef, after the findings of its nodes', async () => {
    const full = graphDef({
      nodes: [
        { name: 'r', op: 'PyFunc', inputs: ['x'] },
        { name: 'y', op: 'Identity', inputs: ['r'] },
      ],
    });
    const r = await scanBytes(full.subarray(0, full.length - 12));
    // The PyFunc found makes it malicious; the cut is fatal all the same.
    expect(r.verdict).toBe('malicious');
    expect(r.format).toBe('tf-graphdef');
    expect(r.findings.some((f) => f.evidence?.startsWith('PyFunc') && f.severity === 'high')).toBe(true);
    expect(r.findings.filter((f) => f.fatal).map((f) => f.code)).toEqual(['TRUNCATED']);
  });

  it('reports a malformed GraphDef as an error', async () => {
    const bad = Buffer.concat([
      dense(),
      proto()
        .message(1, nodeDef({ name: 'n', op: 'NoOp' }).uint(9, 1))
        .finish(),
    ]);
    const r = await scanBytes(bad, { name: 'frozen_graph.pb' });
    expect(r.verdict).toBe('error');
    expect(r.findings.some((f) => f.fatal)).toBe(true);
  });

  it('still reads a SavedModel as one', async () => {
    const r = await scanBytes(savedModel(), { name: 'model.bin' });
    expect(r.format).toBe('tf-savedmodel');
  });
});
