import { ModelgateError } from '../../core/errors.js';
import type { ProtoReader } from '../protobuf/wire.js';
import type { OnnxModel } from './model.js';

/**
 * Subgraphs inside subgraphs (If/Loop/Scan bodies, GRAPH/GRAPHS attributes). Exporters nest a
 * handful deep; a crafted model nesting hundreds deep only wants to exhaust the scanner.
 */
export const MAX_GRAPH_DEPTH = 32;

/** NodeProtos in one model, all graphs and functions together. Large LLM exports have ~10^5. */
export const MAX_NODES = 5_000_000;

/** TensorProtos in one model. Each weight is one; real models have at most ~10^5. */
export const MAX_TENSORS = 5_000_000;

/** key/value entries kept per external-data tensor; the spec defines five keys. */
const MAX_EXTERNAL_ENTRIES = 64;

/** `[start, end)` of a length-delimited field. */
type Range = { start: number; end: number };

/** Reads GraphProto, NodeProto, AttributeProto and TensorProto into an OnnxModel (onnx.proto). */
export class GraphWalker {
  constructor(readonly model: OnnxModel) {}

  /** GraphProto: node (1), name (2), initializer (5), sparse_initializer (15). */
  graph(r: ProtoReader, where: string, depth: number): void {
    if (depth > MAX_GRAPH_DEPTH) {
      throw new ModelgateError('LIMIT_DEPTH', `subgraphs nested more than ${MAX_GRAPH_DEPTH} deep at ${where}`, { offset: r.start });
    }
    this.model.graphCount++;
    this.model.maxGraphDepth = Math.max(this.model.maxGraphDepth, depth);
    // The name (2) follows the nodes on the wire: note where nodes and tensors are, then read
    // them once the name is known. One pass over the graph's keys; weights are hopped over.
    let name = '';
    const nodes: Range[] = [];
    const tensors: Array<Range & { sparse: boolean }> = [];
    while (r.next()) {
      if (r.field === 1) nodes.push(r.range());
      else if (r.field === 2) name = r.string();
      else if (r.field === 5 || r.field === 15) tensors.push({ ...r.range(), sparse: r.field === 15 });
      else r.skip();
    }
    const label = name ? `${where} "${name}"` : where;
    for (const n of nodes) this.node(r.sub(n.start, n.end), label, depth);
    for (const t of tensors) {
      if (t.sparse) this.sparseTensor(r.sub(t.start, t.end), `sparse initializer of ${label}`);
      else this.tensor(r.sub(t.start, t.end), `initializer of ${label}`);
    }
  }

  /** A NodeProto of a FunctionProto body (FunctionProto.node, field 7). */
  functionNode(r: ProtoReader, where: string): void {
    this.node(r, where, 0);
  }

  /** NodeProto: name (3), op_type (4), attribute (5), domain (7). */
  private node(r: ProtoReader, graph: string, depth: number): void {
    if (this.model.nodes.length >= MAX_NODES) throw new ModelgateError('LIMIT_ENTRIES', `more than ${MAX_NODES} nodes`, { offset: r.start });
    const node = { opType: '', domain: '', name: '', graph, offset: r.start };
    this.model.nodes.push(node);
    const attributes: Range[] = [];
    while (r.next()) {
      switch (r.field) {
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
    for (const { start, end } of attributes) this.attribute(r.sub(start, end), owner, depth);
  }

  /**
   * AttributeProto: name (1), t (5), g (6), tensors (10), graphs (11), sparse_tensor (22),
   * sparse_tensors (23). Every graph and tensor field is read whatever `type` (20) says, since
   * a scanner trusting the discriminator would miss a body a lenient runtime still reads.
   */
  attribute(r: ProtoReader, owner: string, depth: number): void {
    let name = '';
    const graphs: Array<Range & { index?: number }> = [];
    let graphIndex = 0;
    while (r.next()) {
      switch (r.field) {
        case 1:
          name = r.string();
          break;
        case 5:
        case 10:
          this.tensor(r.message(), `${owner} attribute`);
          break;
        case 6:
          graphs.push(r.range());
          break;
        case 11:
          graphs.push({ ...r.range(), index: graphIndex++ });
          break;
        case 22:
        case 23:
          this.sparseTensor(r.message(), `${owner} attribute`);
          break;
        default:
          r.skip();
      }
    }
    for (const g of graphs) {
      const where = `${owner} attribute ${name || '?'}${g.index === undefined ? '' : `[${g.index}]`}`;
      this.graph(r.sub(g.start, g.end), where, depth + 1);
    }
  }

  /** SparseTensorProto: values (1) and indices (2) are TensorProtos. */
  private sparseTensor(r: ProtoReader, where: string): void {
    while (r.next()) {
      if (r.field === 1 || r.field === 2) this.tensor(r.message(), where);
      else r.skip();
    }
  }

  /** TensorProto: name (8), external_data (13), data_location (14); raw_data (9) is hopped over. */
  private tensor(r: ProtoReader, where: string): void {
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
    if (entries.length === 0 && dataLocation === 0) return;
    // The last `location` wins, as in onnx.external_data_helper's dict of entries.
    const location = entries.filter((e) => e.key === 'location').pop()?.value;
    this.model.externalData.push({ tensor: name, location, entries, dataLocation, where, offset: r.start });
  }
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

