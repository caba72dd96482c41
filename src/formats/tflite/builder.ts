import { fb, flatbuffer, type FbTable, type FbValue } from '../flatbuffer/builder.js';

/**
 * Test-only: a TFLite model (schema.fbs) from a small description. Each op names its code:
 * a builtin number or a custom name; `options` become the operator's custom_options.
 */
export interface TfliteOpDesc {
  builtin?: number;
  custom?: string;
  /** Written as deprecated_builtin_code (int8) only, as pre-2.4 converters did. */
  deprecated?: boolean;
}

export interface TfliteDesc {
  codes: TfliteOpDesc[];
  /** Operators of the one subgraph: op code index and optional custom_options. */
  ops: Array<{ code: number; options?: Buffer }>;
  identifier?: string;
}

function opCode(d: TfliteOpDesc): FbTable {
  const builtin = d.custom !== undefined ? 32 : (d.builtin ?? 0);
  const deprecated = fb.i8(Math.min(builtin, 127));
  return fb.table(deprecated, d.custom !== undefined ? fb.str(d.custom) : undefined, fb.i32(1), d.deprecated ? undefined : fb.i32(builtin));
}

/** A TFLite flatbuffer: one subgraph `main` with the given operators. */
export function tfliteModel(desc: TfliteDesc): Buffer {
  const operators = desc.ops.map((op) => {
    const fields: Array<FbValue | undefined> = [fb.u32(op.code), fb.i32s(0), fb.i32s(1)];
    if (op.options) fields.push(undefined, undefined, fb.ubytes(op.options));
    return fb.table(...fields);
  });
  const subgraph = fb.table(fb.tables(), fb.i32s(0), fb.i32s(1), fb.tables(...operators), fb.str('main'));
  const root = fb.table(fb.u32(3), fb.tables(...desc.codes.map(opCode)), fb.tables(subgraph), fb.str('built'), fb.tables(fb.table()));
  return flatbuffer(root, desc.identifier ?? 'TFL3');
}

/**
 * Test-only: FlexBuffer bytes of a root vector of strings, as the Flex delegate reads its
 * custom_options (`[op name, NodeDef bytes]`), all widths 1 byte (strings under 256 bytes).
 */
export function flexStrings(items: Buffer[]): Buffer {
  const parts: number[] = [];
  const at: number[] = [];
  for (const s of items) {
    parts.push(s.length);
    at.push(parts.length);
    parts.push(...s, 0);
  }
  parts.push(items.length);
  const vector = parts.length;
  items.forEach((_, i) => parts.push(vector + i - at[i]!));
  for (let i = 0; i < items.length; i++) parts.push((5 << 2) | 0);
  const root = parts.length;
  parts.push(root - vector, (10 << 2) | 0, 1);
  return Buffer.from(parts);
}
