import { BufferSource, type ByteSource } from '../../core/byte-source.js';
import { COMPILED_CODE, UNRECOGNISED_FORMAT } from '../../detectors/file/index.js';
import { recogniseCompiledCode } from '../../formats/compiled/sniff.js';
import { checkpointShardPrefix, recogniseInert } from '../../formats/inert/format.js';
import { isLevelDbTable } from '../../formats/inert/leveldb.js';
import { parseOnnx } from '../../formats/onnx/parse.js';
import { looksLikeSavedModel } from '../../formats/savedmodel/parse.js';
import type { ScanContext, SiblingFile } from '../context.js';

/** Largest sibling read to learn a raw blob's role (an OpenVINO XML, an ONNX graph). */
const MAX_SIBLING_BYTES = 256 * 1024 * 1024;

/**
 * Binary content that no model format took: named when its bytes are inert (media, data sets,
 * tokenizer models, weights with no code) or when a sibling shows it is raw tensor data;
 * otherwise reported not read (`file/unrecognised-format`, fatal) and named `other`.
 */
export function scanBinary(source: ByteSource, ctx: ScanContext, head: Buffer): string {
  const inert = recogniseInert(source, head) ?? rawTensorRole(ctx) ?? savedModelSidecar(ctx);
  if (inert !== undefined) return inert;
  const code = recogniseCompiledCode(head);
  if (code) {
    ctx.report(COMPILED_CODE, {
      message: `${code.detail}: compiled code runs with the loading process's rights when it is loaded or imported, and modelgate does not analyse it`,
    });
    return code.format;
  }
  ctx.report(UNRECOGNISED_FORMAT, {
    message: `binary content of ${source.size} bytes matches no format modelgate reads or recognises as inert; not read`,
    fatal: true,
    code: 'UNSUPPORTED_FORMAT',
  });
  return 'other';
}

/**
 * Raw tensor bytes have no magic: they are recognised only by the file that names them, beside
 * them on disk, and only when that file really is what its name says.
 */
function rawTensorRole(ctx: ScanContext): 'raw-tensor-data' | undefined {
  const sibling = ctx.sibling;
  if (!sibling) return undefined;
  const name = ctx.name;
  // TensorFlow checkpoints (tensor_bundle): `<prefix>.data-00000-of-00001` beside `<prefix>.index`.
  const prefix = checkpointShardPrefix(name);
  if (prefix !== undefined) {
    const index = readable(sibling(`${prefix}.index`));
    if (index && isLevelDbTable(new BufferSource(index))) return 'raw-tensor-data';
  }
  // OpenVINO IR: `X.bin` holds the weights of the network in `X.xml` (root element <net>).
  if (name.endsWith('.bin')) {
    const xml = readable(sibling(`${name.slice(0, -4)}.xml`));
    if (xml && isOpenVinoXml(xml)) return 'raw-tensor-data';
  }
  // ONNX external data: a `.onnx` beside it whose tensors name this file as their location.
  for (const model of onnxCandidates(name)) {
    const bytes = readable(sibling(model));
    if (bytes && onnxNames(bytes, name)) return 'raw-tensor-data';
  }
  return undefined;
}

/**
 * TensorFlow reads `fingerprint.pb` and `keras_metadata.pb` only as parts of the SavedModel in
 * `saved_model.pb` beside them, and modelgate reads them there (src/engine/handlers/savedmodel.ts
 * parses both and judges the Keras metadata): beside a real SavedModel they are that format.
 */
function savedModelSidecar(ctx: ScanContext): 'tf-savedmodel' | undefined {
  if (ctx.name !== 'fingerprint.pb' && ctx.name !== 'keras_metadata.pb') return undefined;
  const model = readable(ctx.sibling?.('saved_model.pb'));
  // The structural check only: the name `saved_model.pb` alone would pass looksLikeSavedModel.
  return model && looksLikeSavedModel(new BufferSource(model), '') ? 'tf-savedmodel' : undefined;
}

function readable(file: SiblingFile | undefined): Buffer | undefined {
  return file && file.size <= MAX_SIBLING_BYTES ? file.read() : undefined;
}

/** An OpenVINO IR document: optional XML declaration and comments, then the root `<net`. */
export function isOpenVinoXml(bytes: Buffer): boolean {
  let text = bytes
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\ufeff/, '');
  text = text.replace(/^\s*<\?xml[^>]*\?>/, '');
  for (;;) {
    const comment = /^\s*<!--[\s\S]*?-->/.exec(text);
    if (!comment) break;
    text = text.slice(comment[0].length);
  }
  return /^\s*<net[\s>]/.test(text);
}

/**
 * Model files that may name `name` as external data: the name without its last extensions plus
 * `.onnx` (`model.onnx_data`, `model.onnx.data` → `model.onnx`), and exporters' `model.onnx`.
 */
function onnxCandidates(name: string): string[] {
  const out = new Set<string>();
  let stem = name;
  for (let dot = stem.lastIndexOf('.'); dot > 0; dot = stem.lastIndexOf('.')) {
    stem = stem.slice(0, dot);
    out.add(stem.endsWith('.onnx') ? stem : `${stem}.onnx`);
  }
  out.add('model.onnx');
  out.delete(name);
  return [...out];
}

/** True when the ONNX model in `bytes` parses and one of its tensors keeps its data in `name`. */
function onnxNames(bytes: Buffer, name: string): boolean {
  const parsed = parseOnnx(new BufferSource(bytes));
  if (parsed.error) return false;
  return parsed.model.externalData.some((d) => d.location !== undefined && d.location.replace(/^(\.\/)+/, '') === name);
}
