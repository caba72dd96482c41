import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { shapeOf, sniffMessage } from '../protobuf/sniff.js';
import { ProtoReader, WireType } from '../protobuf/wire.js';
import type { PaddleOp, PaddleProgram } from './model.js';

/** Ops kept; a large inference program has tens of thousands. */
const MAX_OPS = 1_000_000;

/** String attribute values kept per op; ops carry a few. */
const MAX_STRINGS_PER_OP = 32;

/** Characters of one string attribute kept. */
const MAX_ATTR_TEXT = 1024;

const { VARINT, LEN } = WireType;

/** ProgramDesc's fields (framework.proto; 2 and 3 are reserved). */
const PROGRAM_SHAPE = shapeOf([
  [1, LEN], // blocks
  [4, LEN], // version
  [5, LEN], // op_version_map
]);

/** BlockDesc's fields, to check inside the first block. */
const BLOCK_SHAPE = shapeOf([
  [1, VARINT], // idx
  [2, VARINT], // parent_idx
  [3, LEN], // vars
  [4, LEN], // ops
  [5, VARINT], // forward_block_idx
]);

/**
 * True when `name` ends in `.pdmodel`, or the bytes are a ProgramDesc: blocks (field 1) first,
 * only ProgramDesc fields, and a first block that starts with its `idx` and has only BlockDesc
 * fields.
 */
export function looksLikePaddleProgram(source: ByteSource, name: string): boolean {
  if (name.toLowerCase().endsWith('.pdmodel')) return true;
  const seen = sniffMessage(source, PROGRAM_SHAPE);
  const first = seen?.fields[0];
  if (first?.field !== 1 || first.start === undefined || first.end === undefined || first.end === first.start) return false;
  const block = sniffMessage(source, BLOCK_SHAPE, first.start, first.end);
  return block !== undefined && block.fields[0]?.field === 1 && block.fields.some((f) => f.field === 4);
}

/** OpDesc.Attr: name 1, s 5, strings 8 are what may name files or addresses. */
function readAttr(r: ProtoReader, op: PaddleOp): void {
  let name = '';
  const values: string[] = [];
  while (r.next()) {
    if (r.field === 1) name = r.string();
    else if ((r.field === 5 || r.field === 8) && r.wireType === LEN) values.push(r.string(MAX_ATTR_TEXT));
    else r.skip();
  }
  for (const value of values) if (op.strings.length < MAX_STRINGS_PER_OP) op.strings.push({ name, value });
}

/** OpDesc: type 3, attrs 4 (inputs 1 and outputs 2 are passed over). */
function readOp(r: ProtoReader, block: number, offset: number): PaddleOp {
  const op: PaddleOp = { type: '', block, strings: [], offset };
  let typed = false;
  while (r.next()) {
    if (r.field === 3) {
      op.type = r.string();
      typed = true;
    } else if (r.field === 4) readAttr(r.message(), op);
    else r.skip();
  }
  if (!typed) throw new ModelgateError('MALFORMED', 'OpDesc without its required type', { offset });
  return op;
}

/**
 * Parses a PaddlePaddle ProgramDesc (paddle/fluid/framework/framework.proto): every op of every
 * block with its string attributes, and the count of variables. Bounded and fail closed: a
 * malformed structure ends the parse with `error`, keeping what was read.
 */
export function parsePaddleProgram(source: ByteSource): { model: PaddleProgram; error?: ModelgateError } {
  const model: PaddleProgram = { blocks: 0, vars: 0, ops: [] };
  try {
    const r = ProtoReader.over(source);
    while (r.next()) {
      if (r.field === 1) {
        const block = r.message();
        const index = model.blocks++;
        while (block.next()) {
          if (block.field === 3) {
            model.vars++;
            block.skip();
          } else if (block.field === 4) {
            const at = block.fieldOffset;
            if (model.ops.length >= MAX_OPS) throw new ModelgateError('LIMIT_ENTRIES', `more than ${MAX_OPS} ops`, { offset: at });
            model.ops.push(readOp(block.message(), index, at));
          } else block.skip();
        }
      } else if (r.field === 4) {
        const v = r.message();
        while (v.next()) {
          if (v.field === 1) model.version = v.int64();
          else v.skip();
        }
      } else r.skip();
    }
    if (model.blocks === 0) throw new ModelgateError('MALFORMED', 'ProgramDesc has no block');
    return { model };
  } catch (e) {
    return { model, error: e instanceof ModelgateError ? e : new ModelgateError('MALFORMED', String(e), { cause: e }) };
  }
}
