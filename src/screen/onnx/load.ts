import { BufferSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { opsetId } from '../../formats/onnx/graph.js';
import { ProtoReader, WireType } from '../../formats/protobuf/wire.js';
import { type AttributeValue, type ConstTensor, DataType, type GraphNode, type OnnxGraph, type ValueInfo } from './model.js';

/**
 * Elements of all weights together. Screening is for small image classifiers (10^4..10^7
 * parameters); a model past 10^8 would not fit the optimisation's time budget anyway, and the
 * cap keeps a crafted dims field from asking for gigabytes.
 */
export const MAX_WEIGHT_ELEMENTS = 100_000_000;

/** Nodes of the main graph; small classifiers have tens to a few thousand. */
export const MAX_GRAPH_NODES = 100_000;

/** Dims of one tensor; ONNX tensors in image classifiers have at most 6. */
const MAX_RANK = 8;

/**
 * Reads an ONNX ModelProto into what the interpreter needs: the main graph's nodes with their
 * attributes, initializers with their data, inputs and outputs (onnx.proto field numbers cited
 * at each step). Subgraphs (If/Loop bodies) and external data are not read: the interpreter
 * refuses any op or tensor that needs them, so nothing is silently dropped.
 */
export function loadOnnxGraph(bytes: Buffer): OnnxGraph {
  const graph: OnnxGraph = { opsetVersion: 0, nodes: [], initializers: new Map(), inputs: [], outputs: [] };
  const budget = { elements: 0 };
  let sawGraph = false;
  // ModelProto: graph (7), opset_import (8).
  const r = ProtoReader.over(new BufferSource(bytes));
  while (r.next()) {
    if (r.field === 7) {
      readGraph(r.message(), graph, budget);
      sawGraph = true;
    } else if (r.field === 8) {
      const opset = opsetId(r.message());
      if (opset.domain === '' || opset.domain === 'ai.onnx') graph.opsetVersion = opset.version;
    } else r.skip();
  }
  if (!sawGraph) throw new ModelgateError('MALFORMED', 'ONNX model has no graph');
  const fed = graph.inputs.filter((i) => !graph.initializers.has(i.name));
  graph.inputs = fed;
  return graph;
}

/** GraphProto: node (1), initializer (5), input (11), output (12), sparse_initializer (15). */
function readGraph(r: ProtoReader, graph: OnnxGraph, budget: { elements: number }): void {
  while (r.next()) {
    switch (r.field) {
      case 1:
        if (graph.nodes.length >= MAX_GRAPH_NODES) throw new ModelgateError('LIMIT_ENTRIES', `more than ${MAX_GRAPH_NODES} nodes`);
        graph.nodes.push(readNode(r.message(), budget));
        break;
      case 5: {
        const { name, tensor } = readTensor(r.message(), budget);
        graph.initializers.set(name, tensor);
        break;
      }
      case 11:
        graph.inputs.push(readValueInfo(r.message()));
        break;
      case 12:
        graph.outputs.push(readValueInfo(r.message()));
        break;
      case 15:
        throw new ModelgateError('UNSUPPORTED', 'sparse initializers are not supported by the screening interpreter');
      default:
        r.skip();
    }
  }
}

/** NodeProto: input (1), output (2), name (3), op_type (4), attribute (5), domain (7). */
function readNode(r: ProtoReader, budget: { elements: number }): GraphNode {
  const node: GraphNode = { opType: '', domain: '', name: '', inputs: [], outputs: [], attributes: new Map() };
  while (r.next()) {
    switch (r.field) {
      case 1:
        node.inputs.push(r.string());
        break;
      case 2:
        node.outputs.push(r.string());
        break;
      case 3:
        node.name = r.string();
        break;
      case 4:
        node.opType = r.string();
        break;
      case 5: {
        const { name, value } = readAttribute(r.message(), budget);
        node.attributes.set(name, value);
        break;
      }
      case 7:
        node.domain = r.string();
        break;
      default:
        r.skip();
    }
  }
  return node;
}

/**
 * AttributeProto: name (1), f (2), i (3), s (4), t (5), g (6), floats (7), ints (8),
 * graphs (11). The first value field present decides the type, as `type` (20) is optional in
 * old exporters.
 */
function readAttribute(r: ProtoReader, budget: { elements: number }): { name: string; value: AttributeValue } {
  let name = '';
  let value: AttributeValue = { type: 'other' };
  const floats: number[] = [];
  const ints: number[] = [];
  while (r.next()) {
    switch (r.field) {
      case 1:
        name = r.string();
        break;
      case 2:
        value = { type: 'float', value: readFloat32Field(r) };
        break;
      case 3:
        value = { type: 'int', value: r.int64() };
        break;
      case 4:
        value = { type: 'string', value: r.string() };
        break;
      case 5:
        value = { type: 'tensor', value: readTensor(r.message(), budget).tensor };
        break;
      case 6:
      case 11:
        r.skip();
        value = { type: 'graph' };
        break;
      case 7:
        readFloats(r, floats);
        value = { type: 'floats', value: floats };
        break;
      case 8:
        readInt64s(r, ints);
        value = { type: 'ints', value: ints };
        break;
      default:
        r.skip();
    }
  }
  return { name, value };
}

/** One float32 field (wire type I32); ProtoReader has no float reader, so the 4 bytes are read raw. */
function readFloat32Field(r: ProtoReader): number {
  r.expect(WireType.I32);
  const at = r.offset;
  r.skip();
  return r.bytesAt(at, at + 4).readFloatLE(0);
}

/** Repeated float32, packed (LEN) or one per key (I32). */
function readFloats(r: ProtoReader, out: number[]): void {
  if (r.wireType !== WireType.LEN) {
    out.push(readFloat32Field(r));
    return;
  }
  const { start, end } = r.range();
  if ((end - start) % 4 !== 0) throw new ModelgateError('MALFORMED', 'packed floats are not a multiple of 4 bytes', { offset: start });
  const bytes = r.bytesAt(start, end);
  for (let i = 0; i < bytes.length; i += 4) out.push(bytes.readFloatLE(i));
}

/** Repeated int64, packed or not, as two's-complement numbers. */
function readInt64s(r: ProtoReader, out: number[]): void {
  r.varints((v) => out.push(v >= 2 ** 63 ? v - 2 ** 64 : v));
}

/** ValueInfoProto: name (1), type (2) → TypeProto.tensor_type (1) → elem_type (1), shape (2). */
function readValueInfo(r: ProtoReader): ValueInfo {
  const info: ValueInfo = { name: '', elemType: 0, dims: [] };
  while (r.next()) {
    if (r.field === 1) info.name = r.string();
    else if (r.field === 2) {
      const type = r.message();
      while (type.next()) {
        if (type.field !== 1) {
          type.skip();
          continue;
        }
        const tensorType = type.message();
        while (tensorType.next()) {
          if (tensorType.field === 1) info.elemType = tensorType.varint();
          else if (tensorType.field === 2) info.dims = readShape(tensorType.message());
          else tensorType.skip();
        }
      }
    } else r.skip();
  }
  return info;
}

/** TensorShapeProto: dim (1) → Dimension: dim_value (1) or dim_param (2, symbolic → -1). */
function readShape(r: ProtoReader): number[] {
  const dims: number[] = [];
  while (r.next()) {
    if (r.field !== 1) {
      r.skip();
      continue;
    }
    let dim = -1;
    const d = r.message();
    while (d.next()) {
      if (d.field === 1) dim = d.int64();
      else d.skip();
    }
    dims.push(dim);
  }
  return dims;
}

/**
 * TensorProto: dims (1), data_type (2), float_data (4), int32_data (5), int64_data (7),
 * name (8), raw_data (9, little-endian), double_data (10), data_location (14).
 */
function readTensor(r: ProtoReader, budget: { elements: number }): { name: string; tensor: ConstTensor } {
  let name = '';
  const dims: number[] = [];
  let dataType = 0;
  let raw: Buffer | undefined;
  const floats: number[] = [];
  const ints: number[] = [];
  while (r.next()) {
    switch (r.field) {
      case 1:
        readInt64s(r, dims);
        break;
      case 2:
        dataType = r.varint();
        break;
      case 4:
        readFloats(r, floats);
        break;
      case 5:
        r.varints((v) => ints.push(v >= 2 ** 31 ? v - 2 ** 32 : v));
        break;
      case 7:
        readInt64s(r, ints);
        break;
      case 8:
        name = r.string();
        break;
      case 9: {
        const { start, end } = r.range();
        raw = r.bytesAt(start, end);
        break;
      }
      case 10: {
        const { start, end } = r.range();
        const bytes = r.bytesAt(start, end);
        for (let i = 0; i + 8 <= bytes.length; i += 8) floats.push(bytes.readDoubleLE(i));
        break;
      }
      case 13:
      case 14:
        throw new ModelgateError('UNSUPPORTED', `tensor ${name || '?'} keeps its data outside the model file`);
      default:
        r.skip();
    }
  }
  if (dims.length > MAX_RANK || dims.some((d) => d < 0 || !Number.isSafeInteger(d))) {
    throw new ModelgateError('MALFORMED', `tensor ${name} has invalid dims [${dims.join(',')}]`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  budget.elements += count;
  if (budget.elements > MAX_WEIGHT_ELEMENTS) {
    throw new ModelgateError('LIMIT_MEMBER_BYTES', `weights exceed ${MAX_WEIGHT_ELEMENTS} elements`);
  }
  return { name, tensor: tensorData(name, dims, count, dataType, raw, floats, ints) };
}

/** The tensor's values from raw_data or the typed repeated field, checked against its dims. */
function tensorData(name: string, dims: number[], count: number, dataType: number, raw: Buffer | undefined, floats: number[], ints: number[]): ConstTensor {
  const fail = (why: string): never => {
    throw new ModelgateError('MALFORMED', `tensor ${name}: ${why}`);
  };
  if (dataType === DataType.FLOAT || dataType === DataType.DOUBLE) {
    const width = dataType === DataType.FLOAT ? 4 : 8;
    const data = new Float32Array(count);
    if (raw) {
      if (raw.length !== count * width) fail(`raw_data has ${raw.length} bytes for ${count} elements`);
      for (let i = 0; i < count; i++) data[i] = width === 4 ? raw.readFloatLE(i * 4) : raw.readDoubleLE(i * 8);
    } else {
      if (floats.length !== count) fail(`has ${floats.length} values for ${count} elements`);
      data.set(floats);
    }
    return { dims, kind: 'float', data };
  }
  if (dataType === DataType.INT64 || dataType === DataType.INT32 || dataType === DataType.INT8 || dataType === DataType.UINT8) {
    if (!raw) {
      if (ints.length !== count) fail(`has ${ints.length} values for ${count} elements`);
      return { dims, kind: 'int', data: ints };
    }
    const width = dataType === DataType.INT64 ? 8 : dataType === DataType.INT32 ? 4 : 1;
    if (raw.length !== count * width) fail(`raw_data has ${raw.length} bytes for ${count} elements`);
    const data: number[] = [];
    for (let i = 0; i < count; i++) {
      if (width === 8) data.push(Number(raw.readBigInt64LE(i * 8)));
      else if (width === 4) data.push(raw.readInt32LE(i * 4));
      else data.push(dataType === DataType.INT8 ? raw.readInt8(i) : raw.readUInt8(i));
    }
    return { dims, kind: 'int', data };
  }
  throw new ModelgateError('UNSUPPORTED', `tensor ${name} has data type ${dataType}, which the screening interpreter does not read`);
}
