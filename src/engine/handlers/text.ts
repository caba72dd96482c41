import type { ByteSource } from '../../core/byte-source.js';
import { remoteCode } from '../../detectors/hfconfig/remote-code.js';
import { parsePythonJson } from '../../formats/json/python-json.js';
import type { ScanContext } from '../context.js';
import { scanChatTemplateFile, scanHfJson } from './hfconfig.js';
import { looksLikeKerasConfig, scanKerasConfigDocument } from './keras.js';
import { isNotebook, scanNotebook } from './notebook.js';
import { looksLikePython, scanPython } from './python.js';

/** Largest JSON document parsed to see whether it is a config, notebook or the like. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/**
 * Text content: JSON documents are parsed and judged by their keys (notebooks, Hugging Face
 * configs and chat templates, Keras configs), Jinja chat-template files by their template,
 * Python sources by their syntax tree. Anything else is named (`kind`: json, text, image…).
 */
export function scanText(source: ByteSource, ctx: ScanContext, sniffed: string): string {
  let kind = sniffed;
  if (kind === 'json' && source.size <= MAX_JSON_BYTES) {
    const doc = parseJson(source);
    // Text that begins with `{` or `[` but is no JSON is still text: a Jinja template (`{%`,
    // `{{`) or Python (a dict literal), read as such below.
    if (doc === undefined) kind = 'text';
    else return scanJson(doc, source, ctx);
  }
  if (kind === 'text' && ctx.name.endsWith('.jinja')) return scanChatTemplateFile(source, ctx);
  if (kind === 'text' && looksLikePython(source.read(0, 4096), ctx.name)) {
    // transformers runs a repo's custom_generate/generate.py when generate() is asked for it
    // with trust_remote_code=True: remote code by where the repo puts it, judged by its content.
    if (ctx.name === 'generate.py' && /(^|\/)custom_generate\/generate\.py$/.test(ctx.target)) {
      ctx.report(remoteCode.meta, {
        severity: 'low',
        message:
          "custom_generate/generate.py is run by transformers when generate() uses the repo's custom_generate with trust_remote_code=True; its own findings follow",
      });
    }
    return scanPython(source, ctx);
  }
  return kind;
}

/** The JSON document in `source` as Python's json module reads it, or undefined when it is not JSON. */
function parseJson(source: ByteSource): unknown {
  return parsePythonJson(source.read(0, source.size).toString('utf8'));
}

/** A JSON document, judged by its keys. */
function scanJson(doc: unknown, source: ByteSource, ctx: ScanContext): string {
  if (isNotebook(doc)) return scanNotebook(doc, source, ctx);
  const config = scanHfJson(doc, source, ctx);
  if (config) return config;
  if (looksLikeKerasConfig(doc)) {
    scanKerasConfigDocument(doc, ctx);
    return 'keras-config';
  }
  return 'json';
}
