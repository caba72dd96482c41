import { BufferSource, type ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { flexRootStrings } from '../flatbuffer/flexbuffer.js';
import { FlatBuffer, type Table } from '../flatbuffer/reader.js';
import { ProtoReader } from '../protobuf/wire.js';
import { BUILTIN_CUSTOM, emptyTfliteModel, type TfliteModel, type TfliteOpCode } from './model.js';

/** The file identifier TFLite writes at bytes 4..8 (schema.fbs `file_identifier "TFL3"`). */
export const TFLITE_IDENTIFIER = 'TFL3';

/** custom_options bytes read to find the TensorFlow op a Flex op runs; a NodeDef is small. */
const MAX_FLEX_OPTIONS_BYTES = 1024 * 1024;

/** Distinct TensorFlow op names kept per Flex op code. */
const MAX_FLEX_NAMES = 8;

/** True when bytes 4..8 are `TFL3`: the identifier every TFLite writer sets. */
export function isTflite(head: Buffer): boolean {
  return head.length >= 8 && head.toString('latin1', 4, 8) === TFLITE_IDENTIFIER;
}

/** The TensorFlow op of a serialized NodeDef (tensorflow/core/framework/node_def.proto: op = 2). */
function nodeDefOp(bytes: Buffer): string | undefined {
  const r = ProtoReader.over(new BufferSource(bytes));
  let op: string | undefined;
  while (r.next()) {
    if (r.field === 2) op = r.string();
    else r.skip();
  }
  return op;
}

/** custom_options of an Operator: the inline vector (5) or the large-model range (9, 10: offset and size from the file start). */
function customOptions(fb: FlatBuffer, op: Table): Buffer | undefined {
  const inline = op.vector(5, 1);
  let start: number;
  let length: number;
  if (inline) {
    start = inline.start;
    length = inline.length;
  } else {
    const off = op.field(9);
    const size = op.field(10);
    if (off === undefined || size === undefined) return undefined;
    start = fb.u64(off);
    length = fb.u64(size);
    fb.check(start, length, 'large custom options');
  }
  if (length > MAX_FLEX_OPTIONS_BYTES) throw new ModelgateError('LIMIT_STRING', `custom options of ${length} bytes are over ${MAX_FLEX_OPTIONS_BYTES}`);
  return fb.source.read(start, length);
}

/** Adds the op names a Flex operator's custom_options carry to its op code. */
function readFlex(fb: FlatBuffer, op: Table, code: TfliteOpCode): void {
  try {
    const options = customOptions(fb, op);
    if (!options) throw new ModelgateError('MALFORMED', 'Flex op without custom options');
    const [name, nodeDef] = flexRootStrings(options);
    const names = [name?.toString('utf8'), nodeDef ? nodeDefOp(nodeDef) : undefined];
    for (const n of names) {
      if (n !== undefined && !code.flexOps!.includes(n) && code.flexOps!.length < MAX_FLEX_NAMES) code.flexOps!.push(n);
    }
  } catch (e) {
    code.flexError ??= e instanceof Error ? e.message : String(e);
  }
}

/**
 * Parses a TFLite flatbuffer (schema.fbs `Model`): operator codes, subgraphs with their
 * operators (which op code each uses, and for Flex ops the TensorFlow op in its options),
 * buffer and metadata counts. Tensor data is never read. Fail closed: a bad offset, vtable or
 * opcode index ends the parse with `error`, keeping what was read.
 */
export function parseTflite(source: ByteSource): { model: TfliteModel; error?: ModelgateError } {
  const model = emptyTfliteModel();
  try {
    const fb = new FlatBuffer(source);
    if (fb.identifier() !== TFLITE_IDENTIFIER) throw new ModelgateError('MALFORMED', `file identifier is not ${TFLITE_IDENTIFIER}`, { offset: 4 });
    const root = fb.root();
    // Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4, metadata 6, signature_defs 7.
    model.version = root.u32(0);
    model.description = root.string(3);
    root.tables(1).forEach((t, index) => {
      // OperatorCode: deprecated_builtin_code 0 (byte), custom_code 1, version 2 (default 1), builtin_code 3 (int).
      const builtin = Math.max(t.i8(0), t.i32(3));
      const custom = t.string(1);
      const code: TfliteOpCode = { index, builtin, version: t.i32(2, 1), uses: 0, offset: t.pos };
      if (builtin === BUILTIN_CUSTOM) {
        code.custom = custom ?? '';
        if (code.custom.startsWith('Flex')) code.flexOps = [];
      }
      model.opcodes.push(code);
    });
    model.buffers = root.vector(4, 4)?.length ?? 0;
    model.metadata = root.tables(6).map((m) => m.string(0) ?? '');
    model.signatures = root.vector(7, 4)?.length ?? 0;
    for (const sg of root.tables(2)) {
      // SubGraph: tensors 0, inputs 1, outputs 2, operators 3, name 4.
      const operators = sg.tables(3);
      model.subgraphs.push({ name: sg.string(4), tensors: sg.vector(0, 4)?.length ?? 0, operators: operators.length });
      for (const op of operators) {
        const index = op.u32(0);
        const code = model.opcodes[index];
        if (!code) throw new ModelgateError('MALFORMED', `operator uses op code ${index}, but the model has ${model.opcodes.length}`, { offset: op.pos });
        code.uses++;
        if (code.flexOps) readFlex(fb, op, code);
      }
    }
    if (model.subgraphs.length === 0) throw new ModelgateError('MALFORMED', 'TFLite model has no subgraph');
    return { model };
  } catch (e) {
    const error = e instanceof ModelgateError ? e : new ModelgateError('MALFORMED', String(e), { cause: e });
    return { model, error };
  }
}
