import { ModelgateError } from '../../core/errors.js';
import type { ProtoReader } from '../protobuf/wire.js';
import { attributeKind } from './attribute.js';
import type { OnnxAttribute, OnnxAttributeValue, OnnxGraph, OnnxGraphNode, OnnxModel, OnnxNode, OnnxTensor } from './model.js';
import { float32, floats, int64s } from './scalars.js';
import { valueInfo } from './value-info.js';

/**
 * Subgraphs inside subgraphs (If/Loop/Scan bodies, GRAPH/GRAPHS attributes). Exporters nest a
 * handful deep; a crafted model nesting hundreds deep only wants to exhaust the scanner.
 */
export const MAX_GRAPH_DEPTH = 32;

/** NodeProtos in one model, all graphs and functions together. Large LLM exports have ~10^5. */
export const MAX_NODES = 5_000_000;

/** TensorProtos in one model. Each weight is one; real models have at most ~10^5. */
export const MAX_TENSORS = 5_000_000;

/**
 * Names and numbers kept of the main graph: node inputs and outputs, attributes and their list
 * values, initializers, graph inputs and outputs with their dims. A large LLM export keeps
 * ~10^6; the cap keeps a crafted graph from turning every byte of the file into a kept value.
 */
export const MAX_GRAPH_VALUES = 10_000_000;

/** Values of one FLOATS or INTS attribute: ops take a handful (pads, strides, perm). */
export const MAX_ATTRIBUTE_VALUES = 1_000_000;

/** key/value entries kept per external-data tensor; the spec defines five keys. */
const MAX_EXTERNAL_ENTRIES = 64;

/** `[start, end)` of a length-delimited field. */
type Range = { start: number; end: number };

/**
 * Reads GraphProto, NodeProto, AttributeProto and TensorProto into an OnnxModel (onnx.proto).
 * Every graph's nodes are listed for the rules; the main graph is also kept in detail (node
 * inputs, outputs and attribute values, initializers located, graph inputs and outputs).
 */
export class GraphWalker {
  private kept = 0;

  constructor(readonly model: OnnxModel) {}

  /** Charges `count` values kept of the main graph against MAX_GRAPH_VALUES. */
  private readonly keep = (count: number): void => {
    this.kept += count;
    if (this.kept > MAX_GRAPH_VALUES) throw new ModelgateError('LIMIT_ENTRIES', `the main graph has more than ${MAX_GRAPH_VALUES} names and values`);
  };

  /**
   * GraphProto: node (1), name (2), initializer (5), input (11), output (12),
   * sparse_initializer (15). `main` is ModelProto.graph: it is kept in detail, and a second
   * ModelProto.graph field merges into the first, as protobuf merges repeated message fields.
   */
  graph(r: ProtoReader, where: string, depth: number, main = false): void {
    if (depth > MAX_GRAPH_DEPTH) {
      throw new ModelgateError('LIMIT_DEPTH', `subgraphs nested more than ${MAX_GRAPH_DEPTH} deep at ${where}`, { offset: r.start });
    }
    this.model.graphCount++;
    this.model.maxGraphDepth = Math.max(this.model.maxGraphDepth, depth);
    // The name (2) follows the nodes on the wire: note where nodes and tensors are, then read
    // them once the name is known. One pass over the graph's keys; weights are hopped over.
    const detail = main ? (this.model.graph ??= emptyGraph()) : undefined;
    let name = '';
    const nodes: Range[] = [];
    const tensors: Array<Range & { sparse: boolean }> = [];
    while (r.next()) {
      if (r.field === 1) nodes.push(r.range());
      else if (r.field === 2) name = r.string();
      else if (r.field === 5 || r.field === 15) tensors.push({ ...r.range(), sparse: r.field === 15 });
      else if (detail && (r.field === 11 || r.field === 12)) {
        this.keep(1);
        (r.field === 11 ? detail.inputs : detail.outputs).push(valueInfo(r.message(), this.keep));
      } else r.skip();
    }
    if (detail && name) detail.name = name;
    const label = name ? `${where} "${name}"` : where;
    for (const n of nodes) this.node(r.sub(n.start, n.end), label, depth, detail);
    for (const t of tensors) {
      if (t.sparse) {
        this.sparseTensor(r.sub(t.start, t.end), `sparse initializer of ${label}`);
        if (detail) detail.sparseInitializers++;
      } else {
        const tensor = this.tensor(r.sub(t.start, t.end), `initializer of ${label}`);
        if (detail) {
          this.keep(1);
          detail.initializers.push(tensor);
        }
      }
    }
  }

  /** A NodeProto of a FunctionProto body (FunctionProto.node, field 7). */
  functionNode(r: ProtoReader, where: string): void {
    this.node(r, where, 0);
  }

  /**
   * NodeProto: input (1), output (2), name (3), op_type (4), attribute (5), domain (7). Inputs,
   * outputs and attribute values are kept for a node of the main graph (`detail`).
   */
  private node(r: ProtoReader, graph: string, depth: number, detail?: OnnxGraph): void {
    if (this.model.nodes.length >= MAX_NODES) throw new ModelgateError('LIMIT_ENTRIES', `more than ${MAX_NODES} nodes`, { offset: r.start });
    const node: OnnxNode = { opType: '', domain: '', name: '', graph, offset: r.start };
    this.model.nodes.push(node);
    // The same object, so the rules and the main graph see one node.
    const full: OnnxGraphNode | undefined = detail ? Object.assign(node, { inputs: [], outputs: [], attributes: [] }) : undefined;
    if (detail && full) {
      this.keep(1);
      detail.nodes.push(full);
    }
    const attributes: Range[] = [];
    while (r.next()) {
      switch (r.field) {
        case 1:
        case 2:
          if (!full) {
            r.skip();
            break;
          }
          this.keep(1);
          (r.field === 1 ? full.inputs : full.outputs).push(r.string());
          break;
        case 3:
          node.name = r.string();
          break;
        case 4:
          node.opType = r.string();
          break;
        case 5:
          // Read after the names so subgraphs can be labelled with them.
          attributes.push(r.range());
          break;
        case 7:
          node.domain = r.string();
          break;
        default:
          r.skip();
      }
    }
    const owner = `${graph} > node "${node.name || node.opType}"`;
    for (const { start, end } of attributes) {
      const attribute = this.attribute(r.sub(start, end), owner, depth, full !== undefined);
      if (full && attribute) full.attributes.push(attribute);
    }
  }

  /**
   * AttributeProto: name (1), f (2), i (3), s (4), t (5), g (6), floats (7), ints (8),
   * tensors (10), graphs (11), type (20), sparse_tensor (22), sparse_tensors (23). Every graph
   * and tensor field is read whatever `type` says, since a scanner trusting the discriminator
   * would miss a body a lenient runtime still reads. With `keepValue` (a main-graph node) the
   * value is returned too; the last value field decides its kind, as `type` is optional in old
   * exporters, and a kind that contradicts a `type` present makes it `other`.
   */
  attribute(r: ProtoReader, owner: string, depth: number, keepValue = false): OnnxAttribute | undefined {
    let name = '';
    let value: OnnxAttributeValue = { type: 'other' };
    let declared = 0;
    const floatList: number[] = [];
    const intList: number[] = [];
    const graphs: Array<Range & { index?: number }> = [];
    let graphIndex = 0;
    while (r.next()) {
      const field = r.field;
      if (field === 1) name = r.string();
      else if (field === 5 || field === 10) {
        const tensor = this.tensor(r.message(), `${owner} attribute`);
        if (field === 5) value = { type: 'tensor', value: tensor };
      } else if (field === 6 || field === 11) {
        graphs.push(field === 6 ? r.range() : { ...r.range(), index: graphIndex++ });
        value = { type: 'graph' };
      } else if (field === 22 || field === 23) this.sparseTensor(r.message(), `${owner} attribute`);
      else if (!keepValue) r.skip();
      else if (field === 2) value = { type: 'float', value: float32(r) };
      else if (field === 3) value = { type: 'int', value: r.int64() };
      else if (field === 4) value = { type: 'string', value: r.string() };
      else if (field === 7) {
        floats(r, 4, this.listCollector(floatList, r.fieldOffset), { max: MAX_ATTRIBUTE_VALUES - floatList.length });
        value = { type: 'floats', value: floatList };
      } else if (field === 8) {
        int64s(r, this.listCollector(intList, r.fieldOffset), 64, { max: MAX_ATTRIBUTE_VALUES - intList.length });
        value = { type: 'ints', value: intList };
      } else if (field === 20) declared = r.varint();
      else r.skip();
    }
    for (const g of graphs) {
      const where = `${owner} attribute ${name || '?'}${g.index === undefined ? '' : `[${g.index}]`}`;
      this.graph(r.sub(g.start, g.end), where, depth + 1);
    }
    if (!keepValue) return undefined;
    this.keep(1);
    return { name, value: attributeKind(value, declared) };
  }

  /** Pushes list values of one attribute, charged to the main graph's budget and capped at MAX_ATTRIBUTE_VALUES. */
  private listCollector(list: number[], offset: number): (value: number) => void {
    return (value) => {
      if (list.length >= MAX_ATTRIBUTE_VALUES)
        throw new ModelgateError('LIMIT_ENTRIES', `an attribute has more than ${MAX_ATTRIBUTE_VALUES} values`, { offset });
      this.keep(1);
      list.push(value);
    };
  }

  /** SparseTensorProto: values (1) and indices (2) are TensorProtos. */
  private sparseTensor(r: ProtoReader, where: string): void {
    while (r.next()) {
      if (r.field === 1 || r.field === 2) this.tensor(r.message(), where);
      else r.skip();
    }
  }

  /**
   * TensorProto: name (8), external_data (13), data_location (14); the data fields are hopped
   * over and read on demand (tensor.ts). Returns where the tensor is.
   */
  private tensor(r: ProtoReader, where: string): OnnxTensor {
    if (++this.model.tensorCount > MAX_TENSORS) throw new ModelgateError('LIMIT_ENTRIES', `more than ${MAX_TENSORS} tensors`, { offset: r.start });
    let name = '';
    let dataLocation = 0;
    const entries: Array<{ key: string; value: string }> = [];
    while (r.next()) {
      switch (r.field) {
        case 8:
          name = r.string();
          break;
        case 13:
          if (entries.length >= MAX_EXTERNAL_ENTRIES) {
            throw new ModelgateError('LIMIT_ENTRIES', `tensor ${name} has more than ${MAX_EXTERNAL_ENTRIES} external_data entries`, { offset: r.fieldOffset });
          }
          entries.push(stringEntry(r.message()));
          break;
        case 14:
          dataLocation = r.varint();
          break;
        default:
          r.skip();
      }
    }
    const tensor = { name, start: r.start, end: r.end, external: entries.length > 0 || dataLocation !== 0 };
    if (!tensor.external) return tensor;
    // The last `location` wins, as in onnx.external_data_helper's dict of entries.
    const location = entries.filter((e) => e.key === 'location').pop()?.value;
    this.model.externalData.push({ tensor: name, location, entries, dataLocation, where, offset: r.start });
    return tensor;
  }
}

function emptyGraph(): OnnxGraph {
  return { name: '', nodes: [], initializers: [], sparseInitializers: 0, inputs: [], outputs: [] };
}

/** StringStringEntryProto: key (1), value (2). */
export function stringEntry(r: ProtoReader): { key: string; value: string } {
  const entry = { key: '', value: '' };
  while (r.next()) {
    if (r.field === 1) entry.key = r.string();
    else if (r.field === 2) entry.value = r.string();
    else r.skip();
  }
  return entry;
}

/** OperatorSetIdProto: domain (1), version (2). */
export function opsetId(r: ProtoReader): { domain: string; version: number } {
  const opset = { domain: '', version: 0 };
  while (r.next()) {
    if (r.field === 1) opset.domain = r.string();
    else if (r.field === 2) opset.version = r.int64();
    else r.skip();
  }
  return opset;
}
