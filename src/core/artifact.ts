import type { ByteSource } from './byte-source.js';
import type { Finding } from './finding.js';
import type { HfCacheFile } from './report-types.js';

/**
 * What is scanned, as a list of entries whose bytes can be opened: the files of local targets
 * or of one Hugging Face repo at a commit. Sources build artifacts (`openArtifact`), the engine
 * scans their entries, and nothing in between needs to know where the bytes come from.
 */

/** A regular file beside the scanned one: its size, and its bytes read on demand. */
export interface SiblingFile {
  name: string;
  size: number;
  /** The whole file; check `size` against the limits before calling. */
  read(): Buffer;
}

/** Files beside an entry by plain name (no folders); undefined for names that are not there. */
export type Siblings = (name: string) => SiblingFile | undefined;

/** One entry of an artifact: a regular file, a symlink, a special file or an unreadable one. */
export interface ArtifactEntry {
  /** Report path: relative to a directory target with `/`, the target as given, or the repo path. */
  path: string;
  /** Index of the target it came from, for reports of several targets. */
  targetIndex: number;
  kind: 'file' | 'symlink' | 'special' | 'unreadable';
  size: number;
  /** Path on disk, for local entries. */
  diskPath?: string;
  /** For symlinks: where it points, and whether that is outside the target. */
  linkTarget?: string;
  escapes?: boolean;
  /** For symlinks: what more the report says of where it points (`, which leaves the Hugging Face cache entry …`). */
  linkNote?: string;
  /**
   * For a file reached through a link that was followed (a cache snapshot's link into its blobs,
   * a link named on the command line): the link's path on disk, whose folder holds its siblings.
   */
  linkPath?: string;
  /** For a file of a Hugging Face cache snapshot: its repo, revision and repo path. */
  hfCache?: HfCacheFile;
  /** For special files: fifo, socket, device. */
  special?: string;
  /** For unreadable entries: why. */
  error?: string;
}

/** The bytes of an opened entry, with what is known of its hash and any problem found opening it. */
export interface OpenedEntry {
  source: ByteSource;
  sha256?: string;
  sha256Source?: 'computed' | 'hub-lfs';
  /** Findings made while opening (a Hub hash mismatch). */
  problems: Finding[];
  /** Files beside this one, for configs that name them (auto_map, ONNX external data). */
  siblings?: Siblings;
  /** How another thread can reopen the same bytes and siblings (a scan worker); absent when it cannot. */
  spec?: EntrySpec;
  /** SHA-256 of exactly the bytes the scan reads (the same descriptor), when the source can hash them. */
  hash?(): Promise<string>;
  /** How the bytes changed since they were opened, or undefined: checked once the scan and hash are done. */
  changed?(): string | undefined;
  close(): void;
}

/**
 * Bytes described as plain data, so a scan worker can open them itself: a file on disk, bytes
 * already in memory (transferred), or a remote file read by HTTP range requests.
 */
export type SourceSpec =
  /** A file on disk; with `fd`, read through that open descriptor (threads of one process share them), never reopened. */
  | { kind: 'file'; path: string; fd?: number }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'remote'; url: string; size: number; headers: Record<string, string> };

/** Where an entry's siblings are: the folder of a file on disk, or the folder of a repo path. */
export type SiblingsSpec = { kind: 'dir'; of: string } | { kind: 'hub'; path: string };

/** An opened entry as plain data: what a scan worker needs to scan it. */
export interface EntrySpec {
  source: SourceSpec;
  siblings?: SiblingsSpec;
}

/** A file of a Hub listing, with where its bytes are (resolver URL, cache path). */
export interface ListedFile {
  path: string;
  size: number;
  lfs: boolean;
  url: string;
  cachePath: string;
}

/** What a thread needs to read a repo's files beside an entry: sent once to each scan worker. */
export interface HubListing {
  repo: string;
  offline: boolean;
  hasToken: boolean;
  headers: Record<string, string>;
  files: ListedFile[];
}

/** Where an artifact's bytes come from, with what each kind knows beyond its entries. */
export interface Artifact {
  readonly kind: 'local' | 'hub';
  /** The targets as the user gave them. */
  readonly targets: string[];
  readonly entries: readonly ArtifactEntry[];
  /** Report paths of the files `--exclude` left out: never scanned, and said so in the report. */
  readonly excluded?: readonly string[];
  /** Opens a file entry; throws a ModelgateError (UNREADABLE, NETWORK, OFFLINE…) when it cannot. */
  open(entry: ArtifactEntry): Promise<OpenedEntry>;
  /** The words a report puts before an open failure (`cannot read`, `cannot read from the Hub`). */
  readonly openFailure: string;
  /** Releases threads, descriptors and connections. */
  close(): Promise<void>;
  /** For a repo: its listing, which scan workers need to read siblings. */
  readonly listing?: HubListing;
}
