import type { ByteSource } from '../core/byte-source.js';
import { ModelgateError } from '../core/errors.js';
import { MALFORMED_CONTAINER } from '../detectors/container/index.js';
import { remoteCode } from '../detectors/hfconfig/remote-code.js';
import { isOpcode } from '../formats/pickle/parse.js';
import { findEocd } from '../formats/zip/parse.js';
import type { ScanContext } from './context.js';
import { scanCompressed } from './handlers/compressed.js';
import { scanGguf } from './handlers/gguf.js';
import { scanChatTemplateFile, scanHfJson } from './handlers/hfconfig.js';
import { looksLikeKerasConfig, scanHdf5, scanKerasConfigDocument } from './handlers/keras.js';
import { isNotebook, scanNotebook } from './handlers/notebook.js';
import { scanNpy } from './handlers/npy.js';
import { looksLikeOnnx, scanOnnx } from './handlers/onnx.js';
import { scanPickle } from './handlers/pickle.js';
import { looksLikePython, scanPython } from './handlers/python.js';
import { scanSafetensors } from './handlers/safetensors.js';
import { looksLikeSavedModel, scanSavedModel } from './handlers/savedmodel.js';
import { scanSevenZip } from './handlers/sevenzip.js';
import { scanTar } from './handlers/tar.js';
import { scanZip } from './handlers/zip.js';
import { classifyOther, sniff } from './sniff.js';

/** Bytes looked at to decide a format. */
const HEAD_BYTES = 512;

/** Largest JSON document parsed to see whether it is a config, notebook or the like. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/** Reports an error that ended the analysis of this content, as a fatal finding. */
export function reportFatal(ctx: ScanContext, e: unknown, what: string): void {
  const err = e instanceof ModelgateError ? e : new ModelgateError('MALFORMED', e instanceof Error ? e.message : String(e), { cause: e });
  ctx.report(MALFORMED_CONTAINER, {
    message: `${what}: ${err.message}`,
    location: err.offset === undefined ? undefined : { offset: err.offset },
    fatal: true,
    code: err.code,
  });
}

function tryScanCompressed(kind: 'zlib' | 'lzma', source: ByteSource, ctx: ScanContext): string | ModelgateError {
  try {
    return scanCompressed(kind, source, ctx);
  } catch (e) {
    if (e instanceof ModelgateError && e.code === 'MALFORMED') return e;
    throw e;
  }
}

/**
 * Text content: JSON documents are parsed and judged by their keys (notebooks, Hugging Face
 * configs and chat templates, Keras configs), Jinja chat-template files by their template,
 * Python sources by their syntax tree. Anything else is named.
 */
function scanText(source: ByteSource, ctx: ScanContext, kind: string): string {
  if (kind === 'json' && source.size <= MAX_JSON_BYTES) {
    let doc: unknown;
    try {
      doc = JSON.parse(source.read(0, source.size).toString('utf8'));
    } catch {
      return 'text';
    }
    if (isNotebook(doc)) return scanNotebook(doc, source, ctx);
    const config = scanHfJson(doc, source, ctx);
    if (config) return config;
    if (looksLikeKerasConfig(doc)) {
      scanKerasConfigDocument(doc, ctx);
      return 'keras-config';
    }
    return 'json';
  }
  if (kind === 'text' && ctx.name.endsWith('.jinja')) return scanChatTemplateFile(source, ctx);
  if (kind === 'text' && looksLikePython(source.read(0, 4096), ctx.name)) {
    // transformers runs a repo's custom_generate/generate.py when generate() is asked for it
    // with trust_remote_code=True: remote code by where the repo puts it, judged by its content.
    if (ctx.name === 'generate.py' && /(^|\/)custom_generate\/generate\.py$/.test(ctx.target)) {
      ctx.report(remoteCode.meta, {
        severity: 'low',
        message: 'custom_generate/generate.py is run by transformers when generate() uses the repo\'s custom_generate with trust_remote_code=True; its own findings follow',
      });
    }
    return scanPython(source, ctx);
  }
  return kind;
}

/**
 * Scans content of any format: sniffs its bytes, hands it to the handler of that format (which
 * may come back here for members), and returns the format name for the report. Never throws
 * for bad input: breaks become fatal findings.
 */
export function scanContent(source: ByteSource, ctx: ScanContext): string {
  if (ctx.depth > ctx.limits.maxNestingDepth) {
    ctx.report(MALFORMED_CONTAINER, {
      message: `nested more than ${ctx.limits.maxNestingDepth} levels deep; not read further`,
      fatal: true,
      code: 'LIMIT_DEPTH',
    });
    return 'nested';
  }
  const head = source.read(0, HEAD_BYTES);
  const kind = sniff(head, source.size);
  let weakFailure: ModelgateError | undefined;
  try {
    switch (kind) {
      case 'zip':
        return scanZip(source, ctx);
      case '7z':
        return scanSevenZip(source, ctx);
      case 'gzip':
      case 'bz2':
      case 'xz':
      case 'zstd':
        return scanCompressed(kind, source, ctx);
      case 'zlib':
      case 'lzma': {
        // Two- and three-byte magics also begin ordinary pickles: when the bytes do not
        // decompress, read them as whatever else they may be.
        const format = tryScanCompressed(kind, source, ctx);
        if (typeof format === 'string') return format;
        weakFailure = format;
        break;
      }
      case 'npy':
        return scanNpy(source, ctx);
      case 'tar':
        return scanTar(source, ctx);
      case 'pickle':
        return scanPickle(source, ctx) ?? 'pickle';
      case 'safetensors':
        return scanSafetensors(source, ctx);
      case 'gguf':
        return scanGguf(source, ctx);
      case 'hdf5':
        return scanHdf5(source, ctx);
      case 'unknown':
        break;
    }
    // Protobuf models have no magic: a bounded trial parse (or the name) says what they are.
    if (looksLikeOnnx(source, ctx.name)) return scanOnnx(source, ctx);
    if (looksLikeSavedModel(source, ctx.name)) return scanSavedModel(source, ctx);
    // Protocol 0/1 pickles have no PROTO; try those that begin with an opcode.
    if (head.length > 0 && isOpcode(head[0])) {
      const format = scanPickle(source, ctx);
      if (format) return format;
    }
    // A zip with bytes before its first local header still has its directory at the end.
    if (source.size >= 22 && findEocd(source) !== undefined) return scanZip(source, ctx);
    // Nothing else fits: the bytes were a broken compressed stream after all.
    if (weakFailure) throw weakFailure;
    return scanText(source, ctx, classifyOther(head));
  } catch (e) {
    reportFatal(ctx, e, `${kind} content could not be read`);
    return kind;
  }
}
