import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { onnxModel } from '../../../src/formats/onnx/builder.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { constString, fingerprint, graphDef, kerasMetadata, savedModel } from '../../../src/formats/savedmodel/builder.js';
import { looksLikeSavedModel, parseSavedModel } from '../../../src/formats/savedmodel/parse.js';
import { parseFingerprint, parseKerasMetadata } from '../../../src/formats/savedmodel/sidecar.js';

const parse = (bytes: Buffer) => parseSavedModel(new BufferSource(bytes));

describe('parseSavedModel', () => {
  it('reads meta graphs: tags, versions, stripped ops, saver, signatures, assets', () => {
    const { model, error } = parse(
      savedModel({
        metaGraphs: [
          {
            tags: ['serve', 'gpu'],
            tensorflowVersion: '2.15.0',
            strippedOps: ['Const', 'ReadFile'],
            saverFilename: 'saver_filename:0',
            signatures: ['serving_default'],
            assets: ['vocab.txt'],
          },
          { tags: ['train'] },
        ],
      }),
    );
    expect(error).toBeUndefined();
    expect(model.schemaVersion).toBe(1);
    expect(model.metaGraphs[0]).toMatchObject({
      tags: ['serve', 'gpu'],
      tensorflowVersion: '2.15.0',
      strippedOps: ['Const', 'ReadFile'],
      saverFilenameTensor: 'saver_filename:0',
      signatures: ['serving_default'],
      assets: ['vocab.txt'],
    });
    expect(model.graphs.map((g) => g.label)).toEqual(['meta graph 0 [serve,gpu]', 'meta graph 1 [train]']);
  });

  it('reads nodes with inputs and string attributes, and library functions', () => {
    const { model } = parse(
      savedModel({
        metaGraphs: [
          {
            graph: {
              nodes: [
                constString('path', '/etc/passwd'),
                { name: 'read', op: 'ReadFile', inputs: ['path:0', '^ctrl'], attrs: { tag: { s: 'x' }, names: { list: ['a', 'b'] }, f: { func: 'fn' } } },
              ],
              functions: [{ name: '__inference_fn_7', args: ['arg0'], nodes: [{ name: 'w', op: 'WriteFile', inputs: ['arg0', 'arg0'] }] }],
            },
          },
        ],
      }),
    );
    const main = model.graphs[0]!;
    const fn = model.graphs[1]!;
    expect(main.nodes[0]!.attrs.get('value')?.tensorStrings).toEqual(['/etc/passwd']);
    expect(main.nodes[1]).toMatchObject({ name: 'read', op: 'ReadFile', inputs: ['path:0', '^ctrl'] });
    expect(main.nodes[1]!.attrs.get('tag')?.s).toBe('x');
    expect(main.nodes[1]!.attrs.get('names')?.list).toEqual(['a', 'b']);
    expect(main.nodes[1]!.attrs.get('f')?.funcs).toEqual(['fn']);
    expect(fn).toMatchObject({ kind: 'function', label: 'function "__inference_fn_7"' });
    expect(fn.nodes.map((n) => n.op)).toEqual(['WriteFile']);
    expect(model.nodeCount).toBe(3);
  });

  it('walks GraphDefs serialized in string attributes, tensors and lists, nested again', () => {
    const innermost = graphDef({ nodes: [{ name: 'w', op: 'WriteFile' }] });
    const inner = graphDef({
      nodes: [{ name: 'holder', op: 'NoOp', attrs: { payload: { s: innermost } } }],
      functions: [{ name: 'lib_fn', nodes: [{ name: 'r', op: 'ReadFile' }] }],
    });
    const { model, error } = parse(
      savedModel({
        metaGraphs: [
          {
            graph: {
              nodes: [
                { name: 'a', op: 'NoOp', attrs: { blob: { s: inner } } },
                { name: 'b', op: 'Const', attrs: { value: { tensorStrings: ['plain', inner] } } },
                { name: 'c', op: 'NoOp', attrs: { many: { list: ['x', inner] } } },
              ],
            },
          },
        ],
      }),
    );
    expect(error).toBeUndefined();
    const nested = model.graphs.filter((g) => g.kind === 'nested');
    expect(nested).toHaveLength(6);
    expect(nested[0]!.label).toBe('GraphDef in meta graph 0 [serve] > node "a" attr blob');
    expect(nested[1]!.label).toBe('GraphDef in GraphDef in meta graph 0 [serve] > node "a" attr blob > node "holder" attr payload');
    expect(model.graphs.filter((g) => g.kind === 'function').map((g) => g.label)[0]).toBe(
      'function "lib_fn" in GraphDef in meta graph 0 [serve] > node "a" attr blob',
    );
  });

  it('does not take ordinary strings for graphs', () => {
    const { model } = parse(
      savedModel({
        metaGraphs: [
          {
            graph: {
              nodes: [
                {
                  name: 'c',
                  op: 'Const',
                  attrs: {
                    value: {
                      tensorStrings: ['1.0', '', 'hello world', Buffer.from([0x0a, 0x02, 0x08, 0x01]), Buffer.from([0x0a, 0x04, 0x12, 0x02, 0x21, 0x21])],
                    },
                  },
                },
              ],
            },
          },
        ],
      }),
    );
    expect(model.graphs.map((g) => g.kind)).toEqual(['meta-graph']);
    expect(model.nodeCount).toBe(1);
  });

  it('needs a meta graph', () => {
    expect(parse(Buffer.alloc(0)).error?.code).toBe('MALFORMED');
    expect(parse(Buffer.from([0x08, 0x01])).error?.code).toBe('MALFORMED');
  });
});

describe('sidecars', () => {
  it('reads keras_metadata.pb objects', () => {
    const keras = parseKerasMetadata(kerasMetadata([{ path: 'root.layer-0', identifier: '_tf_keras_layer', metadata: '{"class_name": "Dense"}' }]));
    expect(keras.objects).toMatchObject([{ path: 'root.layer-0', identifier: '_tf_keras_layer', metadata: '{"class_name": "Dense"}' }]);
  });

  it('reads fingerprint.pb hashes exactly', () => {
    expect(parseFingerprint(fingerprint([0xfedcba9876543210n, 1n, 2n, 3n, 4n]))).toEqual({
      savedModelChecksum: 'fedcba9876543210',
      graphDefProgramHash: '0000000000000001',
      signatureDefHash: '0000000000000002',
      savedObjectGraphHash: '0000000000000003',
      checkpointHash: '0000000000000004',
    });
  });
});

describe('looksLikeSavedModel', () => {
  const src = (b: Buffer) => new BufferSource(b);
  it('takes saved_model.pb by name, or SavedModel bytes under any name', () => {
    expect(looksLikeSavedModel(src(Buffer.from('x')), 'saved_model.pb')).toBe(true);
    expect(looksLikeSavedModel(src(savedModel()), 'model.bin')).toBe(true);
  });

  it.each([
    ['saved_model.pbtxt', Buffer.from('saved_model_schema_version: 1\nmeta_graphs {\n}\n'), 'saved_model.pbtxt'],
    ['text', Buffer.from('hello, world\n'), 'notes.txt'],
    ['zeros', Buffer.alloc(512), 'x.bin'],
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2246822519) >>> 24)), 'x.bin'],
    ['an ONNX model', onnxModel(), 'x.bin'],
    ['a pickle', pickle().proto(2).none().stop().bytes(), 'x.bin'],
    ['a bare GraphDef', graphDef({ nodes: [{ name: 'a', op: 'NoOp' }] }), 'frozen.pb'],
    ['fingerprint.pb', fingerprint([1n, 2n, 3n, 4n, 5n]), 'fingerprint.pb'],
    ['keras_metadata.pb', kerasMetadata([{ path: 'root', identifier: '_tf_keras_model', metadata: '{}' }]), 'keras_metadata.pb'],
  ])('does not take %s', (_name, bytes, name) => {
    expect(looksLikeSavedModel(src(bytes), name)).toBe(false);
  });
});
