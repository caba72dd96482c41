import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';

/**
 * Core ML's weight blob file (`weights/weight.bin` of an `.mlpackage`; coremltools
 * mlmodel/src/MILBlob/Blob/StorageFormat.hpp): a 64-byte header {uint32 count, uint32 version
 * 2, reserved}, then per blob a 64-byte metadata record {uint32 sentinel 0xDEADBEEF, uint32
 * dtype, uint64 size, uint64 offset, …} and its data, each 64-byte aligned.
 */
const SENTINEL = 0xdeadbeef;
const HEADER_BYTES = 64;
const ALIGN = 64;

/** Blobs of one file; a large model has a few thousand. */
const MAX_BLOBS = 1_000_000;

/** True when the head is a weight blob file: version 2 and the first record's sentinel. */
export function isCoreMlWeights(head: Buffer): boolean {
  return head.length >= HEADER_BYTES + 4 && head.readUInt32LE(4) === 2 && head.readUInt32LE(HEADER_BYTES) === SENTINEL;
}

/** Walks every blob record; throws when one does not fit. Returns the blob count. */
export function parseCoreMlWeights(source: ByteSource): number {
  const head = source.read(0, HEADER_BYTES);
  if (head.length < 8) throw new ModelgateError('TRUNCATED', 'weight file header is cut');
  const count = head.readUInt32LE(0);
  if (count > MAX_BLOBS) throw new ModelgateError('LIMIT_ENTRIES', `${count} blobs`);
  let pos = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const meta = source.read(pos, 24);
    if (meta.length < 24) throw new ModelgateError('TRUNCATED', `blob record ${i} is cut`, { offset: pos });
    if (meta.readUInt32LE(0) !== SENTINEL) throw new ModelgateError('MALFORMED', `blob record ${i} has no sentinel`, { offset: pos });
    const size = Number(meta.readBigUInt64LE(8));
    const offset = Number(meta.readBigUInt64LE(16));
    if (offset < pos + ALIGN || offset + size > source.size)
      throw new ModelgateError('MALFORMED', `blob ${i} (${size} bytes at ${offset}) is outside the file`, { offset: pos });
    pos = Math.ceil((offset + size) / ALIGN) * ALIGN;
  }
  // The last blob may go unpadded; anything past its padding is no blob's.
  if (source.size > pos) throw new ModelgateError('MALFORMED', `${source.size - pos} bytes after the last blob`, { offset: pos });
  return count;
}
