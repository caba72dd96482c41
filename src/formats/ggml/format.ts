/**
 * Magics of the model files llama.cpp and ggml read before GGUF (llama.cpp `llama.h` before
 * August 2023: LLAMA_FILE_MAGIC_*), written as little-endian uint32, so the bytes on disk are
 * reversed: `ggml` (unversioned), `ggmf` (versioned), `ggjt` (mmap-able, v1–v3), `ggla` (LoRA
 * adapters) and `ggsn` (saved sessions).
 */
const LEGACY_MAGICS: ReadonlyMap<number, string> = new Map([
  [0x67676d6c, 'ggml'],
  [0x67676d66, 'ggmf'],
  [0x67676a74, 'ggjt'],
  [0x67676c61, 'ggla'],
  [0x6767736e, 'ggsn'],
]);

/** The legacy GGML magic the head begins with (`ggjt`…), with the version that follows it where the format has one. */
export function legacyGgmlMagic(head: Buffer): { magic: string; version?: number } | undefined {
  if (head.length < 4) return undefined;
  const magic = LEGACY_MAGICS.get(head.readUInt32LE(0));
  if (magic === undefined) return undefined;
  const versioned = magic !== 'ggml' && head.length >= 8;
  return versioned ? { magic, version: head.readUInt32LE(4) } : { magic };
}
