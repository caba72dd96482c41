import { FORMATS } from '../../src/engine/index.js';

/** One fuzz target: a format of the registry, scanned under a name its loaders use. */
export interface FuzzTarget {
  /** The registry's format id (src/engine/registry.ts). */
  id: string;
  /** The file name the bytes are scanned under. */
  fileName: string;
  /** The parser's files, as paths under src/: coverage is counted over these. */
  files: string[];
  /**
   * The format declares its own extent (sizes, offsets, an end record or a STOP), so every
   * strict prefix of a model file is damaged: a truncated seed must never be `clean`. Formats
   * that may legally end anywhere (protobuf messages, XML and JSON read leniently, tar without
   * its end blocks as tarfile reads it) are not held to this.
   */
  declaresExtent: boolean;
}

/** A compression's own decoder, the shared output buffer and the handler that reads what it decodes. */
const decoder = (...files: string[]): string[] => [...files.map((f) => `formats/${f}`), 'formats/compressed/output.ts', 'engine/handlers/compressed.ts'];
const pickleFiles = ['formats/pickle/', 'engine/handlers/pickle.ts', 'formats/torch/'];

/** Targets by registry id; every registry format with a parser of its own has one. */
const TABLE: Record<string, Omit<FuzzTarget, 'id'>> = {
  zip: { fileName: 'model.pt', files: ['formats/zip/', 'engine/handlers/zip.ts', 'engine/handlers/torchscript.ts'], declaresExtent: true },
  '7z': { fileName: 'model.7z', files: ['formats/sevenzip/', 'engine/handlers/sevenzip.ts'], declaresExtent: true },
  gzip: { fileName: 'model.joblib', files: decoder('compressed/deflate.ts'), declaresExtent: true },
  bz2: { fileName: 'model.joblib', files: decoder('compressed/bzip2.ts'), declaresExtent: true },
  xz: { fileName: 'model.joblib', files: decoder('compressed/xz.ts', 'compressed/lzma.ts', 'compressed/lzma1.ts'), declaresExtent: true },
  zstd: { fileName: 'model.joblib', files: decoder('compressed/zstd.ts'), declaresExtent: true },
  lz4: { fileName: 'model.joblib', files: decoder('lz4/'), declaresExtent: true },
  'joblib-zfile': { fileName: 'model.joblib', files: decoder('joblib/zfile.ts', 'compressed/deflate.ts'), declaresExtent: true },
  zlib: { fileName: 'model.joblib', files: decoder('compressed/deflate.ts'), declaresExtent: true },
  lzma: { fileName: 'model.joblib', files: decoder('compressed/lzma.ts', 'compressed/lzma1.ts'), declaresExtent: true },
  npy: { fileName: 'weights.npy', files: ['formats/numpy/', 'engine/handlers/npy.ts'], declaresExtent: true },
  tar: { fileName: 'model.pt', files: ['formats/tar/', 'engine/handlers/tar.ts', 'engine/handlers/torch-tar.ts'], declaresExtent: false },
  pickle: { fileName: 'model.pkl', files: pickleFiles, declaresExtent: true },
  safetensors: { fileName: 'model.safetensors', files: ['formats/safetensors/', 'engine/handlers/safetensors.ts'], declaresExtent: true },
  gguf: { fileName: 'model.gguf', files: ['formats/gguf/', 'formats/jinja/', 'engine/handlers/gguf.ts'], declaresExtent: true },
  hdf5: { fileName: 'model.h5', files: ['formats/hdf5/', 'formats/keras/', 'engine/handlers/keras.ts'], declaresExtent: true },
  tflite: { fileName: 'model.tflite', files: ['formats/tflite/', 'formats/flatbuffer/', 'engine/handlers/tflite.ts'], declaresExtent: false },
  executorch: { fileName: 'model.pte', files: ['formats/executorch/', 'formats/flatbuffer/', 'engine/handlers/executorch.ts'], declaresExtent: false },
  'ggml-legacy': { fileName: 'ggml-model.bin', files: ['formats/ggml/', 'engine/handlers/ggml.ts'], declaresExtent: true },
  'mxnet-params': { fileName: 'model-0000.params', files: ['formats/mxnet/', 'engine/handlers/mxnet.ts'], declaresExtent: true },
  'mxnet-symbol': { fileName: 'model-symbol.json', files: ['formats/mxnet/', 'formats/json/', 'engine/handlers/mxnet.ts'], declaresExtent: false },
  'openvino-ir': { fileName: 'model.xml', files: ['formats/openvino/', 'engine/handlers/openvino.ts'], declaresExtent: false },
  'paddle-params': { fileName: 'model.pdiparams', files: ['formats/paddle/', 'engine/handlers/paddle.ts'], declaresExtent: true },
  'coreml-weights': { fileName: 'weight.bin', files: ['formats/coreml/', 'engine/handlers/coreml.ts'], declaresExtent: true },
  coreml: { fileName: 'model.mlmodel', files: ['formats/coreml/', 'formats/protobuf/', 'engine/handlers/coreml.ts'], declaresExtent: false },
  onnx: { fileName: 'model.onnx', files: ['formats/onnx/', 'formats/protobuf/', 'engine/handlers/onnx.ts'], declaresExtent: false },
  savedmodel: { fileName: 'saved_model.pb', files: ['formats/savedmodel/', 'formats/protobuf/', 'engine/handlers/savedmodel.ts'], declaresExtent: false },
  'paddle-program': { fileName: 'model.pdmodel', files: ['formats/paddle/', 'formats/protobuf/', 'engine/handlers/paddle.ts'], declaresExtent: false },
  'tf-graphdef': { fileName: 'frozen_graph.pb', files: ['formats/savedmodel/', 'formats/protobuf/', 'engine/handlers/savedmodel.ts'], declaresExtent: false },
  'pickle-protocol-0': { fileName: 'model.pkl', files: [...pickleFiles, 'engine/handlers/yaml.ts', 'formats/yaml/'], declaresExtent: true },
  'zip-prefixed': { fileName: 'model.pt', files: ['formats/zip/', 'engine/handlers/zip.ts'], declaresExtent: true },
};

/**
 * Registry formats that are no parser: raw data recognised by its role beside a model (an
 * OpenVINO `.bin` is read through the `.xml` that names it), with nothing to fuzz alone.
 */
export const NOT_FUZZED: Readonly<Record<string, string>> = {
  'openvino-weights': 'raw weights named by an .xml beside them; no parser of its own (fuzzed through openvino-ir)',
};

/** Every target, in registry order. Throws when the registry has a format this table lacks. */
export function fuzzTargets(): FuzzTarget[] {
  const out: FuzzTarget[] = [];
  for (const f of FORMATS) {
    if (f.id in NOT_FUZZED) continue;
    const t = TABLE[f.id];
    if (!t) throw new Error(`scripts/fuzz/targets.ts: the registry format ${f.id} has no fuzz target; add one (or a NOT_FUZZED reason)`);
    out.push({ id: f.id, ...t });
  }
  return out;
}
