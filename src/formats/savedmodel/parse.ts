import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { shapeOf, sniffMessage } from '../protobuf/sniff.js';
import { ProtoReader, WireType } from '../protobuf/wire.js';
import { GraphReader } from './graph.js';
import { emptySavedModel, type SavedModel, type TfMetaGraph } from './model.js';

/** Meta graphs in one SavedModel; TensorFlow writes one per tag set, rarely more than a few. */
const MAX_META_GRAPHS = 1024;

/** Names kept per list (tags, signatures, assets, stripped ops). */
const MAX_NAMES = 4096;

/** saved_model_schema_version values taken when sniffing bytes: TensorFlow writes 1. */
const MAX_SNIFFED_SCHEMA_VERSION = 16;

const { VARINT, LEN } = WireType;

/** SavedModel: saved_model_schema_version (1, int64), meta_graphs (2) (saved_model.proto). */
const SAVED_MODEL_SHAPE = shapeOf([
  [1, VARINT],
  [2, LEN],
]);

/** MetaGraphDef's fields 1 .. 7 are all messages or maps (meta_graph.proto). */
const META_GRAPH_SHAPE = shapeOf([1, 2, 3, 4, 5, 6, 7].map((f) => [f, LEN] as const));

/** The result of a parse: what was read, and the error that stopped it, if any. */
export interface SavedModelParse {
  model: SavedModel;
  error?: ModelgateError;
}

/**
 * True when the file is named `saved_model.pb` (the binary SavedModel; `.pbtxt` is text and not
 * read here), or when the bytes are a SavedModel: saved_model_schema_version (field 1, varint)
 * then meta_graphs (field 2) whose own fields are MetaGraphDef fields, nothing else. Reads a few
 * bytes per field, never a payload.
 */
export function looksLikeSavedModel(source: ByteSource, name: string): boolean {
  if (name === 'saved_model.pb') return true;
  const seen = sniffMessage(source, SAVED_MODEL_SHAPE);
  if (!seen || seen.fields.length < 2) return false;
  const first = seen.fields[0]!;
  if (first.field !== 1 || first.value === undefined || first.value < 1 || first.value > MAX_SNIFFED_SCHEMA_VERSION) return false;
  const meta = seen.fields[1]!;
  if (meta.field !== 2 || meta.start === undefined || meta.end === undefined || meta.end === meta.start) return false;
  const inner = sniffMessage(source, META_GRAPH_SHAPE, meta.start, meta.end);
  return inner !== undefined && inner.fields.length > 0;
}

/**
 * Parses a SavedModel (tensorflow/core/protobuf/saved_model.proto): every MetaGraphDef with its
 * GraphDef, function library and any GraphDef nested in attributes. Bounded and fail closed: a
 * malformed or truncated structure, or a limit hit, ends the parse with `error` set, and
 * `model` keeps everything read before it. A SavedModel without meta graphs is an error.
 */
export function parseSavedModel(source: ByteSource): SavedModelParse {
  const model = emptySavedModel();
  const graphs = new GraphReader(model);
  try {
    const r = ProtoReader.over(source);
    while (r.next()) {
      if (r.field === 1) model.schemaVersion = r.int64();
      else if (r.field === 2) {
        if (model.metaGraphs.length >= MAX_META_GRAPHS)
          throw new ModelgateError('LIMIT_ENTRIES', `more than ${MAX_META_GRAPHS} meta graphs`, { offset: r.fieldOffset });
        metaGraph(r.message(), graphs, model);
      } else r.skip();
    }
    if (model.metaGraphs.length === 0) throw new ModelgateError('MALFORMED', 'SavedModel has no meta_graphs (field 2)', { offset: 0 });
    return { model };
  } catch (e) {
    if (e instanceof ModelgateError) return { model, error: e };
    throw e;
  }
}

/**
 * MetaGraphDef: meta_info_def (1), graph_def (2), saver_def (3), signature_def (5, map keyed
 * by field 1), asset_file_def (6, AssetFileDef whose filename is field 2).
 */
function metaGraph(r: ProtoReader, graphs: GraphReader, model: SavedModel): void {
  const meta: TfMetaGraph = { tags: [], strippedOps: [], signatures: [], assets: [], offset: r.start };
  model.metaGraphs.push(meta);
  const index = model.metaGraphs.length - 1;
  // The tags label the graph; meta_info_def is written first, but read it first regardless.
  const info = r.sub(r.start, r.end);
  while (info.next()) {
    if (info.field === 1) metaInfo(info.message(), meta);
    else info.skip();
  }
  while (r.next()) {
    switch (r.field) {
      case 2:
        graphs.graphDef(r.message(), `meta graph ${index}${meta.tags.length > 0 ? ` [${meta.tags.join(',')}]` : ''}`, 'meta-graph', 0);
        break;
      case 3:
        meta.saverFilenameTensor = stringField(r.message(), 1);
        break;
      case 5:
        keep(meta.signatures, stringField(r.message(), 1));
        break;
      case 6:
        keep(meta.assets, stringField(r.message(), 2));
        break;
      default:
        r.skip();
    }
  }
}

/** MetaInfoDef: stripped_op_list (2, OpList of OpDef whose name is field 1), tags (4), versions (5, 6). */
function metaInfo(r: ProtoReader, meta: TfMetaGraph): void {
  while (r.next()) {
    if (r.field === 2) {
      const ops = r.message();
      while (ops.next()) {
        if (ops.field === 1) keep(meta.strippedOps, stringField(ops.message(), 1));
        else ops.skip();
      }
    } else if (r.field === 4) keep(meta.tags, r.string());
    else if (r.field === 5) meta.tensorflowVersion = r.string();
    else if (r.field === 6) meta.tensorflowGitVersion = r.string();
    else r.skip();
  }
}

/** The last value of string field `field` of a message ('' when absent), as protobuf merges it. */
function stringField(r: ProtoReader, field: number): string {
  let value = '';
  while (r.next()) {
    if (r.field === field) value = r.string();
    else r.skip();
  }
  return value;
}

function keep(list: string[], value: string): void {
  if (list.length < MAX_NAMES) list.push(value);
}
