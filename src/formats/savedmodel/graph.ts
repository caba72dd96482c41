import { ModelgateError, isModelgateError } from '../../core/errors.js';
import { type ProtoReader, WireType } from '../protobuf/wire.js';
import type { SavedModel, TfAttr, TfGraph, TfNode } from './model.js';

/**
 * GraphDefs serialized inside attributes of GraphDefs. TensorFlow itself nests none in a
 * SavedModel; a chain deeper than this only exists to hide ops from a scanner that stops.
 */
export const MAX_GRAPH_NESTING = 8;

/** NodeDefs in one file, all graphs and functions together; big exports have ~10^5. */
export const MAX_NODES = 5_000_000;

/** NodeDef inputs kept per node: the path inputs of file ops are among the first. */
const MAX_INPUTS_KEPT = 16;

/** Strings kept per attribute list; the rest are still searched for graphs. */
const MAX_STRINGS_KEPT = 64;

/**
 * Elements kept per string tensor: file paths are scalars, while a vocabulary constant holds
 * thousands of strings nobody needs to keep. The rest are still searched for graphs.
 */
const MAX_TENSOR_STRINGS_KEPT = 8;

const { VARINT, LEN } = WireType;

/** Wire types of the fields a nested GraphDef and its NodeDefs may have (graph.proto, node_def.proto). */
export const GRAPH_FIELDS = new Map([
  [1, LEN],
  [2, LEN],
  [3, VARINT],
  [4, LEN],
  [5, LEN],
]);
export const NODE_FIELDS = new Map([
  [1, LEN],
  [2, LEN],
  [3, LEN],
  [4, LEN],
  [5, LEN],
  [6, LEN],
  [7, LEN],
]);

/** TensorFlow op names (op_def.proto: `[A-Z][a-zA-Z0-9>_]*`), internal `_Ops` and function names. */
export const OP_NAME = /^[A-Za-z_][\w>.-]*$/;

/** First bytes a serialized GraphDef can start with: keys of its fields 1 .. 5. */
const GRAPH_FIRST_BYTES = new Set([0x0a, 0x12, 0x18, 0x22, 0x2a]);

/**
 * Reads GraphDef, FunctionDefLibrary, NodeDef and AttrValue (graph.proto, function.proto,
 * node_def.proto, attr_value.proto) into a SavedModel's graph list. Every string attribute
 * and string tensor element is also tried as a serialized GraphDef; one that parses strictly
 * (known fields only, at least one node, op names well formed) is walked as a nested graph.
 */
export class GraphReader {
  constructor(readonly model: SavedModel) {}

  /** GraphDef: node (1), library (2, FunctionDefLibrary). */
  graphDef(r: ProtoReader, label: string, kind: TfGraph['kind'], nesting: number, strict = false): TfGraph {
    if (nesting > MAX_GRAPH_NESTING) {
      throw new ModelgateError('LIMIT_DEPTH', `GraphDefs nested in attributes more than ${MAX_GRAPH_NESTING} deep at ${label}`, { offset: r.start });
    }
    const graph: TfGraph = { kind, label, nodes: [], offset: r.start };
    this.model.graphs.push(graph);
    while (r.next()) {
      if (strict && GRAPH_FIELDS.get(r.field) !== r.wireType) throw notGraph(r);
      if (r.field === 1) this.nodeDef(r.message(), graph, nesting, strict);
      else if (r.field === 2) this.library(r.message(), kind === 'nested' ? ` in ${label}` : '', nesting, strict);
      else r.skip();
    }
    if (strict && graph.nodes.length === 0) throw notGraph(r);
    return graph;
  }

  /** FunctionDefLibrary: function (1, FunctionDef); gradient (2) only maps names. */
  private library(r: ProtoReader, suffix: string, nesting: number, strict: boolean): void {
    while (r.next()) {
      if (r.field === 1) this.functionDef(r.message(), suffix, nesting, strict);
      else r.skip();
    }
  }

  /** FunctionDef: signature (1, OpDef), node_def (3), attr (5). */
  private functionDef(r: ProtoReader, suffix: string, nesting: number, strict: boolean): void {
    // The signature names the function; read it first, whatever the field order.
    const sig = r.sub(r.start, r.end);
    let name = '';
    while (sig.next()) {
      if (sig.field === 1) name = signatureName(sig.message());
      else sig.skip();
    }
    const graph: TfGraph = { kind: 'function', label: `function "${name}"${suffix}`, nodes: [], offset: r.start };
    this.model.graphs.push(graph);
    while (r.next()) {
      if (r.field === 3) this.nodeDef(r.message(), graph, nesting, strict);
      else if (r.field === 5) this.attrEntry(r.message(), `${graph.label} attr`, nesting);
      else r.skip();
    }
  }

  /** NodeDef: name (1), op (2), input (3), attr (5, map<string, AttrValue>). */
  private nodeDef(r: ProtoReader, graph: TfGraph, nesting: number, strict: boolean): void {
    if (++this.model.nodeCount > MAX_NODES) throw new ModelgateError('LIMIT_ENTRIES', `more than ${MAX_NODES} nodes`, { offset: r.start });
    const node: TfNode = { name: '', op: '', inputs: [], attrs: new Map(), offset: r.start };
    graph.nodes.push(node);
    const attrs: Array<{ start: number; end: number }> = [];
    while (r.next()) {
      if (strict && NODE_FIELDS.get(r.field) !== r.wireType) throw notGraph(r);
      if (r.field === 1) node.name = r.string();
      else if (r.field === 2) node.op = r.string();
      else if (r.field === 3 && node.inputs.length < MAX_INPUTS_KEPT) node.inputs.push(r.string());
      else if (r.field === 5) attrs.push(r.range());
      else r.skip();
    }
    if (strict && !OP_NAME.test(node.op)) throw notGraph(r);
    for (const { start, end } of attrs) this.attrEntry(r.sub(start, end), `${graph.label} > node "${node.name}" attr`, nesting, node);
  }

  /** A map<string, AttrValue> entry: key (1), value (2). */
  private attrEntry(r: ProtoReader, where: string, nesting: number, node?: TfNode): void {
    let key = '';
    let value: { start: number; end: number } | undefined;
    while (r.next()) {
      if (r.field === 1) key = r.string();
      else if (r.field === 2) value = r.range();
      else r.skip();
    }
    if (!value) return;
    const attr: TfAttr = {};
    this.attrValue(r.sub(value.start, value.end), attr, `${where} ${key}`, nesting);
    node?.attrs.set(key, attr);
  }

  /** AttrValue: list (1), s (2), tensor (8), func (10, NameAttrList). */
  private attrValue(r: ProtoReader, attr: TfAttr, where: string, nesting: number): void {
    while (r.next()) {
      if (r.field === 2) attr.s = this.stringValue(r, where, nesting);
      else if (r.field === 1) this.listValue(r.message(), attr, where, nesting);
      else if (r.field === 8) this.tensor(r.message(), attr, where, nesting);
      else if (r.field === 10) this.nameAttrList(r.message(), attr, where, nesting);
      else r.skip();
    }
  }

  /** AttrValue.ListValue: s (2), tensor (8), func (9). */
  private listValue(r: ProtoReader, attr: TfAttr, where: string, nesting: number): void {
    while (r.next()) {
      if (r.field === 2) keep((attr.list ??= []), this.stringValue(r, `${where}[${attr.list.length}]`, nesting));
      else if (r.field === 8) this.tensor(r.message(), attr, where, nesting);
      else if (r.field === 9) this.nameAttrList(r.message(), attr, where, nesting);
      else r.skip();
    }
  }

  /** NameAttrList: name (1), attr (2, map<string, AttrValue>). */
  private nameAttrList(r: ProtoReader, attr: TfAttr, where: string, nesting: number): void {
    while (r.next()) {
      if (r.field === 1) keep((attr.funcs ??= []), r.string());
      else if (r.field === 2) {
        const entry = r.message();
        let key = '';
        while (entry.next()) {
          if (entry.field === 1) key = entry.string();
          else if (entry.field === 2) this.attrValue(entry.message(), {}, `${where} func attr ${key}`, nesting);
          else entry.skip();
        }
      } else r.skip();
    }
  }

  /** TensorProto (tensor.proto): string_val (8) holds DT_STRING elements. */
  private tensor(r: ProtoReader, attr: TfAttr, where: string, nesting: number): void {
    while (r.next()) {
      if (r.field === 8) {
        const text = this.stringValue(r, `${where} tensor`, nesting);
        if ((attr.tensorStrings ??= []).length < MAX_TENSOR_STRINGS_KEPT) attr.tensorStrings.push(text);
      } else r.skip();
    }
  }

  /** A bytes field: tried as a nested GraphDef, and kept (cut) as text. */
  private stringValue(r: ProtoReader, where: string, nesting: number): string {
    const { start, end } = r.range();
    this.tryNestedGraph(r, start, end, where, nesting);
    return r.textAt(start, end);
  }

  /** Walks `[start, end)` as a GraphDef if it parses strictly as one; otherwise leaves no trace. */
  private tryNestedGraph(r: ProtoReader, start: number, end: number, where: string, nesting: number): void {
    if (end - start < 4 || !GRAPH_FIRST_BYTES.has(r.source.read(start, 1)[0] ?? -1)) return;
    const graphs = this.model.graphs.length;
    const nodes = this.model.nodeCount;
    try {
      this.graphDef(r.sub(start, end), `GraphDef in ${where}`, 'nested', nesting + 1, true);
    } catch (e) {
      // A limit is a real finding even here; anything else means these bytes are no graph.
      if (isModelgateError(e) && e.code.startsWith('LIMIT_')) throw e;
      if (!isModelgateError(e)) throw e;
      this.model.graphs.length = graphs;
      this.model.nodeCount = nodes;
    }
  }
}

/** OpDef.name (1). */
function signatureName(r: ProtoReader): string {
  let name = '';
  while (r.next()) {
    if (r.field === 1) name = r.string();
    else r.skip();
  }
  return name;
}

function keep(list: string[], value: string): void {
  if (list.length < MAX_STRINGS_KEPT) list.push(value);
}

const notGraph = (r: ProtoReader): ModelgateError => new ModelgateError('MALFORMED', 'not a GraphDef', { offset: r.fieldOffset });
