import type { ByteSource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import { remoteCode } from '../../detectors/hfconfig/remote-code.js';
import { parsePythonJson } from '../../formats/json/python-json.js';
import type { ScanContext } from '../context.js';
import { scanBinary } from './binary.js';
import { scanChatTemplateFile, scanHfJson } from './hfconfig.js';
import { looksLikeKerasConfig, scanKerasConfigDocument } from './keras.js';
import { isNotebook, scanNotebook } from './notebook.js';
import { looksLikePython, scanPython } from './python.js';
import { scanJsonValues } from './json-values.js';
import { isShellScript, namedText, startupRole, TEMPLATE_NAME } from './names.js';
import { scanShellScript } from './shell.js';
import { reportStartupModule, scanPth } from './startup.js';
import { scanYamlText } from './yaml.js';

/** Largest JSON document parsed to see whether it is a config, notebook or the like. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/**
 * Text content: JSON documents are parsed and judged by their keys (notebooks, Hugging Face
 * configs and chat templates, Keras configs), Jinja chat-template files by their template,
 * Python sources by their syntax tree. Anything else is named (`kind`: json, text); binary
 * content goes to `scanBinary`.
 */
export function scanText(source: ByteSource, ctx: ScanContext, sniffed: string): string {
  // Binary content is never clean unread: inert formats are named, anything else is not read.
  if (sniffed === 'other') return scanBinary(source, ctx, source.read(0, 512));
  let kind = sniffed;
  if (kind === 'json' && source.size <= MAX_JSON_BYTES) {
    const doc = parseJson(source);
    // Text that begins with `{` or `[` but is no JSON is still text: a Jinja template (`{%`,
    // `{{`) or Python (a dict literal), read as such below.
    if (doc === undefined) kind = 'text';
    else return scanJson(doc, source, ctx);
  }
  if (kind === 'text' && isTemplateName(ctx)) return scanChatTemplateFile(source, ctx);
  // site.py reads every `*.pth` in site-packages as lines of paths and `import` statements.
  if (kind === 'text' && startupRole(ctx.name) === 'pth') return scanPth(source, ctx);
  if (kind === 'text' && isShellScript(source.read(0, 256).toString('latin1'), ctx.name)) return scanShellScript(source, ctx);
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
    return scanPythonFile(source, ctx);
  }
  if (kind === 'text') {
    readTemplateMarkup(source, ctx);
    // YAML configs select code by tags and keys whatever the file is called (hparams.yaml,
    // MLmodel, a .nemo archive's model_config.yaml); text that selects nothing stays text.
    return scanYamlText(source, ctx) ?? kind;
  }
  return kind;
}

/** A Python module, with the start-up role its name gives it (`sitecustomize.py`). */
function scanPythonFile(source: ByteSource, ctx: ScanContext): string {
  if (startupRole(ctx.name) === 'module') reportStartupModule(ctx);
  return scanPython(source, ctx);
}

/** Whether the file is read as a template by its name. */
function isTemplateName(ctx: ScanContext): boolean {
  return TEMPLATE_NAME.test(ctx.name);
}

/**
 * Text that holds Jinja markup (`{{`, `{%`) under no template name is still a template to any
 * server handed it by path (`--chat-template FILE`): judged as one too, keeping only what that
 * reading finds (a README whose braces do not parse as Jinja is not broken for that).
 */
function readTemplateMarkup(source: ByteSource, ctx: ScanContext): void {
  if (source.size > MAX_JSON_BYTES) return;
  const text = source.read(0, source.size);
  if (!text.includes('{{') && !text.includes('{%')) return;
  keepFound(ctx, (quiet) => scanChatTemplateFile(source, quiet));
}

/** Runs another reading of the same content into its own list and keeps its findings that are not breaks. */
function keepFound(ctx: ScanContext, reading: (quiet: ScanContext) => void): void {
  const found: Finding[] = [];
  try {
    reading(ctx.withFindings(found));
  } catch {
    return;
  }
  ctx.findings.push(...found.filter((f) => !f.fatal));
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
  if (
    (as === 'python' && read.format === 'python') ||
    (as === 'jinja' && read.format === 'chat-template') ||
    ((as === 'json' || as === 'yaml') && read.asText) ||
    (as === 'pth' && read.format === 'pth') ||
    (as === 'shell' && read.format === 'shell-script')
  )
    return;
  keepFound(ctx, (named) => {
    if (as === 'python') scanPythonFile(source, named);
    else if (as === 'jinja') scanChatTemplateFile(source, named);
    else if (as === 'yaml') scanYamlText(source, named);
    else if (as === 'pth') scanPth(source, named, { quiet: true });
    else if (as === 'shell') scanShellScript(source, named);
    else {
      const doc = parseJson(source);
      if (doc !== undefined) scanJson(doc, source, named);
    }
  });
}

/** The JSON document in `source` as Python's json module reads it, or undefined when it is not JSON. */
function parseJson(source: ByteSource): unknown {
  return parsePythonJson(source.read(0, source.size).toString('utf8'));
}

/** A JSON document, judged by its keys, and by the model bytes its values carry. */
function scanJson(doc: unknown, source: ByteSource, ctx: ScanContext): string {
  if (isNotebook(doc)) return scanNotebook(doc, source, ctx);
  scanJsonValues(doc, ctx);
  const config = scanHfJson(doc, source, ctx);
  if (config) return config;
  if (looksLikeKerasConfig(doc)) {
    scanKerasConfigDocument(doc, ctx);
    return 'keras-config';
  }
  return 'json';
}
