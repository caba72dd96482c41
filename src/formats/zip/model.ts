/** One zip entry, as the central directory or a local-header walk describes it. */
export interface ZipEntry {
  /** Name from the central directory (or the local header for local-only entries). */
  name: string;
  /** Name from the local header, when it could be read. */
  localName?: string;
  method: number;
  flags: number;
  /** Flags of the local header, when they differ from the central directory's. */
  localFlags?: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Version needed to extract (APPNOTE 4.4.3), from the central directory; 0 for local-only entries. */
  versionNeeded?: number;
  /** Number of the disk the entry starts on (APPNOTE 4.4.13), from the central directory. */
  diskStart?: number;
  /** Offset of the local header. */
  localOffset: number;
  /** Offset of the entry's data, after the local header; undefined when the header is unreadable. */
  dataOffset?: number;
  /** `central`: listed in the central directory; `local-only`: found only by walking local headers. */
  origin: 'central' | 'local-only';
  /** Why the local header could not be read, if so. */
  localError?: string;
}

export interface ZipArchive {
  entries: ZipEntry[];
  /** Offset of the central directory, or undefined when there is none. */
  centralOffset?: number;
  /** Structure problems found while reading (not fatal to the entries read). */
  problems: string[];
  /**
   * Why the central directory could not be read to its end (no end record, a broken entry):
   * every zip loader starts there, so such a file is malformed whatever the local walk found.
   */
  centralBreak?: string;
  /** Structure every loader's reading shares that some loader refuses (overlapping entries). */
  defects: string[];
}
