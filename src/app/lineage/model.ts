/**
 * Lineage: which model versions a version comes from. A model card or config *declares*
 * parents; the files and tensors two versions share can *verify* a declared edge.
 */

/** A text file of a model version, as read by the caller (README.md, adapter_config.json, config.json). */
export interface ReadFile {
  /** Path in the version, `/`-separated (`README.md`, `lora/adapter_config.json`). */
  path: string;
  text: string;
}

/** How a version relates to its base: the Hub's `base_model_relation` values. */
export const RELATIONS = ['adapter', 'merge', 'quantized', 'finetune'] as const;
export type Relation = (typeof RELATIONS)[number];

/** Where a parent was declared: the card's front matter, adapter_config.json or config.json. */
export type DeclarationSource = 'card' | 'adapter_config' | 'config';

/** A parent a version names, as a Hub repo id; nothing about it is checked yet. */
export interface DeclaredParent {
  /** `ORG/NAME` or a legacy `NAME`. */
  repo: string;
  /** The declared relation: the card's `base_model_relation`, `adapter` for an adapter_config.json; absent when unsaid. */
  relation?: Relation;
  source: DeclarationSource;
  /** The base's revision an adapter_config.json pins (`revision`), when it does. */
  revision?: string;
}

/** One tensor of a safetensors file: its type, shape and the SHA-256 of its bytes. */
export interface TensorDigest {
  dtype: string;
  shape: number[];
  /** Lowercase hex SHA-256 of the tensor's data bytes. */
  sha256: string;
  /**
   * Every element holds the same bytes (zeros, ones, a single value): such a tensor is the same
   * in unrelated models, so it is no evidence of lineage.
   */
  constant: boolean;
}

/** What is known of one model version, for {@link verifyEdge}. */
export interface VersionEvidence {
  /** Hub-style repo id of the version's model, when it has one. */
  repo?: string;
  /** The version's revision (a commit, a tag). */
  revision?: string;
  /** The digest that names the version's whole content. */
  rootDigest: string;
  /** Every file of the version with its SHA-256 (lowercase hex). */
  files: ReadonlyArray<{ path: string; sha256: string }>;
  /** Tensors of its safetensors files by name (shards merged into one map), when they were hashed. */
  tensors?: ReadonlyMap<string, TensorDigest>;
  /** adapter_config.json's `base_model_name_or_path`, for an adapter. */
  adapterBase?: string;
  /** adapter_config.json's `revision` of that base, when it pins one. */
  adapterRevision?: string;
}

/** The verdict on one parent edge, with the reasons in words. */
export interface EdgeVerdict {
  /** `verified`: the child's own files show it comes from the parent; `declared`: only said so. */
  status: 'verified' | 'declared';
  evidence: string[];
}
