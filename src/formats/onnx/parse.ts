import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { shapeOf, sniffMessage } from '../protobuf/sniff.js';
import { ProtoReader, WireType } from '../protobuf/wire.js';
import { GraphWalker, opsetId, stringEntry } from './graph.js';
import { emptyOnnxModel, type OnnxModel } from './model.js';

/** Metadata entries kept from ModelProto.metadata_props (the rest are passed over); real models carry a handful. */
const MAX_METADATA = 1024;

/** Opset imports kept (the rest are passed over); a model imports a few domains. */
const MAX_OPSETS = 1024;

/**
 * ir_version values taken as plausible when sniffing bytes with no `.onnx` name: IR versions
 * run 1 .. 13 today (onnx.proto `enum Version`); room is left for later ones.
 */
const MAX_SNIFFED_IR_VERSION = 64;

const { VARINT, LEN } = WireType;

/** ModelProto's top-level fields with their wire types (onnx.proto, message ModelProto). */
const MODEL_SHAPE = shapeOf([
  [1, VARINT], // ir_version
  [2, LEN], // producer_name
  [3, LEN], // producer_version
  [4, LEN], // domain
  [5, VARINT], // model_version
  [6, LEN], // doc_string
  [7, LEN], // graph
  [8, LEN], // opset_import
  [14, LEN], // metadata_props
  [20, LEN], // training_info
  [25, LEN], // functions
  [26, LEN], // configuration
]);

/** GraphProto's fields, to check the first key inside a sniffed graph. */
const GRAPH_SHAPE = shapeOf([1, 2, 5, 10, 11, 12, 13, 14, 15, 16].map((f) => [f, LEN] as const));

/** The result of a parse: what was read, and the error that stopped it, if any. */
export interface OnnxParse {
  model: OnnxModel;
  error?: ModelgateError;
}

/**
 * True when `name` ends in `.onnx`, or when the bytes are a ModelProto: ir_version (field 1,
 * varint) first, then only ModelProto fields with their wire types, including graph (field 7)
 * whose own first field is a GraphProto field. Reads a few bytes per top-level field, never a
 * payload, so it is cheap on any size and does not take random binaries or text.
 */
export function looksLikeOnnx(source: ByteSource, name: string): boolean {
  if (name.toLowerCase().endsWith('.onnx')) return true;
  const seen = sniffMessage(source, MODEL_SHAPE);
  if (!seen || seen.fields.length < 2) return false;
  const [first] = seen.fields;
  if (first?.field !== 1 || first.value === undefined || first.value < 1 || first.value > MAX_SNIFFED_IR_VERSION) return false;
  const graph = seen.fields.find((f) => f.field === 7);
  if (!graph || graph.start === undefined || graph.end === undefined || graph.end === graph.start) return false;
  // The graph's own top-level fields (hopped over the same way) must be GraphProto fields.
  const inner = sniffMessage(source, GRAPH_SHAPE, graph.start, graph.end);
  return inner !== undefined && inner.fields.length > 0;
}

/**
 * Parses an ONNX ModelProto (onnx/onnx.proto): header fields, opset imports, metadata, the
 * main graph with every subgraph, training graphs and model-local functions. Bounded and fail
 * closed: a malformed or truncated structure, or a limit hit, ends the parse with `error` set,
 * and `model` keeps everything read before it. A model without ir_version, graph or (from IR
 * version 3) opset_import is an error.
 */
export function parseOnnx(source: ByteSource): OnnxParse {
  const model = emptyOnnxModel();
  const walker = new GraphWalker(model);
  let sawGraph = false;
  let trainingIndex = 0;
  try {
    const r = ProtoReader.over(source);
    while (r.next()) {
      switch (r.field) {
        case 1: // ir_version (int64)
          model.irVersion = r.int64();
          break;
        case 2: // producer_name
          model.producerName = r.string();
          break;
        case 3: // producer_version
          model.producerVersion = r.string();
          break;
        case 4: // domain
          model.domain = r.string();
          break;
        case 5: // model_version (int64)
          model.modelVersion = r.int64();
          break;
        case 7: // graph
          sawGraph = true;
          walker.graph(r.message(), 'graph', 0, true);
          break;
        case 8: // opset_import (OperatorSetIdProto)
          if (model.opsetImports.length < MAX_OPSETS) model.opsetImports.push(opsetId(r.message()));
          else r.skip();
          break;
        case 14: // metadata_props (StringStringEntryProto)
          if (model.metadata.length < MAX_METADATA) model.metadata.push(stringEntry(r.message()));
          else r.skip();
          break;
        case 20: // training_info (TrainingInfoProto)
          trainingInfo(r.message(), walker, trainingIndex++);
          break;
        case 25: // functions (FunctionProto)
          functionProto(r.message(), walker, model);
          break;
        default:
          r.skip();
      }
    }
    if (model.irVersion === undefined) throw new ModelgateError('MALFORMED', 'ModelProto has no ir_version (field 1)', { offset: 0 });
    if (!sawGraph) throw new ModelgateError('MALFORMED', 'ModelProto has no graph (field 7)', { offset: 0 });
    // onnx checker: "model with IR version >= 3 must specify opset_import"; runtimes refuse it.
    if (model.irVersion >= 3 && model.opsetImports.length === 0) {
      throw new ModelgateError('MALFORMED', 'ModelProto of IR version 3 or later has no opset_import (field 8)', { offset: 0 });
    }
    return { model };
  } catch (e) {
    if (e instanceof ModelgateError) return { model, error: e };
    throw e;
  }
}

/** TrainingInfoProto: initialization (1) and algorithm (2) are GraphProtos. */
function trainingInfo(r: ProtoReader, walker: GraphWalker, index: number): void {
  while (r.next()) {
    if (r.field === 1) walker.graph(r.message(), `training_info initialization #${index}`, 0);
    else if (r.field === 2) walker.graph(r.message(), `training_info algorithm #${index}`, 0);
    else r.skip();
  }
}

/**
 * FunctionProto: name (1), node (7), opset_import (9), domain (10), attribute_proto (11,
 * default attribute values, which may hold graphs and tensors), overload (13).
 */
function functionProto(r: ProtoReader, walker: GraphWalker, model: OnnxModel): void {
  const fn = { name: '', domain: '', overload: '', offset: r.start };
  // Names first, so the body's nodes can say which function they belong to.
  const header = r.sub(r.start, r.end);
  while (header.next()) {
    if (header.field === 1) fn.name = header.string();
    else if (header.field === 10) fn.domain = header.string();
    else if (header.field === 13) fn.overload = header.string();
    else header.skip();
  }
  model.functions.push(fn);
  const where = `function "${fn.domain ? `${fn.domain}.` : ''}${fn.name}"`;
  while (r.next()) {
    if (r.field === 7) walker.functionNode(r.message(), where);
    else if (r.field === 11) walker.attribute(r.message(), `${where} default`, 0);
    else r.skip();
  }
}
