import type { ByteSource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import { remoteCode } from '../../detectors/hfconfig/remote-code.js';
import { parsePythonJson } from '../../formats/json/python-json.js';
import type { ScanContext } from '../context.js';
import { scanChatTemplateFile, scanHfJson } from './hfconfig.js';
import { looksLikeKerasConfig, scanKerasConfigDocument } from './keras.js';
import { isNotebook, scanNotebook } from './notebook.js';
import { looksLikePython, scanPython } from './python.js';
import { scanYamlText } from './yaml.js';

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
  // YAML configs select code by tags and keys whatever the file is called (hparams.yaml,
  // MLmodel, a .nemo archive's model_config.yaml); text that selects nothing stays text.
  if (kind === 'text') return scanYamlText(source, ctx) ?? kind;
  return kind;
}

/** How loaders read a file by its name alone: modules remote code imports, chat templates, configs. */
function namedText(name: string): 'python' | 'jinja' | 'json' | 'yaml' | undefined {
  if (name.endsWith('.py')) return 'python';
  if (/\.ya?ml$/.test(name) || name === 'MLmodel') return 'yaml';
  if (name.endsWith('.jinja')) return 'jinja';
  if (name.endsWith('.json')) return 'json';
  return undefined;
}

/**
 * Reads a file as the text its name says (Python, a Jinja template, JSON) when its bytes made
 * it another format: transformers imports `*.py` modules, renders `*.jinja` templates and
 * json-loads `*.json` configs by name, whatever their first bytes look like, so a payload
 * behind a tar header, a pickle opcode or a zlib prefix runs there. Only what this reading
 * finds is kept: that the bytes are not good text (a real model named `.json`) says nothing.
 */
export function readAsNamed(source: ByteSource, ctx: ScanContext, read: { format: string; asText: boolean }): void {
  const as = namedText(ctx.name);
  if (as === undefined || source.size > MAX_JSON_BYTES) return;
  // Already read that way by its bytes: Python analysed, the template judged, JSON tried.
  if ((as === 'python' && read.format === 'python') || (as === 'jinja' && read.format === 'chat-template') || ((as === 'json' || as === 'yaml') && read.asText))
    return;
  const found: Finding[] = [];
  const named = ctx.withFindings(found);
  try {
    if (as === 'python') scanPython(source, named);
    else if (as === 'jinja') scanChatTemplateFile(source, named);
    else if (as === 'yaml') scanYamlText(source, named);
    else {
      const doc = parseJson(source);
      if (doc !== undefined) scanJson(doc, source, named);
    }
  } catch {
    return;
  }
  ctx.findings.push(...found.filter((f) => !f.fatal));
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
