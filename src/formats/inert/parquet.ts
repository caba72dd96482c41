import type { ByteSource } from '../../core/byte-source.js';

/**
 * Apache Parquet (parquet-format README "File format"): "PAR1", column chunks, the Thrift
 * FileMetaData, its length (u32le) and "PAR1" again at the end. The footer length must fit
 * between the two magics. Encrypted-footer files end in "PARE" instead; they are not read.
 */
export function isParquet(source: ByteSource, head: Buffer): boolean {
  if (source.size < 12 || head.toString('latin1', 0, 4) !== 'PAR1') return false;
  const tail = source.read(source.size - 8, 8);
  if (tail.toString('latin1', 4, 8) !== 'PAR1') return false;
  const footer = tail.readUInt32LE(0);
  return footer > 0 && footer <= source.size - 12;
}
