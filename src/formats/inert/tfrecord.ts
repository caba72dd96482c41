import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import { maskedCrc32c } from './crc32c.js';

/**
 * Records walked before giving up: a TFRecord is read to its end, header by header, and one
 * that has more records than this is not recognised (so it is reported not read).
 */
export const MAX_TFRECORDS = 1_000_000;

/**
 * TFRecord (tensorflow/core/lib/io/record_writer.h), which TensorBoard's `tfevents` files use
 * too: each record is a u64le length, the masked CRC-32C of those 8 bytes (u32le), the data,
 * and the masked CRC-32C of the data. True when the whole file is such records, every length
 * CRC right. Data CRCs are checked for records up to 64 KiB (reading every byte of a large
 * shard is not needed to know its framing).
 */
export function isTfRecord(source: ByteSource): boolean {
  // One windowed reader: a remote source is fetched in windows, not a request per record.
  const r = new ByteReader(source);
  for (let records = 0; !r.atEnd(); records++) {
    if (records >= MAX_TFRECORDS || r.remaining < 16) return false;
    const header = r.bytes(12);
    if (maskedCrc32c(header.subarray(0, 8)) !== header.readUInt32LE(8)) return false;
    const length = Number(header.readBigUInt64LE(0));
    if (length + 4 > r.remaining) return false;
    if (length <= 64 * 1024) {
      const data = r.bytes(length + 4);
      if (maskedCrc32c(data.subarray(0, length)) !== data.readUInt32LE(length)) return false;
    } else r.skip(length + 4);
  }
  return source.size > 0;
}
