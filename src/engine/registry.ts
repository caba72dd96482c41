import type { ByteSource } from '../core/byte-source.js';
import { isOpcode } from '../formats/pickle/parse.js';
import { findEocd } from '../formats/zip/parse.js';
import type { ScanContext } from './context.js';
import { handlers } from './lazy.js';
import type { Sniffed } from './sniff.js';

/**
 * How content is recognised as a format (trivy's analyzers, as data):
 * - `magic`: the leading bytes say so (`sniff`); the format's handler owns the content.
 * - `weak`: a two- or three-byte magic that also begins other content (zlib, lzma-alone): the
 *   handler is tried, and when the bytes do not decode the registry reads on.
 * - `trial`: no magic at all (protobuf models, protocol 0/1 pickles, zips with bytes before
 *   their first header): a bounded check on the content (and the name as a hint) decides, and a
 *   handler may still answer `undefined` for "not this format after all".
 */
export type Recognition =
  { by: 'magic'; magic: Sniffed } | { by: 'weak'; magic: Sniffed } | { by: 'trial'; test: (source: ByteSource, ctx: ScanContext, head: Buffer) => boolean };

/** One format the kernel reads. */
export interface FormatEntry {
  /** Stable id; the format names in reports come from the handler (`pytorch-zip`, `keras-h5`…). */
  id: string;
  /** Bumped whenever the format's reading changes what a scan reports: part of the cache key. */
  version: number;
  recognise: Recognition;
  /** Scans the content and returns the format name, or undefined when a trial finds it is not this format. */
  scan: (source: ByteSource, ctx: ScanContext) => string | undefined;
}

const magic = (m: Sniffed): Recognition => ({ by: 'magic', magic: m });
const trial = (test: (source: ByteSource, ctx: ScanContext, head: Buffer) => boolean): Recognition => ({ by: 'trial', test });
/** A trial of the leading bytes (and the name) alone. */
const byHead = (test: (head: Buffer, ctx: ScanContext) => boolean): Recognition => trial((_s, c, head) => test(head, c));
const { compressed, coreml, executorch, ggml, gguf, keras, mxnet, npy, onnx, openvino } = handlers;
const { paddle, pickle, safetensors, savedmodel, sevenzip, tar, tflite, yaml, zip } = handlers;

/**
 * Every format, in the order the dispatcher tries them. Magic formats first, in `sniff`'s
 * order; then the weak and trial ones in the order loaders would take them (torch.load tries
 * tar before pickle; ONNX and SavedModel have no magic; a protocol-0/1 pickle begins with any
 * opcode; a zip with a prefix still has its directory at the end). Content that none of them
 * takes is text or data, named by `scanText`. Each handler's module loads on first use (lazy.ts).
 */
export const FORMATS: readonly FormatEntry[] = [
  { id: 'zip', version: 1, recognise: magic('zip'), scan: (s, c) => zip().scanZip(s, c) },
  { id: '7z', version: 1, recognise: magic('7z'), scan: (s, c) => sevenzip().scanSevenZip(s, c) },
  { id: 'gzip', version: 2, recognise: magic('gzip'), scan: (s, c) => compressed().scanCompressed('gzip', s, c) },
  { id: 'bz2', version: 2, recognise: magic('bz2'), scan: (s, c) => compressed().scanCompressed('bz2', s, c) },
  { id: 'xz', version: 2, recognise: magic('xz'), scan: (s, c) => compressed().scanCompressed('xz', s, c) },
  { id: 'zstd', version: 2, recognise: magic('zstd'), scan: (s, c) => compressed().scanCompressed('zstd', s, c) },
  { id: 'lz4', version: 1, recognise: magic('lz4'), scan: (s, c) => compressed().scanCompressed('lz4', s, c) },
  { id: 'joblib-zfile', version: 1, recognise: magic('zf'), scan: (s, c) => compressed().scanCompressed('zf', s, c) },
  { id: 'zlib', version: 2, recognise: { by: 'weak', magic: 'zlib' }, scan: (s, c) => compressed().scanCompressed('zlib', s, c) },
  { id: 'lzma', version: 2, recognise: { by: 'weak', magic: 'lzma' }, scan: (s, c) => compressed().scanCompressed('lzma', s, c) },
  { id: 'npy', version: 1, recognise: magic('npy'), scan: (s, c) => npy().scanNpy(s, c) },
  { id: 'tar', version: 1, recognise: magic('tar'), scan: (s, c) => tar().scanTar(s, c) },
  { id: 'pickle', version: 1, recognise: magic('pickle'), scan: (s, c) => pickle().scanPickle(s, c) ?? 'pickle' },
  { id: 'safetensors', version: 1, recognise: magic('safetensors'), scan: (s, c) => safetensors().scanSafetensors(s, c) },
  { id: 'gguf', version: 1, recognise: magic('gguf'), scan: (s, c) => gguf().scanGguf(s, c) },
  { id: 'hdf5', version: 1, recognise: magic('hdf5'), scan: (s, c) => keras().scanHdf5(s, c) },
  // Formats with a magic that `sniff` does not know (an identifier past byte 0): tested here.
  { id: 'tflite', version: 1, recognise: byHead((head) => tflite().isTflite(head)), scan: (s, c) => tflite().scanTflite(s, c) },
  { id: 'executorch', version: 1, recognise: byHead((head) => executorch().isExecuTorch(head)), scan: (s, c) => executorch().scanExecuTorch(s, c) },
  { id: 'ggml-legacy', version: 1, recognise: byHead((head) => ggml().legacyGgmlMagic(head) !== undefined), scan: (s, c) => ggml().scanLegacyGgml(s, c) },
  { id: 'mxnet-params', version: 1, recognise: byHead((head) => mxnet().isMxnetParams(head)), scan: (s, c) => mxnet().scanMxnetParams(s, c) },
  { id: 'mxnet-symbol', version: 1, recognise: byHead((head, c) => mxnet().looksLikeMxnetSymbol(head, c.name)), scan: (s, c) => mxnet().scanMxnetSymbol(s, c) },
  { id: 'openvino-ir', version: 1, recognise: byHead((head) => openvino().isOpenVinoXml(head)), scan: (s, c) => openvino().scanOpenVino(s, c) },
  { id: 'paddle-params', version: 1, recognise: byHead((h, c) => paddle().looksLikePaddleParams(h, c.name)), scan: (s, c) => paddle().scanPaddleParams(s, c) },
  { id: 'coreml-weights', version: 1, recognise: byHead((head) => coreml().isCoreMlWeights(head)), scan: (s, c) => coreml().scanCoreMlWeights(s, c) },
  { id: 'coreml', version: 1, recognise: trial((s, c) => coreml().looksLikeCoreMl(s, c.name)), scan: (s, c) => coreml().scanCoreMl(s, c) },
  { id: 'onnx', version: 1, recognise: trial((s, c) => onnx().looksLikeOnnx(s, c.name)), scan: (s, c) => onnx().scanOnnx(s, c) },
  { id: 'savedmodel', version: 1, recognise: trial((s, c) => savedmodel().looksLikeSavedModel(s, c.name)), scan: (s, c) => savedmodel().scanSavedModel(s, c) },
  {
    id: 'paddle-program',
    version: 1,
    recognise: trial((s, c) => paddle().looksLikePaddleProgram(s, c.name)),
    scan: (s, c) => paddle().scanPaddleProgram(s, c),
  },
  // A bare GraphDef (frozen graph): after the protobuf models with a name or a first field of their own.
  { id: 'tf-graphdef', version: 1, recognise: trial((s) => savedmodel().looksLikeGraphDef(s)), scan: (s, c) => savedmodel().scanGraphDef(s, c) },
  {
    id: 'pickle-protocol-0',
    // 2: text whose stream breaks at an import no loader can resolve, or (under a text file's
    // name) breaks having only imported, is read as text. 3: text that is also a YAML config is
    // read as YAML too.
    version: 3,
    recognise: byHead((head) => head.length > 0 && isOpcode(head[0]!)),
    // The text may be a YAML config as well as a pickle: both readings are followed.
    scan: (s, c) => yaml().alsoReadAsYaml(s, c, pickle().scanPickle(s, c, { weak: true })),
  },
  { id: 'zip-prefixed', version: 1, recognise: trial((s) => s.size >= 22 && findEocd(s) !== undefined), scan: (s, c) => zip().scanZip(s, c) },
  // Raw data files of no format of their own, recognised by their role beside a model that names them.
  { id: 'openvino-weights', version: 1, recognise: trial((_s, c) => openvino().isOpenVinoWeights(c)), scan: () => 'openvino-weights' },
];

/** The version of every format, by id: part of what a result records as having produced it. */
export function formatVersions(): Record<string, number> {
  return Object.fromEntries(FORMATS.map((f) => [f.id, f.version]));
}
