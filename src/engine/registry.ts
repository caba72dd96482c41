import type { ByteSource } from '../core/byte-source.js';
import { isOpcode } from '../formats/pickle/parse.js';
import { findEocd } from '../formats/zip/parse.js';
import type { ScanContext } from './context.js';
import { scanCompressed } from './handlers/compressed.js';
import { isCoreMlWeights, looksLikeCoreMl, scanCoreMl, scanCoreMlWeights } from './handlers/coreml.js';
import { isExecuTorch, scanExecuTorch } from './handlers/executorch.js';
import { legacyGgmlMagic, scanLegacyGgml } from './handlers/ggml.js';
import { scanGguf } from './handlers/gguf.js';
import { scanHdf5 } from './handlers/keras.js';
import { isMxnetParams, looksLikeMxnetSymbol, scanMxnetParams, scanMxnetSymbol } from './handlers/mxnet.js';
import { scanNpy } from './handlers/npy.js';
import { looksLikeOnnx, scanOnnx } from './handlers/onnx.js';
import { isOpenVinoWeights, isOpenVinoXml, scanOpenVino } from './handlers/openvino.js';
import { looksLikePaddleParams, looksLikePaddleProgram, scanPaddleParams, scanPaddleProgram } from './handlers/paddle.js';
import { scanPickle } from './handlers/pickle.js';
import { scanSafetensors } from './handlers/safetensors.js';
import { looksLikeGraphDef, looksLikeSavedModel, scanGraphDef, scanSavedModel } from './handlers/savedmodel.js';
import { scanSevenZip } from './handlers/sevenzip.js';
import { scanTar } from './handlers/tar.js';
import { isTflite, scanTflite } from './handlers/tflite.js';
import { alsoReadAsYaml } from './handlers/yaml.js';
import { scanZip } from './handlers/zip.js';
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

/**
 * Every format, in the order the dispatcher tries them. Magic formats first, in `sniff`'s
 * order; then the weak and trial ones in the order loaders would take them (torch.load tries
 * tar before pickle; ONNX and SavedModel have no magic; a protocol-0/1 pickle begins with any
 * opcode; a zip with a prefix still has its directory at the end). Content that none of them
 * takes is text or data, named by `scanText`.
 */
export const FORMATS: readonly FormatEntry[] = [
  { id: 'zip', version: 1, recognise: magic('zip'), scan: scanZip },
  { id: '7z', version: 1, recognise: magic('7z'), scan: scanSevenZip },
  { id: 'gzip', version: 2, recognise: magic('gzip'), scan: (s, c) => scanCompressed('gzip', s, c) },
  { id: 'bz2', version: 2, recognise: magic('bz2'), scan: (s, c) => scanCompressed('bz2', s, c) },
  { id: 'xz', version: 2, recognise: magic('xz'), scan: (s, c) => scanCompressed('xz', s, c) },
  { id: 'zstd', version: 2, recognise: magic('zstd'), scan: (s, c) => scanCompressed('zstd', s, c) },
  { id: 'lz4', version: 1, recognise: magic('lz4'), scan: (s, c) => scanCompressed('lz4', s, c) },
  { id: 'joblib-zfile', version: 1, recognise: magic('zf'), scan: (s, c) => scanCompressed('zf', s, c) },
  { id: 'zlib', version: 2, recognise: { by: 'weak', magic: 'zlib' }, scan: (s, c) => scanCompressed('zlib', s, c) },
  { id: 'lzma', version: 2, recognise: { by: 'weak', magic: 'lzma' }, scan: (s, c) => scanCompressed('lzma', s, c) },
  { id: 'npy', version: 1, recognise: magic('npy'), scan: scanNpy },
  { id: 'tar', version: 1, recognise: magic('tar'), scan: scanTar },
  { id: 'pickle', version: 1, recognise: magic('pickle'), scan: (s, c) => scanPickle(s, c) ?? 'pickle' },
  { id: 'safetensors', version: 1, recognise: magic('safetensors'), scan: scanSafetensors },
  { id: 'gguf', version: 1, recognise: magic('gguf'), scan: scanGguf },
  { id: 'hdf5', version: 1, recognise: magic('hdf5'), scan: scanHdf5 },
  // Formats with a magic that `sniff` does not know (an identifier past byte 0): tested here.
  { id: 'tflite', version: 1, recognise: { by: 'trial', test: (_s, _c, head) => isTflite(head) }, scan: scanTflite },
  { id: 'executorch', version: 1, recognise: { by: 'trial', test: (_s, _c, head) => isExecuTorch(head) }, scan: scanExecuTorch },
  { id: 'ggml-legacy', version: 1, recognise: { by: 'trial', test: (_s, _c, head) => legacyGgmlMagic(head) !== undefined }, scan: scanLegacyGgml },
  { id: 'mxnet-params', version: 1, recognise: { by: 'trial', test: (_s, _c, head) => isMxnetParams(head) }, scan: scanMxnetParams },
  { id: 'mxnet-symbol', version: 1, recognise: { by: 'trial', test: (_s, c, head) => looksLikeMxnetSymbol(head, c.name) }, scan: scanMxnetSymbol },
  { id: 'openvino-ir', version: 1, recognise: { by: 'trial', test: (_s, _c, head) => isOpenVinoXml(head) }, scan: scanOpenVino },
  { id: 'paddle-params', version: 1, recognise: { by: 'trial', test: (_s, c, head) => looksLikePaddleParams(head, c.name) }, scan: scanPaddleParams },
  { id: 'coreml-weights', version: 1, recognise: { by: 'trial', test: (_s, _c, head) => isCoreMlWeights(head) }, scan: scanCoreMlWeights },
  { id: 'coreml', version: 1, recognise: { by: 'trial', test: (s, c) => looksLikeCoreMl(s, c.name) }, scan: scanCoreMl },
  { id: 'onnx', version: 1, recognise: { by: 'trial', test: (s, c) => looksLikeOnnx(s, c.name) }, scan: scanOnnx },
  { id: 'savedmodel', version: 1, recognise: { by: 'trial', test: (s, c) => looksLikeSavedModel(s, c.name) }, scan: scanSavedModel },
  { id: 'paddle-program', version: 1, recognise: { by: 'trial', test: (s, c) => looksLikePaddleProgram(s, c.name) }, scan: scanPaddleProgram },
  // A bare GraphDef (frozen graph): after the protobuf models with a name or a first field of their own.
  { id: 'tf-graphdef', version: 1, recognise: { by: 'trial', test: (s) => looksLikeGraphDef(s) }, scan: scanGraphDef },
  {
    id: 'pickle-protocol-0',
    // 2: text whose stream breaks at an import no loader can resolve, or (under a text file's
    // name) breaks having only imported, is read as text. 3: text that is also a YAML config is
    // read as YAML too.
    version: 3,
    recognise: { by: 'trial', test: (_s, _c, head) => head.length > 0 && isOpcode(head[0]!) },
    // The text may be a YAML config as well as a pickle: both readings are followed.
    scan: (s, c) => alsoReadAsYaml(s, c, scanPickle(s, c, { weak: true })),
  },
  { id: 'zip-prefixed', version: 1, recognise: { by: 'trial', test: (s) => s.size >= 22 && findEocd(s) !== undefined }, scan: scanZip },
  // Raw data files of no format of their own, recognised by their role beside a model that names them.
  { id: 'openvino-weights', version: 1, recognise: { by: 'trial', test: (_s, c) => isOpenVinoWeights(c) }, scan: () => 'openvino-weights' },
];

/** The version of every format, by id: part of what a result records as having produced it. */
export function formatVersions(): Record<string, number> {
  return Object.fromEntries(FORMATS.map((f) => [f.id, f.version]));
}
