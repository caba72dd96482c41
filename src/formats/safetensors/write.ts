import { DTYPE_BITS } from './dtypes.js';

/** One tensor to lay out: its bytes are `elements × dtype size`, written later in layout order. */
export interface TensorLayoutInput {
  name: string;
  dtype: string;
  shape: readonly number[];
}

export interface TensorLayout extends TensorLayoutInput {
  /** `data_offsets`, from the first byte after the header. */
  begin: number;
  end: number;
}

export interface SafetensorsLayout {
  /** The 8-byte length and the JSON header with its padding: the first bytes of the file. */
  head: Buffer;
  /** Tensors in the order their bytes follow the header. */
  tensors: TensorLayout[];
  /** Size of the whole file. */
  size: number;
}

/** Byte order of UTF-8, which is code-point order: how Rust compares `String`s. */
function byName(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Lays out a safetensors file the way the safetensors crate's `serialize` does (README
 * "Format"; src/tensor.rs `prepare`): tensors sorted by dtype, largest first in `dtypeOrder`,
 * then by name; `__metadata__` first in the header; data offsets contiguous from 0; the JSON
 * padded with spaces so the data starts at a multiple of 8.
 */
export function layoutSafetensors(
  tensors: readonly TensorLayoutInput[],
  metadata: ReadonlyMap<string, string> | undefined,
  dtypeOrder: readonly string[],
): SafetensorsLayout {
  const rank = (dtype: string): number => {
    const i = dtypeOrder.indexOf(dtype);
    if (i < 0) throw new Error(`dtype ${dtype} has no place in the layout order`);
    return i;
  };
  const sorted = [...tensors].sort((a, b) => rank(b.dtype) - rank(a.dtype) || byName(a.name, b.name));
  const parts: string[] = [];
  if (metadata !== undefined) {
    const fields = [...metadata].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`"__metadata__":{${fields.join(',')}}`);
  }
  let offset = 0;
  const laid: TensorLayout[] = [];
  for (const t of sorted) {
    const bits = DTYPE_BITS.get(t.dtype);
    if (bits === undefined) throw new Error(`unknown safetensors dtype ${t.dtype}`);
    const bytes = (t.shape.reduce((a, b) => a * b, 1) * bits) / 8;
    if (!Number.isSafeInteger(bytes)) throw new Error(`${t.name}: ${bytes} bytes is not a whole, safe size`);
    laid.push({ ...t, begin: offset, end: offset + bytes });
    parts.push(`${JSON.stringify(t.name)}:{"dtype":${JSON.stringify(t.dtype)},"shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + bytes}]}`);
    offset += bytes;
  }
  let json = Buffer.from(`{${parts.join(',')}}`, 'utf8');
  const pad = (8 - (json.length % 8)) % 8;
  if (pad > 0) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const head = Buffer.alloc(8 + json.length);
  head.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(head, 8);
  return { head, tensors: laid, size: head.length + offset };
}
