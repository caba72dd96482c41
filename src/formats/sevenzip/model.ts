import type { ModelgateError } from '../../core/errors.js';

/** One member of a 7z archive as modelgate reports it. */
export interface SevenZipEntry {
  /** The stored path (UTF-16LE in the archive), exactly as written, `/` or `\` separated. */
  name: string;
  /** Declared size in bytes; 0 for directories and empty files. */
  size: number;
  isDir: boolean;
  /** The member's bytes, when they could be decoded within the limits. */
  data?: Buffer;
  /** Why `data` is missing (or, for a CRC mismatch, nothing: see `SevenZipArchive.errors`). */
  error?: ModelgateError;
}

/** What `readSevenZip` understood of one archive. */
export interface SevenZipArchive {
  entries: SevenZipEntry[];
  /** Problems with the archive as a whole (bad header, CRC mismatches, limits hit). */
  errors: ModelgateError[];
}

/** 7zFormat.txt "Folder": one coder of a folder's pipeline. */
export interface Coder {
  /** Method id as lowercase hex, e.g. `030101` for LZMA ("Codec IDs" in Methods.txt). */
  methodId: string;
  numInStreams: number;
  numOutStreams: number;
  /** Coder properties ("There Are Attributes"), empty when absent. */
  props: Buffer;
}

/** 7zFormat.txt "Folder" BindPair: a coder's input fed from another coder's output. */
export interface BindPair {
  inIndex: number;
  outIndex: number;
}

/** 7zFormat.txt "Folder" plus its sizes and digest from "CodersInfo". */
export interface Folder {
  coders: Coder[];
  bindPairs: BindPair[];
  /** Folder in-stream index of each packed stream, in pack-stream order. */
  packedStreams: number[];
  /** One size per coder out-stream, indexed by folder out-stream index. */
  unpackSizes: number[];
  /** CRC32 of the folder's main output, when stored. */
  unpackCrc?: number;
}

/** 7zFormat.txt "SubStreamsInfo": how each folder's output splits into files. */
export interface SubStreams {
  /** Streams per folder (NumUnPackStreamsInFolders), 1 when absent. */
  numUnpackStreams: number[];
  /** Sizes of all substreams, folder by folder. */
  sizes: number[];
  /** CRC32 per substream, when stored (in SubStreamsInfo or as the folder's own digest). */
  crcs: (number | undefined)[];
}

/** 7zFormat.txt "StreamsInfo". */
export interface StreamsInfo {
  /** Offset of the first packed stream, relative to the end of the signature header. */
  packPos: number;
  packSizes: number[];
  folders: Folder[];
  subStreams: SubStreams;
}

/** One record of 7zFormat.txt "FilesInfo", before data is attached. */
export interface FileRecord {
  name?: string;
  /** False for kEmptyStream files (directories, empty files, anti-items). */
  hasStream: boolean;
  isDir: boolean;
  /** Windows attributes (kWinAttributes), when stored. */
  attributes?: number;
}
