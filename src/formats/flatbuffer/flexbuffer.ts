import { ModelgateError } from '../../core/errors.js';

/** FlexBuffers types used here (flatbuffers flexbuffers.h `Type`). */
const FBT_STRING = 5;
const FBT_VECTOR = 10;
const FBT_VECTOR_STRING_DEPRECATED = 15;

/** Strings of one root vector read; a Flex op's options hold two. */
const MAX_ROOT_STRINGS = 16;

function uint(buf: Buffer, pos: number, width: number): number {
  if (pos < 0 || pos + width > buf.length) throw new ModelgateError('MALFORMED', `flexbuffer read at ${pos} (+${width}) is outside its ${buf.length} bytes`);
  switch (width) {
    case 1:
      return buf[pos]!;
    case 2:
      return buf.readUInt16LE(pos);
    case 4:
      return buf.readUInt32LE(pos);
    case 8: {
      const v = buf.readBigUInt64LE(pos);
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelgateError('MALFORMED', `flexbuffer offset ${v} is absurd`);
      return Number(v);
    }
    default:
      throw new ModelgateError('MALFORMED', `flexbuffer width ${width} is invalid`);
  }
}

/**
 * The strings of a FlexBuffer whose root is a vector of strings, as TFLite's Flex delegate
 * writes an op's custom_options: `[tf_op_name, serialized NodeDef]` (tensorflow/lite/delegates/
 * flex/kernel.cc). Layout per flatbuffers.dev "FlexBuffers": the last byte is the root's byte
 * width, the one before its packed type (type << 2 | bit width); offsets point backwards; a
 * vector's size sits one element width before it; an untyped vector's element types follow its
 * elements. Anything else is MALFORMED (the delegate would refuse it too).
 */
export function flexRootStrings(buf: Buffer): Buffer[] {
  if (buf.length < 3) throw new ModelgateError('MALFORMED', 'flexbuffer is shorter than its root');
  const rootWidth = buf[buf.length - 1]!;
  const packed = buf[buf.length - 2]!;
  const rootPos = buf.length - 2 - rootWidth;
  const type = packed >> 2;
  const width = 1 << (packed & 3);
  if (type !== FBT_VECTOR && type !== FBT_VECTOR_STRING_DEPRECATED) throw new ModelgateError('MALFORMED', `flexbuffer root has type ${type}, not a vector`);
  const vector = rootPos - uint(buf, rootPos, rootWidth);
  const size = uint(buf, vector - width, width);
  if (size > MAX_ROOT_STRINGS) throw new ModelgateError('LIMIT_ENTRIES', `flexbuffer root vector of ${size} elements`);
  const out: Buffer[] = [];
  for (let i = 0; i < size; i++) {
    const elem = vector + i * width;
    let childWidth = width;
    if (type === FBT_VECTOR) {
      const childPacked = uint(buf, vector + size * width + i, 1);
      if (childPacked >> 2 !== FBT_STRING) throw new ModelgateError('MALFORMED', `flexbuffer element ${i} has type ${childPacked >> 2}, not a string`);
      childWidth = 1 << (childPacked & 3);
    }
    const str = elem - uint(buf, elem, width);
    const length = uint(buf, str - childWidth, childWidth);
    if (str < 0 || str + length > buf.length) throw new ModelgateError('MALFORMED', `flexbuffer string ${i} runs outside its buffer`);
    out.push(buf.subarray(str, str + length));
  }
  return out;
}
