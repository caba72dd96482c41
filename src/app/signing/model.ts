/**
 * Types and constants of the OpenSSF model signing format (sigstore/model-transparency, v1.0
 * predicate): a Sigstore bundle whose DSSE envelope carries an in-toto statement that lists
 * every file (or file shard) of the model with its digest.
 */

/** Sigstore bundle media type the reference writes and requires for key and certificate bundles. */
export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/** DSSE payload type of an in-toto statement. */
export const DSSE_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** in-toto statement layer, v1. */
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** The model signing predicate since the reference's v0.3 / v1.0. */
export const PREDICATE_TYPE = 'https://model_signing/signature/v1.0';
/** The predicate of the reference's v0.2: the files are the statement's subjects. */
export const PREDICATE_TYPE_V01 = 'https://model_signing/Digests/v0.1';
/** Where the signature lives by default: at the model folder's root. */
export const DEFAULT_SIGNATURE = 'model.sig';
/** Paths the reference ignores by default (git's own files). */
export const GIT_IGNORES = ['.git', '.gitattributes', '.github', '.gitignore'] as const;
/** The reference's default shard size for `shards` serialization (1 GB). */
export const DEFAULT_SHARD_SIZE = 1_000_000_000;

export type Method = 'files' | 'shards';

/** How the manifest was made: recorded in the predicate so a verifier can redo it. */
export interface Serialization {
  method: Method;
  /** The hash of each item; only sha256 is produced or verified. */
  hashType: 'sha256';
  /** Bytes per shard (`shards` only). */
  shardSize?: number;
  allowSymlinks: boolean;
  /** Paths (relative, `/`-separated) left out of the manifest. */
  ignorePaths?: string[];
}

/** One signed item: a file (`name` is its relative path, `.` for a single-file model) or a shard (`path:start:end`). */
export interface Resource {
  name: string;
  /** `sha256` for files, `sha256-sharded-<shard size>` for shards (the reference's digest names). */
  algorithm: string;
  /** Lowercase hex. */
  digest: string;
}

/** What a model hashes to: its name (the folder's or file's last component) and every item, in canonical order. */
export interface Manifest {
  modelName: string;
  serialization: Serialization;
  resources: Resource[];
}

/** The digest name the reference gives an item under a serialization. */
export function itemAlgorithm(s: Pick<Serialization, 'method' | 'shardSize'>): string {
  return s.method === 'shards' ? `sha256-sharded-${s.shardSize ?? DEFAULT_SHARD_SIZE}` : 'sha256';
}
