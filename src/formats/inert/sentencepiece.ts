import type { ByteSource } from '../../core/byte-source.js';
import { ProtoReader, WireType } from '../protobuf/wire.js';

/** Pieces read from a SentencePiece model; real vocabularies have up to a few hundred thousand. */
export const MAX_PIECES = 10_000_000;

/**
 * A SentencePiece `.model` (sentencepiece_model.proto ModelProto): `pieces` (field 1, each a
 * SentencePiece message with piece 1 string, score 2 float, type 3 enum), then trainer_spec (2),
 * normalizer_spec (3), self_test_data (4), denormalizer_spec (5), and extensions from 200. True
 * when the whole file is such a message, beginning with at least one piece that has its text.
 * The tokenizer library only reads this message: vocabulary and settings, no code.
 */
export function isSentencePieceModel(source: ByteSource, head: Buffer): boolean {
  // Field 1, wire type LEN: the serialiser writes fields in number order, pieces first.
  if (head[0] !== 0x0a) return false;
  try {
    const r = ProtoReader.over(source);
    let pieces = 0;
    while (r.next()) {
      if (r.field >= 200) r.skip();
      else if (r.field > 5 || r.wireType !== WireType.LEN) return false;
      else if (r.field === 1) {
        if (++pieces > MAX_PIECES || !isPiece(r.message())) return false;
      } else r.skip();
    }
    return pieces > 0;
  } catch {
    return false;
  }
}

/** One SentencePiece message: a piece string, optional score and type, extensions from 1000. */
function isPiece(r: ProtoReader): boolean {
  let text = false;
  while (r.next()) {
    if (r.field === 1 && r.wireType === WireType.LEN) {
      r.skip();
      text = true;
    } else if ((r.field === 2 && r.wireType === WireType.I32) || (r.field === 3 && r.wireType === WireType.VARINT) || r.field >= 1000) r.skip();
    else return false;
  }
  return text;
}
