import type { ByteSource } from '../../core/byte-source.js';

/**
 * The table magic number LevelDB (doc/table_format.md) and TensorFlow's table format
 * (tensorflow/core/lib/io/format.h: kTableMagicNumber) end every table with, little-endian.
 */
const TABLE_MAGIC = Buffer.from([0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb]);

/** The fixed footer: two block handles (varint offset and size each), padding, the magic. */
const FOOTER_BYTES = 48;

/** Reads one varint64 of a block handle from `bytes` at `at`; undefined when it runs over. */
function varint(bytes: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 10 && at + i < bytes.length; i++) {
    const b = bytes[at + i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return { value, next: at + i + 1 };
  }
  return undefined;
}

/**
 * True for a LevelDB-format table: the magic at the end, and a footer whose metaindex and
 * index block handles lie inside the file before the footer. A TensorFlow checkpoint's
 * `.index` (tensor_bundle.proto BundleEntryProto values) is such a table: names, dtypes,
 * shapes and offsets into the `.data-*` shards, no code.
 */
export function isLevelDbTable(source: ByteSource): boolean {
  if (source.size < FOOTER_BYTES) return false;
  const footer = source.read(source.size - FOOTER_BYTES, FOOTER_BYTES);
  if (!footer.subarray(40).equals(TABLE_MAGIC)) return false;
  let at = 0;
  for (let i = 0; i < 2; i++) {
    const offset = varint(footer, at);
    const size = offset && varint(footer, offset.next);
    if (!offset || !size || size.next > 40) return false;
    // Each block is followed by a 5-byte trailer (compression type and CRC).
    if (offset.value + size.value + 5 > source.size - FOOTER_BYTES) return false;
    at = size.next;
  }
  return true;
}
