import type { ByteSource } from '../../core/byte-source.js';
import { isArrowFile, isArrowStream } from './arrow.js';
import { isFaissIndex } from './faiss.js';
import { isLevelDbTable } from './leveldb.js';
import { isMsgpackMap } from './msgpack.js';
import { isParquet } from './parquet.js';
import { isSentencePieceModel } from './sentencepiece.js';
import { matchSignature } from './signatures.js';
import { isTfRecord } from './tfrecord.js';

/**
 * Recognisers of inert binary content, cheapest first: a head signature, then structures
 * checked at both ends (parquet, Arrow files, LevelDB tables), then whole-file walks (Arrow
 * streams, TFRecords, SentencePiece protobufs, msgpack documents) that fail fast on the first
 * bytes that do not fit.
 */
const RECOGNISERS: ReadonlyArray<{ name: string; test: (source: ByteSource, head: Buffer) => boolean }> = [
  { name: 'faiss-index', test: (_s, head) => isFaissIndex(head) },
  { name: 'parquet', test: isParquet },
  { name: 'arrow', test: isArrowFile },
  { name: 'tf-checkpoint-index', test: (s) => isLevelDbTable(s) },
  { name: 'arrow-stream', test: (s) => isArrowStream(s) },
  { name: 'tfrecord', test: (s) => isTfRecord(s) },
  { name: 'sentencepiece', test: isSentencePieceModel },
  { name: 'msgpack', test: isMsgpackMap },
];

/**
 * The name of binary content recognised as inert by its bytes (media, documents, data sets,
 * tokenizer models, weights with no code), or undefined when it is none of them. Pure and
 * bounded: reads the head, the tail, or walks a structure under the limits each module names.
 */
export function recogniseInert(source: ByteSource, head: Buffer): string | undefined {
  const signed = matchSignature(head, source.size);
  if (signed !== undefined) return signed;
  return RECOGNISERS.find((r) => r.test(source, head))?.name;
}

/** True when `name` begins a TensorFlow checkpoint shard: `<prefix>.data-NNNNN-of-NNNNN`. */
export function checkpointShardPrefix(name: string): string | undefined {
  return /^(.+)\.data-\d{5}-of-\d{5}$/.exec(name)?.[1];
}
