/** Test-only: MXNet files as `mx.nd.save` and `Symbol.save` write them (src/ndarray/ndarray.cc, nnvm JSON). */

const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};
const i32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
};
const u64 = (v: number | bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
};
const shape = (dims: number[]): Buffer => Buffer.concat([i32(dims.length), ...dims.map((d) => u64(d))]);

/** A dense float32 NDArray in the V2 layout (magic, stype 0, shape, context, type flag, data). */
export function denseArray(dims: number[], typeFlag = 0, elementBytes = 4): Buffer {
  const n = dims.reduce((a, b) => a * b, 1);
  return Buffer.concat([u32(0xf993fac9), i32(0), shape(dims), i32(1), i32(0), i32(typeFlag), Buffer.alloc(n * elementBytes, 0x3f)]);
}

/** A row_sparse NDArray (V2): storage shape, shape, context, type, aux type + shape, data, aux data. */
export function rowSparseArray(rows: number, cols: number, stored: number): Buffer {
  return Buffer.concat([
    u32(0xf993fac9),
    i32(1),
    shape([stored, cols]),
    shape([rows, cols]),
    i32(1),
    i32(0),
    i32(0),
    i32(6),
    shape([stored]),
    Buffer.alloc(stored * cols * 4, 0x3f),
    Buffer.alloc(stored * 8, 0),
  ]);
}

/** An NDArray list: magic 0x112, reserved, the arrays, the names. */
export function ndarrayList(arrays: Buffer[], names: string[]): Buffer {
  return Buffer.concat([
    u64(0x112),
    u64(0),
    u64(arrays.length),
    ...arrays,
    u64(names.length),
    ...names.flatMap((n) => [u64(Buffer.byteLength(n)), Buffer.from(n)]),
  ]);
}

/** A symbol graph JSON with the given op nodes after one `data` variable. */
export function symbolJson(nodes: Array<{ op: string; name?: string; attrs?: Record<string, string> }>): Buffer {
  const all = [
    { op: 'null', name: 'data', inputs: [] },
    ...nodes.map((n, i) => ({ op: n.op, name: n.name ?? `node${i}`, ...(n.attrs ? { attrs: n.attrs } : {}), inputs: [[i, 0, 0]] })),
  ];
  return Buffer.from(
    JSON.stringify(
      { nodes: all, arg_nodes: [0], node_row_ptr: all.map((_, i) => i), heads: [[all.length - 1, 0, 0]], attrs: { mxnet_version: ['int', 10901] } },
      null,
      2,
    ),
  );
}
