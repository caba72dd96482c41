import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { maskedCrc32c, crc32c } from '../../src/formats/inert/crc32c.js';
import { proto } from '../../src/formats/protobuf/writer.js';
import { buildTar } from '../../src/formats/tar/builder.js';
import { buildZip } from '../../src/formats/zip/builder.js';
import { plainPickle } from '../helpers/pickles.js';
import { scanBytes } from '../helpers/scan-bytes.js';

/*
 * docs/formats.md, row by row: one small file per format, scanned whole, and the outcome the map
 * promises. Real files come from test/fixtures/formats/generate.py (and the fixtures of other
 * formats' tests); formats no installed library writes are built here from their specs.
 */

const fixture = (path: string): Buffer => readFileSync(new URL(`../fixtures/${path}`, import.meta.url));
const formats = (name: string): Buffer => fixture(`formats/${name}`);
/** Binary bytes: `head`, then NULs to `size`. */
const binary = (head: Buffer | string, size = 64): Buffer => {
  const h = Buffer.isBuffer(head) ? head : Buffer.from(head, 'latin1');
  return Buffer.concat([h, Buffer.alloc(Math.max(0, size - h.length))]);
};
const u32le = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

type Outcome =
  /** Read by a parser: reported as `format` (any verdict its rules give, never `error`). */
  | { parsed: string }
  /** Recognised as inert: clean, named `format`. */
  | { inert: string }
  /** Text (or JSON) read as such: clean, named `format`. */
  | { text: string }
  /** Not read: verdict error. */
  | { notRead: true };

interface Row {
  what: string;
  bytes: () => Buffer;
  name?: string;
  siblings?: () => Record<string, Buffer | string>;
  outcome: Outcome;
}

const onnxModel = (): Buffer => formats('onnx-external/model.onnx');
const onnxData = (): Buffer => formats('onnx-external/model.onnx_data');
const savedModel = (): Buffer => fixture('savedmodel/tf2-clean/saved_model.pb');
const openVinoXml = '<?xml version="1.0"?>\n<!-- IR -->\n<net name="tiny" version="11">\n<layers/>\n<edges/>\n</net>\n';

/** A TFRecord of `records` (record_writer.h framing). */
function tfrecord(records: Buffer[]): Buffer {
  return Buffer.concat(
    records.flatMap((data) => {
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(data.length));
      return [length, u32le(maskedCrc32c(length)), data, u32le(maskedCrc32c(data))];
    }),
  );
}

const MODEL_ROWS: Row[] = [
  { what: 'pickle', bytes: plainPickle, outcome: { parsed: 'pickle' } },
  { what: 'joblib', bytes: () => formats('tiny.joblib'), outcome: { parsed: 'joblib' } },
  { what: 'PyTorch zip (torch.save)', bytes: () => formats('torch_zip.pt'), outcome: { parsed: 'pytorch-zip' } },
  { what: 'PyTorch legacy', bytes: () => formats('torch_legacy.pt'), outcome: { parsed: 'pytorch-legacy' } },
  { what: 'PyTorch tar', bytes: () => fixture('convert/tar.pt'), outcome: { parsed: 'pytorch-tar' } },
  { what: 'TorchScript (torch.jit.save)', bytes: () => formats('torchscript.pt'), outcome: { parsed: 'pytorch-zip' } },
  { what: 'torch.export .pt2', bytes: () => formats('exported.pt2'), outcome: { parsed: 'zip' } },
  { what: 'numpy .npy', bytes: () => formats('tiny.npy'), outcome: { parsed: 'npy' } },
  { what: 'numpy .npz', bytes: () => formats('tiny.npz'), outcome: { parsed: 'npz' } },
  { what: 'safetensors', bytes: () => fixture('safetensors/tiny.safetensors'), outcome: { parsed: 'safetensors' } },
  { what: 'GGUF', bytes: () => fixture('gguf/tiny.gguf'), outcome: { parsed: 'gguf' } },
  { what: 'legacy GGML (ggjt)', bytes: () => binary(Buffer.concat([u32le(0x67676a74), u32le(3)])), outcome: { notRead: true } },
  { what: 'ONNX', bytes: onnxModel, name: 'model.onnx', siblings: () => ({ 'model.onnx_data': onnxData() }), outcome: { parsed: 'onnx' } },
  {
    what: 'ONNX external data beside the model that names it',
    bytes: onnxData,
    name: 'model.onnx_data',
    siblings: () => ({ 'model.onnx': onnxModel() }),
    outcome: { inert: 'raw-tensor-data' },
  },
  {
    what: 'ONNX external data in its own fixture folder (model.data)',
    bytes: () => fixture('onnx/clean/model.data'),
    name: 'model.data',
    siblings: () => ({ 'model.onnx': fixture('onnx/clean/model.onnx') }),
    outcome: { inert: 'raw-tensor-data' },
  },
  { what: 'TF SavedModel', bytes: savedModel, name: 'saved_model.pb', outcome: { parsed: 'tf-savedmodel' } },
  {
    what: 'SavedModel fingerprint.pb beside saved_model.pb',
    bytes: () => fixture('savedmodel/tf2-clean/fingerprint.pb'),
    name: 'fingerprint.pb',
    siblings: () => ({ 'saved_model.pb': savedModel() }),
    outcome: { inert: 'tf-savedmodel' },
  },
  { what: 'TF checkpoint index', bytes: () => formats('tf-checkpoint/ckpt.index'), name: 'ckpt.index', outcome: { inert: 'tf-checkpoint-index' } },
  {
    what: 'TF checkpoint shard beside its index',
    bytes: () => formats('tf-checkpoint/ckpt.data-00000-of-00001'),
    name: 'ckpt.data-00000-of-00001',
    siblings: () => ({ 'ckpt.index': formats('tf-checkpoint/ckpt.index') }),
    outcome: { inert: 'raw-tensor-data' },
  },
  { what: 'TF frozen GraphDef', bytes: () => formats('frozen_graph.pb'), name: 'frozen_graph.pb', outcome: { parsed: 'tf-graphdef' } },
  { what: 'TF frozen GraphDef under no telling name', bytes: () => fixture('graphdef/frozen_dense.pb'), outcome: { parsed: 'tf-graphdef' } },
  { what: 'TFLite', bytes: () => formats('model.tflite'), name: 'model.tflite', outcome: { parsed: 'tflite' } },
  { what: 'Keras v3 (.keras)', bytes: () => fixture('keras/keras3_dense.keras'), outcome: { parsed: 'keras-v3' } },
  { what: 'Keras HDF5', bytes: () => fixture('keras/legacy_dense.h5'), outcome: { parsed: 'keras-h5' } },
  {
    what: 'Core ML .mlmodel',
    // Model.proto: specificationVersion (1), description (2) with an input FeatureDescription,
    // and the model itself: neuralNetwork (500) with one layer (1). Without a model field the
    // first two fields alone also pass the SavedModel trial (schema version, meta graph).
    bytes: () =>
      proto()
        .uint(1, 4)
        .message(2, proto().message(1, proto().string(1, 'x')))
        .message(500, proto().message(1, proto().string(1, 'dense')))
        .finish(),
    name: 'model.mlmodel',
    outcome: { parsed: 'coreml' },
  },
  {
    what: 'Core ML package weights (weight.bin)',
    bytes: () => binary(Buffer.from([0xef, 0xbe, 0xad, 0xde, 2, 0, 0, 0])),
    name: 'weight.bin',
    outcome: { notRead: true },
  },
  {
    what: 'ExecuTorch .pte',
    // A flatbuffer: the root table offset, then the file identifier "ET12".
    bytes: () => binary(Buffer.concat([u32le(24), Buffer.from('ET12')])),
    name: 'model.pte',
    outcome: { notRead: true },
  },
  { what: 'OpenVINO IR .xml', bytes: () => Buffer.from(openVinoXml), name: 'model.xml', outcome: { parsed: 'openvino-ir' } },
  {
    what: 'OpenVINO IR weights beside their .xml',
    bytes: () => binary(Buffer.from([0, 0, 0x80, 0x3f]), 32),
    name: 'model.bin',
    siblings: () => ({ 'model.xml': openVinoXml }),
    outcome: { inert: 'openvino-weights' },
  },
  { what: 'PaddlePaddle .pdparams (pickle)', bytes: plainPickle, name: 'model.pdparams', outcome: { parsed: 'pickle' } },
  {
    what: 'PaddlePaddle .pdmodel',
    // ProgramDesc: blocks (1: BlockDesc idx 1, parent_idx 2), version (4).
    bytes: () => proto().message(1, proto().uint(1, 0).uint(2, 0)).message(4, proto().uint(1, 0)).finish(),
    name: 'inference.pdmodel',
    outcome: { parsed: 'paddle-program' },
  },
  {
    what: 'PaddlePaddle .pdiparams',
    // LoDTensor: version 0 (u32), lod level 0 (u64), tensor version 0 (u32), TensorDesc size.
    bytes: () => binary(Buffer.concat([u32le(0), Buffer.alloc(8), u32le(0), u32le(4), Buffer.from([0x08, 0x05, 0x10, 0x02])])),
    name: 'inference.pdiparams',
    outcome: { notRead: true },
  },
  {
    what: 'MXNet .params',
    bytes: () => binary(Buffer.concat([u32le(0x112), u32le(0), Buffer.alloc(8), u32le(1)])),
    name: 'model-0000.params',
    outcome: { notRead: true },
  },
  {
    what: 'MXNet -symbol.json',
    bytes: () => Buffer.from('{"nodes": [{"op": "null", "name": "data", "inputs": []}], "heads": [[0, 0, 0]]}'),
    name: 'model-symbol.json',
    outcome: { parsed: 'mxnet-symbol' },
  },
  { what: 'Flax msgpack checkpoint', bytes: () => formats('flax_model.msgpack'), name: 'flax_model.msgpack', outcome: { inert: 'msgpack' } },
  {
    what: 'NeMo (.nemo: gzipped tar of the config and a PyTorch checkpoint)',
    bytes: () =>
      gzipSync(
        buildTar([
          { name: './model_config.yaml', data: Buffer.from('target: nemo.collections.asr.models.EncDecCTCModel\n') },
          { name: './model_weights.ckpt', data: formats('torch_zip.pt') },
        ]),
      ),
    name: 'model.nemo',
    outcome: { parsed: 'tar-gzip' },
  },
  {
    what: 'skops (zip of schema.json and .npy members)',
    bytes: () =>
      buildZip([
        { name: 'schema.json', data: Buffer.from('{"__class__": "dict", "__module__": "builtins", "content": {}, "protocol": 2}') },
        { name: 'a.npy', data: formats('tiny.npy') },
      ]),
    name: 'model.skops',
    outcome: { parsed: 'zip' },
  },
  {
    what: 'MLflow MLmodel',
    bytes: () => Buffer.from('flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n'),
    name: 'MLmodel',
    outcome: { parsed: 'yaml-config' },
  },
  { what: 'MLflow python_model.pkl', bytes: plainPickle, name: 'python_model.pkl', outcome: { parsed: 'pickle' } },
  {
    what: 'sentence-transformers modules.json',
    bytes: () => Buffer.from('[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}]'),
    name: 'modules.json',
    outcome: { parsed: 'library-config' },
  },
  {
    what: 'PEFT adapter_config.json',
    bytes: () => Buffer.from('{"peft_type": "LORA", "r": 8, "target_modules": ["q_proj"]}'),
    name: 'adapter_config.json',
    outcome: { text: 'json' },
  },
  {
    what: 'fastText .bin',
    bytes: () => binary(Buffer.concat([u32le(793712314), u32le(12), u32le(100)])),
    name: 'model.bin',
    outcome: { inert: 'fasttext' },
  },
  { what: 'faiss flat index', bytes: () => formats('flat.faiss'), outcome: { inert: 'faiss-index' } },
  { what: 'faiss HNSW index', bytes: () => formats('hnsw.faiss'), outcome: { inert: 'faiss-index' } },
];

const OTHER_ROWS: Row[] = [
  {
    what: 'tokenizer.json',
    bytes: () => Buffer.from('{"version": "1.0", "model": {"type": "BPE", "vocab": {"a": 0}}}'),
    name: 'tokenizer.json',
    outcome: { text: 'json' },
  },
  { what: 'vocab.txt', bytes: () => Buffer.from('[PAD]\n[UNK]\nthe\n'), name: 'vocab.txt', outcome: { text: 'text' } },
  { what: 'SentencePiece tokenizer.model', bytes: () => formats('tokenizer.model'), name: 'tokenizer.model', outcome: { inert: 'sentencepiece' } },
  ...(['png', 'gif', 'webp', 'bmp', 'tiff', 'ico'] as const).map((ext) => ({ what: ext, bytes: () => formats(`tiny.${ext}`), outcome: { inert: ext } })),
  { what: 'jpeg', bytes: () => formats('tiny.jpg'), outcome: { inert: 'jpeg' } },
  { what: 'wav', bytes: () => formats('tiny.wav'), outcome: { inert: 'wav' } },
  // fLaC then the STREAMINFO metadata block header (type 0, length 34).
  { what: 'flac', bytes: () => binary(Buffer.concat([Buffer.from('fLaC'), Buffer.from([0x80, 0, 0, 34])])), outcome: { inert: 'flac' } },
  { what: 'mp3 (ID3v2.4)', bytes: () => binary(Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0])), outcome: { inert: 'mp3' } },
  { what: 'mp3 (MPEG-1 layer III frame)', bytes: () => binary(Buffer.from([0xff, 0xfb, 0x90, 0x64])), outcome: { inert: 'mp3' } },
  { what: 'ogg', bytes: () => binary(Buffer.from('OggS\0\x02', 'latin1')), outcome: { inert: 'ogg' } },
  { what: 'mp4', bytes: () => binary(Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom')])), outcome: { inert: 'mp4' } },
  { what: 'webm', bytes: () => binary(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01])), outcome: { inert: 'webm' } },
  { what: 'avi', bytes: () => binary(Buffer.concat([Buffer.from('RIFF'), u32le(56), Buffer.from('AVI LIST')])), outcome: { inert: 'avi' } },
  // The customary second line of high bytes makes a PDF binary (PDF 1.7 7.5.2).
  { what: 'pdf', bytes: () => Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n', 'latin1'), outcome: { inert: 'pdf' } },
  { what: 'font (TrueType)', bytes: () => formats('tiny.ttf'), outcome: { inert: 'font' } },
  { what: 'font (WOFF2)', bytes: () => binary('wOF2\0\x01\0\0'), outcome: { inert: 'font' } },
  { what: 'parquet', bytes: () => formats('tiny.parquet'), outcome: { inert: 'parquet' } },
  { what: 'Arrow IPC file', bytes: () => formats('tiny.arrow'), outcome: { inert: 'arrow' } },
  { what: 'Arrow IPC stream (HF datasets cache)', bytes: () => formats('data-00000-of-00001.arrow'), outcome: { inert: 'arrow-stream' } },
  { what: 'TensorBoard tfevents', bytes: () => formats('events.out.tfevents.1700000000.host'), outcome: { inert: 'tfrecord' } },
  { what: 'TFRecord', bytes: () => formats('tiny.tfrecord'), outcome: { inert: 'tfrecord' } },
  { what: 'TFRecord built here', bytes: () => tfrecord([Buffer.from([0x0a, 0]), Buffer.alloc(70_000, 7)]), outcome: { inert: 'tfrecord' } },
  { what: 'README.md', bytes: () => Buffer.from('# A model\n\nIt classifies.\n'), name: 'README.md', outcome: { text: 'text' } },
  { what: 'empty file', bytes: () => Buffer.alloc(0), outcome: { text: 'empty' } },
  { what: 'unknown binary', bytes: () => binary(Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3])), outcome: { notRead: true } },
];

/** Near misses: bytes that begin like an inert format but break its structure are not read. */
const NEAR_MISSES: Row[] = [
  { what: 'parquet without its tail', bytes: () => formats('tiny.parquet').subarray(0, 200), outcome: { notRead: true } },
  { what: 'Arrow file without its tail', bytes: () => formats('tiny.arrow').subarray(0, 300), outcome: { notRead: true } },
  { what: 'Arrow stream cut short', bytes: () => formats('data-00000-of-00001.arrow').subarray(0, 300), outcome: { notRead: true } },
  {
    what: 'TFRecord with a wrong length CRC',
    bytes: () => {
      const b = Buffer.from(formats('tiny.tfrecord'));
      b[8] = b[8]! ^ 1;
      return b;
    },
    outcome: { notRead: true },
  },
  { what: 'msgpack with a byte after the document', bytes: () => Buffer.concat([formats('flax_model.msgpack'), Buffer.from([0])]), outcome: { notRead: true } },
  { what: 'msgpack cut short', bytes: () => formats('flax_model.msgpack').subarray(0, 40), outcome: { notRead: true } },
  { what: 'msgpack with the never-used byte 0xc1', bytes: () => Buffer.from([0x81, 0xa1, 0x61, 0xc1]), outcome: { notRead: true } },
  {
    what: 'SentencePiece-like protobuf with a field ModelProto does not have',
    bytes: () => Buffer.concat([formats('tokenizer.model'), proto().string(9, 'x').finish()]),
    outcome: { notRead: true },
  },
  { what: 'TF frozen GraphDef cut short', bytes: () => fixture('graphdef/frozen_dense.pb').subarray(0, 600), outcome: { notRead: true } },
  {
    what: 'TF frozen GraphDef with a node field NodeDef does not have',
    bytes: () => Buffer.concat([fixture('graphdef/frozen_dense.pb'), proto().message(1, proto().string(1, 'n').string(2, 'NoOp').uint(9, 1)).finish()]),
    outcome: { notRead: true },
  },
  { what: 'faiss-like header without its placeholders', bytes: () => binary(Buffer.concat([Buffer.from('IxF2'), u32le(4)]), 64), outcome: { notRead: true } },
  {
    what: 'TF checkpoint shard without its index',
    bytes: () => formats('tf-checkpoint/ckpt.data-00000-of-00001'),
    name: 'ckpt.data-00000-of-00001',
    outcome: { notRead: true },
  },
  {
    what: 'TF checkpoint shard beside an index that is no table',
    bytes: () => formats('tf-checkpoint/ckpt.data-00000-of-00001'),
    name: 'ckpt.data-00000-of-00001',
    siblings: () => ({ 'ckpt.index': binary('not a table', 64) }),
    outcome: { notRead: true },
  },
  { what: 'ONNX external data without its model', bytes: onnxData, name: 'model.onnx_data', outcome: { notRead: true } },
  {
    what: 'ONNX external data beside a model that does not name it',
    bytes: onnxData,
    name: 'other.onnx_data',
    siblings: () => ({ 'other.onnx': onnxModel() }),
    outcome: { notRead: true },
  },
  { what: 'OpenVINO-named .bin without its .xml', bytes: () => binary(Buffer.from([0, 0, 0x80, 0x3f]), 32), name: 'model.bin', outcome: { notRead: true } },
  {
    what: 'OpenVINO-named .bin beside an .xml that is no IR',
    bytes: () => binary(Buffer.from([0, 0, 0x80, 0x3f]), 32),
    name: 'model.bin',
    siblings: () => ({ 'model.xml': '<?xml version="1.0"?><config><net/></config>' }),
    outcome: { notRead: true },
  },
  {
    what: 'fingerprint.pb with no SavedModel beside it',
    bytes: () => fixture('savedmodel/tf2-clean/fingerprint.pb'),
    name: 'fingerprint.pb',
    outcome: { notRead: true },
  },
  {
    what: 'a tar holding an unknown binary member',
    bytes: () => buildTar([{ name: 'blob', data: binary(Buffer.from([0xde, 0xad])) }]),
    outcome: { notRead: true },
  },
];

describe('the format map (docs/formats.md)', () => {
  it.each([...MODEL_ROWS, ...OTHER_ROWS, ...NEAR_MISSES].map((row) => [row.what, row] as const))('%s', async (_what, row) => {
    const r = await scanBytes(row.bytes(), { name: row.name, siblings: row.siblings?.() });
    const fatal = r.findings.filter((f) => f.fatal);
    // Nothing unread is clean.
    expect(r.format === 'other' && r.verdict === 'clean').toBe(false);
    const outcome = row.outcome;
    if ('parsed' in outcome) {
      expect(r.format).toBe(outcome.parsed);
      expect(fatal).toEqual([]);
    } else if ('inert' in outcome || 'text' in outcome) {
      expect(r.format).toBe('inert' in outcome ? outcome.inert : outcome.text);
      expect(r.verdict).toBe('clean');
    } else {
      expect(r.verdict).toBe('error');
      expect(fatal.length).toBeGreaterThan(0);
    }
  });

  it('reports binary content of no format under file/unrecognised-format with code UNSUPPORTED_FORMAT', async () => {
    const r = await scanBytes(binary(Buffer.from([0xde, 0xad, 0xbe, 0xef])));
    expect(r.format).toBe('other');
    expect(r.findings.map((f) => [f.ruleId, f.fatal, f.code])).toEqual([['file/unrecognised-format', true, 'UNSUPPORTED_FORMAT']]);
  });

  it('lists every row in docs/formats.md', () => {
    const map = readFileSync(new URL('../../docs/formats.md', import.meta.url), 'utf8');
    expect(map).not.toContain('TODO');
    for (const name of ['TFLite', 'Core ML', 'ExecuTorch', 'OpenVINO', 'PaddlePaddle', 'MXNet', 'legacy GGML']) expect(map).toContain(`| ${name}`);
    for (const row of [...MODEL_ROWS, ...OTHER_ROWS]) {
      if ('inert' in row.outcome && row.outcome.inert !== 'tf-savedmodel') expect(map, row.what).toContain(`\`${row.outcome.inert}\``);
    }
  });
});

describe('crc32c', () => {
  it('gives the check value of RFC 3720 B.4 and of the CRC catalogue', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
  });
});
