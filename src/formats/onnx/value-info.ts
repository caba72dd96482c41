import type { ProtoReader } from '../protobuf/wire.js';
import type { OnnxValueInfo } from './model.js';

/**
 * ValueInfoProto: name (1), type (2) → TypeProto.tensor_type (1) → TypeProto.Tensor elem_type
 * (1) and shape (2) → TensorShapeProto.dim (1) → Dimension dim_value (1) or dim_param (2, a
 * symbolic dim, kept as -1). Other TypeProto kinds (sequence, map, optional, sparse tensor)
 * leave elemType 0 and no dims. `keep` is charged one per dim.
 */
export function valueInfo(r: ProtoReader, keep: (count: number) => void): OnnxValueInfo {
  const info: OnnxValueInfo = { name: '', elemType: 0, dims: [] };
  while (r.next()) {
    if (r.field === 1) info.name = r.string();
    else if (r.field === 2) tensorType(r.message(), info, keep);
    else r.skip();
  }
  return info;
}

/** TypeProto: tensor_type (1) only. */
function tensorType(r: ProtoReader, info: OnnxValueInfo, keep: (count: number) => void): void {
  while (r.next()) {
    if (r.field !== 1) {
      r.skip();
      continue;
    }
    const tensor = r.message();
    while (tensor.next()) {
      if (tensor.field === 1) info.elemType = tensor.varint();
      else if (tensor.field === 2) info.dims = shape(tensor.message(), keep);
      else tensor.skip();
    }
  }
}

/** TensorShapeProto: dim (1), each a Dimension with dim_value (1) or dim_param (2). */
function shape(r: ProtoReader, keep: (count: number) => void): number[] {
  const dims: number[] = [];
  while (r.next()) {
    if (r.field !== 1) {
      r.skip();
      continue;
    }
    keep(1);
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
