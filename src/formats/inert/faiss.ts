/**
 * A faiss index written by `faiss.write_index` (faiss/impl/index_write.cpp): a four-character
 * code naming the index type ("IxF2", "IHNf", "IwFl", "IxMp"…), then write_index_header's
 * d (int32), ntotal (int64), two int64 placeholders that are always 1 << 20, is_trained (a
 * bool byte) and metric_type (int32). The placeholders make the header a strong check; the
 * rest is vectors and codes, no code run by `read_index`.
 */
const PLACEHOLDER = 1n << 20n;

export function isFaissIndex(head: Buffer): boolean {
  if (head.length < 33 || head[0] !== 0x49 || !/^I[A-Za-z0-9]{3}$/.test(head.toString('latin1', 0, 4))) return false;
  const d = head.readInt32LE(4);
  const ntotal = head.readBigInt64LE(8);
  return d > 0 && ntotal >= 0n && head.readBigInt64LE(16) === PLACEHOLDER && head.readBigInt64LE(24) === PLACEHOLDER && head[32]! <= 1;
}
