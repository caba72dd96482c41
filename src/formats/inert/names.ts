/**
 * The format names the engine gives content it recognises as inert (src/formats/inert/), in
 * two groups for the policy: media, documents and data sets, which no model loader reads, and
 * weights and indexes, which are part of a model and so judged by `formats.allow`.
 */
export const INERT_MEDIA_AND_DATA_FORMATS: readonly string[] = [
  'png',
  'jpeg',
  'gif',
  'webp',
  'bmp',
  'tiff',
  'ico',
  'wav',
  'avi',
  'flac',
  'mp3',
  'ogg',
  'mp4',
  'webm',
  'pdf',
  'font',
  'parquet',
  'arrow',
  'arrow-stream',
  'tfrecord',
  'sentencepiece',
];

/** Inert content that is (part of) a model: weights without code, vector indexes, vocabularies with vectors. */
export const INERT_MODEL_FORMATS: readonly string[] = ['msgpack', 'fasttext', 'faiss-index', 'tf-checkpoint-index', 'raw-tensor-data'];
