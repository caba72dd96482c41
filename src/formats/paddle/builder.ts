import { proto, ProtoWriter } from '../protobuf/writer.js';

/** Test-only: one op of a Paddle program, with string attributes (`file_path`…). */
export interface PaddleOpDesc {
  type: string;
  attrs?: Record<string, string>;
}

/** AttrType STRING (framework.proto `AttrType`). */
const ATTR_STRING = 2;

function op(d: PaddleOpDesc): ProtoWriter {
  const w = proto().message(1, proto().string(1, 'X').string(2, 'x')).message(2, proto().string(1, 'Out').string(2, 'out')).string(3, d.type);
  for (const [name, value] of Object.entries(d.attrs ?? {})) w.message(4, proto().string(1, name).uint(2, ATTR_STRING).string(5, value));
  return w;
}

/** A ProgramDesc (framework.proto) with one block per list of ops, as `save_inference_model` writes it. */
export function paddleProgram(...blocks: PaddleOpDesc[][]): Buffer {
  const w = proto();
  blocks.forEach((ops, idx) => {
    const block = proto()
      .uint(1, idx)
      .uint(2, idx === 0 ? 0xffffffffffffffffn : 0);
    block.message(3, proto().string(1, 'x').message(2, proto().uint(1, 7)));
    for (const o of ops) block.message(4, op(o));
    w.message(1, block);
  });
  return w.message(4, proto().uint(1, 2006000)).finish();
}

/** Test-only: LoDTensor records as `save_combine` writes them (lod_tensor.cc, tensor_util.cc). */
export function paddleParams(tensors: Array<{ dataType: number; dims: number[]; lod?: number[][] }>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    return b;
  };
  const u64 = (v: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    return b;
  };
  const bytesPer: Record<number, number> = { 5: 4, 3: 8, 20: 1 };
  for (const t of tensors) {
    parts.push(u32(0), u64(t.lod?.length ?? 0));
    for (const level of t.lod ?? []) parts.push(u64(level.length * 8), ...level.map(u64));
    const desc = proto().uint(1, t.dataType).packed(2, t.dims).finish();
    parts.push(u32(0), u32(desc.length), desc);
    parts.push(Buffer.alloc(t.dims.reduce((a, b) => a * b, 1) * (bytesPer[t.dataType] ?? 4), 0x11));
  }
  return Buffer.concat(parts);
}
