import type { ByteSource } from '../../core/byte-source.js';
import { type ModelgateError, isModelgateError } from '../../core/errors.js';
import { sniffMessage, type MessageShape } from '../protobuf/sniff.js';
import { ProtoReader, WireType } from '../protobuf/wire.js';
import { GRAPH_FIELDS, GraphReader, NODE_FIELDS, OP_NAME } from './graph.js';
import { emptySavedModel, type SavedModel } from './model.js';

/** Top-level fields of a GraphDef looked at when deciding whether bytes are one. */
const MAX_SNIFF_FIELDS = 64;

/** Bytes of a NodeDef's name and op read when deciding; op names are short, node names rarely long. */
const MAX_SNIFF_NAME_BYTES = 1024;

/** The label of the graph of a bare GraphDef file in findings. */
export const GRAPH_DEF_LABEL = 'GraphDef';

const NODE_SHAPE: MessageShape = { fields: NODE_FIELDS };

/** The result of a parse: what was read, and the error that stopped it, if any. */
export interface GraphDefParse {
  model: SavedModel;
  error?: ModelgateError;
}

/**
 * True when the bytes are a bare tensorflow.GraphDef (graph.proto), as frozen graphs
 * (`frozen_graph.pb`, `frozen_inference_graph.pb`) are written: the first top-level field is a
 * NodeDef (protobuf writes fields in number order, node = 1 first) whose own fields are NodeDef
 * fields only, with a non-empty name and a well-formed op name; every top-level field looked at
 * is a GraphDef field (node 1, library 2, version 3, versions 4, debug_info 5) of its wire type.
 * A length that runs past the end after that first node still counts (a cut file, which the
 * parse then reports); a wrong field or wire type does not. CoreML, ONNX and SentencePiece
 * models begin with a varint or a message of other fields, so they are not taken. Reads keys,
 * lengths and the first node's name and op, never a payload.
 */
export function looksLikeGraphDef(source: ByteSource): boolean {
  const r = ProtoReader.over(source);
  let firstNode = false;
  try {
    if (!r.next() || r.field !== 1 || r.wireType !== WireType.LEN) return false;
    const node = r.range();
    if (!firstNodeLooksRight(source, node.start, node.end)) return false;
    firstNode = true;
    for (let seen = 1; seen < MAX_SNIFF_FIELDS && r.next(); seen++) {
      if (GRAPH_FIELDS.get(r.field) !== r.wireType) return false;
      r.skip();
    }
    return true;
  } catch (e) {
    // Cut after a well-formed first node: a GraphDef that does not reach its end.
    if (isModelgateError(e) && e.code === 'TRUNCATED' && firstNode) return true;
    if (isModelgateError(e)) return false;
    throw e;
  }
}

/** The NodeDef in `[start, end)` has only NodeDef fields, a non-empty name and an op name of TensorFlow's form. */
function firstNodeLooksRight(source: ByteSource, start: number, end: number): boolean {
  const seen = sniffMessage(source, NODE_SHAPE, start, end);
  if (!seen) return false;
  const text = (field: number): string | undefined => {
    const f = seen.fields.find((x) => x.field === field);
    if (f?.start === undefined || f.end === undefined) return undefined;
    return source.read(f.start, Math.min(f.end - f.start, MAX_SNIFF_NAME_BYTES)).toString('utf8');
  };
  const name = text(1);
  const op = text(2);
  return name !== undefined && name !== '' && op !== undefined && OP_NAME.test(op);
}

/**
 * Parses a bare GraphDef (tensorflow/core/framework/graph.proto) into the SavedModel shape the
 * SavedModel rules read: one graph labelled `GraphDef`, its function library and any GraphDef
 * nested in attributes, with `graphDef` holding its versions. Strict as TensorFlow's own parse
 * is not: a field GraphDef or NodeDef does not have, an op name TensorFlow could not register,
 * or a GraphDef without nodes ends the parse with `error` set (MALFORMED), as does a cut or a
 * limit; `model` keeps everything read before it.
 */
export function parseGraphDef(source: ByteSource): GraphDefParse {
  const model = emptySavedModel();
  model.graphDef = {};
  try {
    new GraphReader(model).graphDef(ProtoReader.over(source), GRAPH_DEF_LABEL, 'graph-def', 0, true);
    versions(ProtoReader.over(source), model);
    return { model };
  } catch (e) {
    if (isModelgateError(e)) return { model, error: e };
    throw e;
  }
}

/** GraphDef.version (3) and versions (4, VersionDef: producer 1, min_consumer 2), the last of each as protobuf merges them. */
function versions(r: ProtoReader, model: SavedModel): void {
  const graphDef = model.graphDef!;
  while (r.next()) {
    if (r.field === 3 && r.wireType === WireType.VARINT) graphDef.version = r.varint();
    else if (r.field === 4 && r.wireType === WireType.LEN) {
      const v = r.message();
      while (v.next()) {
        if (v.field === 1 && v.wireType === WireType.VARINT) graphDef.producer = v.varint();
        else if (v.field === 2 && v.wireType === WireType.VARINT) graphDef.minConsumer = v.varint();
        else v.skip();
      }
    } else r.skip();
  }
}
