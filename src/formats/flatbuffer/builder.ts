/**
 * Test-only: lays out a flatbuffer from a typed description (flatbuffers.dev "Internals"). It
 * writes forwards: a table's vtable just before it, its children after it, so every uoffset is
 * positive as the format requires. Real builders write backwards; readers cannot tell.
 */

export type FbValue =
  | { kind: 'u8' | 'i8' | 'u16' | 'u32' | 'i32'; value: number }
  | { kind: 'u64'; value: bigint }
  | { kind: 'string'; value: string }
  | { kind: 'table'; fields: ReadonlyArray<FbValue | undefined> }
  | { kind: 'tables'; items: ReadonlyArray<FbValue & { kind: 'table' }> }
  | { kind: 'strings'; items: readonly string[] }
  | { kind: 'ubytes'; value: Buffer }
  | { kind: 'i32s'; items: readonly number[] };

export type FbTable = FbValue & { kind: 'table' };

/** Shorthands for descriptions. */
export const fb = {
  u8: (value: number): FbValue => ({ kind: 'u8', value }),
  i8: (value: number): FbValue => ({ kind: 'i8', value }),
  u32: (value: number): FbValue => ({ kind: 'u32', value }),
  i32: (value: number): FbValue => ({ kind: 'i32', value }),
  u64: (value: bigint): FbValue => ({ kind: 'u64', value }),
  str: (value: string): FbValue => ({ kind: 'string', value }),
  table: (...fields: Array<FbValue | undefined>): FbTable => ({ kind: 'table', fields }),
  tables: (...items: FbTable[]): FbValue => ({ kind: 'tables', items }),
  strings: (...items: string[]): FbValue => ({ kind: 'strings', items }),
  ubytes: (value: Buffer): FbValue => ({ kind: 'ubytes', value }),
  i32s: (...items: number[]): FbValue => ({ kind: 'i32s', items }),
};

const isOffset = (v: FbValue): boolean =>
  v.kind === 'string' || v.kind === 'table' || v.kind === 'tables' || v.kind === 'strings' || v.kind === 'ubytes' || v.kind === 'i32s';

class Out {
  buf = Buffer.alloc(1024);
  len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  pad(align: number): void {
    while (this.len % align !== 0) this.bytes(Buffer.alloc(1));
  }
  bytes(b: Buffer): number {
    this.ensure(b.length);
    b.copy(this.buf, this.len);
    const at = this.len;
    this.len += b.length;
    return at;
  }
  u32(v: number): number {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    return this.bytes(b);
  }
  patch(at: number, target: number): void {
    this.buf.writeUInt32LE(target - at, at);
  }
}

function scalarBytes(v: FbValue): Buffer {
  const b = Buffer.alloc(v.kind === 'u64' ? 8 : 4);
  if (v.kind === 'u64') b.writeBigUInt64LE(v.value);
  else if (v.kind === 'u8') b.writeUInt8(v.value);
  else if (v.kind === 'i8') b.writeInt8(v.value);
  else if (v.kind === 'u16') b.writeUInt16LE(v.value);
  else if (v.kind === 'u32') b.writeUInt32LE(v.value >>> 0);
  else if (v.kind === 'i32') b.writeInt32LE(v.value);
  return b;
}

function emit(out: Out, v: FbValue): number {
  out.pad(4);
  switch (v.kind) {
    case 'string': {
      const at = out.u32(Buffer.byteLength(v.value));
      out.bytes(Buffer.concat([Buffer.from(v.value, 'utf8'), Buffer.alloc(1)]));
      return at;
    }
    case 'ubytes': {
      const at = out.u32(v.value.length);
      out.bytes(v.value);
      return at;
    }
    case 'i32s': {
      const at = out.u32(v.items.length);
      for (const i of v.items) out.bytes(scalarBytes({ kind: 'i32', value: i }));
      return at;
    }
    case 'tables':
    case 'strings': {
      const at = out.u32(v.items.length);
      const slots = v.items.map(() => out.u32(0));
      const items: FbValue[] = v.kind === 'tables' ? [...v.items] : v.items.map((s) => ({ kind: 'string', value: s }));
      items.forEach((item, i) => out.patch(slots[i]!, emit(out, item)));
      return at;
    }
    case 'table':
      return emitTable(out, v.fields);
    default:
      throw new Error(`a ${v.kind} is stored inline, not on its own`);
  }
}

function emitTable(out: Out, fields: ReadonlyArray<FbValue | undefined>): number {
  // Layout: soffset, then each present field in a 4-byte slot (8 for u64).
  const offsets: number[] = [];
  let size = 4;
  for (const f of fields) {
    if (!f) {
      offsets.push(0);
      continue;
    }
    offsets.push(size);
    size += f.kind === 'u64' ? 8 : 4;
  }
  const vtableBytes = 4 + 2 * fields.length;
  const vt = Buffer.alloc(vtableBytes + ((4 - (vtableBytes % 4)) % 4));
  vt.writeUInt16LE(vtableBytes, 0);
  vt.writeUInt16LE(size, 2);
  offsets.forEach((o, i) => vt.writeUInt16LE(o, 4 + 2 * i));
  const vtable = out.bytes(vt);
  const table = out.len;
  const head = Buffer.alloc(4);
  head.writeInt32LE(table - vtable);
  out.bytes(head);
  const pending: Array<[number, FbValue]> = [];
  for (const f of fields) {
    if (!f) continue;
    if (isOffset(f)) pending.push([out.u32(0), f]);
    else out.bytes(scalarBytes(f));
  }
  for (const [slot, child] of pending) out.patch(slot, emit(out, child));
  return table;
}

/** A whole flatbuffer: root uoffset, the 4-byte file identifier, the root table. */
export function flatbuffer(root: FbTable, identifier: string): Buffer {
  const out = new Out();
  const rootSlot = out.u32(0);
  out.bytes(Buffer.from(identifier.padEnd(4, '\0').slice(0, 4), 'latin1'));
  out.patch(rootSlot, emit(out, root));
  return out.buf.subarray(0, out.len);
}
