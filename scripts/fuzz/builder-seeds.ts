import { crc32, deflateSync, gzipSync } from 'node:zlib';
import { lzma, xz } from '@napi-rs/lzma';
import { coreMlNetwork, coreMlWeights } from '../../src/formats/coreml/builder.js';
import { executorchProgram } from '../../src/formats/executorch/builder.js';
import { buildGguf } from '../../src/formats/gguf/builder.js';
import { denseArray, ndarrayList, symbolJson } from '../../src/formats/mxnet/builder.js';
import { onnxModel } from '../../src/formats/onnx/builder.js';
import { openVinoIr, plainIr } from '../../src/formats/openvino/builder.js';
import { paddleParams, paddleProgram } from '../../src/formats/paddle/builder.js';
import { pickle } from '../../src/formats/pickle/builder.js';
import { buildSafetensors } from '../../src/formats/safetensors/builder.js';
import { graphDef, savedModel } from '../../src/formats/savedmodel/builder.js';
import { buildSevenZip } from '../../src/formats/sevenzip/builder.js';
import { buildTar } from '../../src/formats/tar/builder.js';
import { tfliteModel } from '../../src/formats/tflite/builder.js';
import { legacyCheckpoint } from '../../src/formats/torch/builder.js';
import { buildZip } from '../../src/formats/zip/builder.js';

/*
 * Small files of each format made with the formats' own builders: the seeds a fuzz target
 * starts from besides the committed corpus, and the inputs the property tests mutate. Benign
 * ones mostly, and one with a dangerous import where the format carries pickles, so mutants
 * explore the detectors too. Kept small (a few hundred bytes) so mutations hit structure.
 */

/** A state-dict-like pickle: {'w': 1, 'b': [1.5, 'x']}. */
const statePickle = (): Buffer =>
  pickle().proto(2).emptyDict().mark().str('w').binint(1).str('b').emptyList().mark().binfloat(1.5).str('x').appends().setitems().stop().bytes();

/** A pickle that imports os.system: a seed whose mutants keep meeting the pickle rules. */
const evilPickle = (): Buffer => pickle().proto(2).global('os', 'system').str('echo hi').tuple().reduce().stop().bytes();

/** A protocol-0 pickle: a text stream, read by the trial reading. */
const textPickle = (): Buffer => Buffer.from('(dp0\nVw\np1\nI1\nsVb\np2\n(lp3\nF1.5\naVx\np4\nas.', 'latin1');

const storages = [{ key: '0', elements: 4 }];

/** 7z of one stored file (the Copy coder). */
function sevenZipOf(name: string, data: Buffer): Buffer {
  return buildSevenZip({ folders: [{ coders: [{ methodId: '00' }], unpackSizes: [data.length], packed: data, crc: crc32(data) }], files: [{ name }] });
}

/** A one-array .npy (NEP 1 version 1.0): float32, shape (2,). */
function npy(): Buffer {
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  const pad = 64 - ((10 + header.length + 1) % 64);
  const text = `${header}${' '.repeat(pad % 64)}\n`;
  const len = Buffer.alloc(2);
  len.writeUInt16LE(text.length);
  return Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), len, Buffer.from(text, 'latin1'), Buffer.alloc(8)]);
}

/** joblib < 0.10's Z-file: `ZF`, the data length in hex padded to 19 characters, then a zlib stream. */
const zfile = (data: Buffer): Buffer => Buffer.concat([Buffer.from(`ZF${`0x${data.length.toString(16)}`.padEnd(19, ' ')}`, 'latin1'), deflateSync(data)]);

/** A legacy GGML head (`ggjt` version 3, little-endian) and a few hyperparameters: recognised, never read. */
function ggjt(): Buffer {
  const b = Buffer.alloc(40);
  b.writeUInt32LE(0x67676a74, 0);
  b.writeUInt32LE(3, 4);
  b.writeUInt32LE(32000, 8);
  return b;
}

/** Seeds by registry format id. Formats without a builder start from the committed corpus alone. */
export const BUILDER_SEEDS: Readonly<Record<string, () => Buffer[]>> = {
  zip: () => [
    buildZip([
      { name: 'archive/data.pkl', data: statePickle() },
      { name: 'archive/version', data: Buffer.from('3\n') },
    ]),
    buildZip([{ name: 'archive/data.pkl', data: evilPickle(), deflate: true }]),
  ],
  'zip-prefixed': () => [buildZip([{ name: 'data.pkl', data: statePickle() }], { prefix: Buffer.from('#!/bin/sh\nexit 0\n') })],
  '7z': () => [sevenZipOf('data.pkl', statePickle()), sevenZipOf('x.pkl', evilPickle())],
  gzip: () => [gzipSync(statePickle()), gzipSync(evilPickle())],
  zlib: () => [deflateSync(statePickle()), deflateSync(evilPickle())],
  npy: () => [npy()],
  xz: () => [Buffer.from(xz.compressSync(statePickle())), Buffer.from(xz.compressSync(evilPickle()))],
  lzma: () => [Buffer.from(lzma.compressSync(statePickle())), Buffer.from(lzma.compressSync(evilPickle()))],
  'joblib-zfile': () => [zfile(statePickle()), zfile(evilPickle())],
  'ggml-legacy': () => [ggjt()],
  tar: () => [
    buildTar([
      { name: 'sys_info', data: pickle().proto(2).emptyDict().stop().bytes() },
      { name: 'pickle', data: statePickle() },
    ]),
    buildTar([{ name: 'data.pkl', data: evilPickle() }]),
  ],
  pickle: () => [statePickle(), evilPickle(), legacyCheckpoint({ storages })],
  'pickle-protocol-0': () => [textPickle(), Buffer.from('cos\nsystem\n(Vecho hi\ntR.', 'latin1')],
  safetensors: () => [
    buildSafetensors({ tensors: [{ name: 'w', dtype: 'F32', shape: [2, 2] }], metadata: { format: 'pt' } }),
    buildSafetensors({
      tensors: [
        { name: 'a', dtype: 'I8', shape: [3] },
        { name: 'b', dtype: 'BF16', shape: [1] },
      ],
    }),
  ],
  gguf: () => [
    buildGguf({
      kvs: [
        { key: 'general.name', value: { type: 'string', value: 'x' } },
        { key: 'general.alignment', value: { type: 'uint32', value: 32 } },
        { key: 'tokenizer.chat_template', value: { type: 'string', value: "{{ messages[0]['content'] }}" } },
      ],
      tensors: [{ name: 't', dims: [4] }],
    }),
    buildGguf({ version: 2, kvs: [{ key: 'a', value: { type: 'array', elementType: 'uint8', items: [{ type: 'uint8', value: 1 }] } }], tensors: [] }),
  ],
  tflite: () => [tfliteModel({ codes: [{ builtin: 3 }, { custom: 'FlexDelegate' }], ops: [{ code: 0 }, { code: 1, options: Buffer.from('abc') }] })],
  executorch: () => [
    executorchProgram([
      {
        name: 'forward',
        ops: [
          ['aten::add', 'Tensor'],
          ['aten::mul', 'out'],
        ],
        delegates: ['XnnpackBackend'],
      },
    ]),
  ],
  'mxnet-params': () => [ndarrayList([denseArray([2, 2]), denseArray([3])], ['arg:w', 'aux:b'])],
  'mxnet-symbol': () => [
    symbolJson([
      { op: 'null', name: 'data' },
      { op: 'FullyConnected', name: 'fc', attrs: { num_hidden: '2' } },
    ]),
  ],
  'openvino-ir': () => [plainIr(), openVinoIr({ layers: [{ type: 'Parameter' }, { type: 'Const', data: { offset: '0', size: '4' } }, { type: 'Result' }] })],
  'paddle-params': () => [paddleParams([{ dataType: 5, dims: [2, 2] }])],
  'paddle-program': () => [paddleProgram([{ type: 'feed' }, { type: 'mul' }, { type: 'fetch' }])],
  'coreml-weights': () => [coreMlWeights([16, 8])],
  coreml: () => [coreMlNetwork([{ name: 'dense' }, { name: 'loop', loopBody: [{ name: 'inner' }] }])],
  onnx: () => [
    onnxModel({
      irVersion: 8,
      opsets: [['', 17]],
      graph: { name: 'g', nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }], inputs: [{ name: 'x' }], outputs: [{ name: 'y' }] },
    }),
  ],
  savedmodel: () => [
    savedModel({
      metaGraphs: [
        {
          tags: ['serve'],
          graph: {
            nodes: [
              { name: 'x', op: 'Placeholder' },
              { name: 'y', op: 'Identity', inputs: ['x'] },
            ],
          },
        },
      ],
    }),
  ],
  'tf-graphdef': () => [
    graphDef({
      nodes: [
        { name: 'x', op: 'Placeholder' },
        { name: 'y', op: 'Relu', inputs: ['x'] },
      ],
    }),
  ],
};
