import type { EdgeVerdict, TensorDigest, VersionEvidence } from './model.js';

/**
 * Files whose bytes are weights. Sharing one byte for byte means the child carries the parent's
 * weights; tokenizers, configs, licences and .gitattributes are shared by whole model families
 * (and by unrelated repos made from one template) and prove nothing.
 */
const WEIGHT_FILE = /\.(safetensors|bin|pt|pth|ckpt|gguf|ggml|onnx|h5|hdf5|keras|msgpack|npz|npy|pkl|joblib|tflite)$/i;
/** SHA-256 of zero bytes: every empty file has it. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * Tensors computed from the config, not learned: the same bytes in every model of an
 * architecture and size, related or not. (Constant tensors, zeros or ones, are left out by
 * their `constant` flag.)
 */
const DETERMINISTIC: readonly RegExp[] = [
  /(^|\.)position_ids$/, // arange(max_position_embeddings): BERT, CLIP
  /(^|\.)token_type_ids$/,
  /(^|\.)inv_freq$/, // rotary embedding frequencies from rope_theta
  /(^|\.)attn\.(masked_)?bias$/, // GPT-2's causal mask buffer and its fill value
  /(^|\.)g_idx$/, // GPTQ group index, i // group_size without act-order
];

/**
 * When shared tensors verify an edge. Trained weights never share a SHA-256 by chance: identical
 * tensors come by descent (the child kept the parent's bytes) or by determinism (left out above).
 * A quantisation keeps the norms, embeddings and often the head unquantised: a Llama-7B (291
 * tensors) quantised with GPTQ keeps 65 norms, the embeddings and the head, about 23 % of them. A
 * finetune made by merging a LoRA keeps every module the adapter did not target (over half); a
 * full finetune keeps only what was frozen. Two finetunes of one grandparent may both keep its
 * frozen embeddings: one or two tensors, under 1 % of a real model, which prove the grandparent
 * and not this parent. So an edge is verified by at least MIN_SHARED_TENSORS identical tensors
 * making at least MIN_SHARED_SHARE of the smaller model's informative tensors (the smaller,
 * because a quantisation adds tensors of its own: scales, zero points). 10 % sits well under
 * the smallest real case and far above a grandparent's embeddings.
 */
const MIN_SHARED_TENSORS = 2;
const MIN_SHARED_SHARE = 0.1;
/** Names quoted in one line of evidence before the rest are counted. */
const MAX_NAMED = 5;

const named = (names: readonly string[]): string =>
  names.length > MAX_NAMED ? `${names.slice(0, MAX_NAMED).join(', ')} and ${names.length - MAX_NAMED} more` : names.join(', ');

/** Equal revisions, a full commit id matching an abbreviated one (7 hex digits or more) included. */
function sameRevision(a: string, b: string): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  if (x === y) return true;
  const [short, long] = x.length < y.length ? [x, y] : [y, x];
  return /^[0-9a-f]{7,}$/.test(short) && /^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(long) && long.startsWith(short);
}

/** An adapter names the base PEFT loads it onto: the parent's repo, at the parent's revision if it pins one. */
function adapterEvidence(child: VersionEvidence, parent: VersionEvidence, evidence: string[]): boolean {
  const base = child.adapterBase;
  if (base === undefined) return false;
  if (parent.repo === undefined || base.toLowerCase() !== parent.repo.toLowerCase()) {
    evidence.push(`adapter_config.json names ${base} as its base, not ${parent.repo ?? 'this parent'}`);
    return false;
  }
  const pinned = child.adapterRevision;
  if (pinned === undefined) {
    evidence.push(`adapter_config.json loads its base from ${base} (no revision pinned: whichever version is current)`);
    return true;
  }
  const versions = [parent.revision, parent.rootDigest].filter((v): v is string => v !== undefined);
  if (versions.some((v) => sameRevision(pinned, v))) {
    evidence.push(`adapter_config.json pins its base ${base} at ${pinned}, this parent version`);
    return true;
  }
  evidence.push(`adapter_config.json pins its base ${base} at ${pinned}, another version than this parent (${versions.join(', ')})`);
  return false;
}

/** Weight files of the child that are byte for byte files of the parent. */
function blobEvidence(child: VersionEvidence, parent: VersionEvidence, evidence: string[]): boolean {
  const weights = (v: VersionEvidence) => v.files.filter((f) => WEIGHT_FILE.test(f.path) && f.sha256.toLowerCase() !== EMPTY_SHA256);
  const parentBlobs = new Set(weights(parent).map((f) => f.sha256.toLowerCase()));
  const shared = weights(child).filter((f) => parentBlobs.has(f.sha256.toLowerCase()));
  if (shared.length === 0) return false;
  evidence.push(`${shared.length} weight file(s) are byte for byte the parent's (SHA-256): ${named(shared.map((f) => f.path))}`);
  return true;
}

/** The tensors that say something about lineage, by content (dtype, shape, SHA-256), with a name each. */
function informative(tensors: ReadonlyMap<string, TensorDigest>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, t] of tensors) {
    if (t.constant || DETERMINISTIC.some((re) => re.test(name))) continue;
    const key = `${t.dtype}|${t.shape.join('x')}|${t.sha256.toLowerCase()}`;
    if (!out.has(key)) out.set(key, name);
  }
  return out;
}

/** Tensors of the child identical to tensors of the parent, against the threshold above. */
function tensorEvidence(child: VersionEvidence, parent: VersionEvidence, evidence: string[]): boolean {
  if (!child.tensors || !parent.tensors) return false;
  const mine = informative(child.tensors);
  const theirs = informative(parent.tensors);
  const shared = [...mine].filter(([key]) => theirs.has(key)).map(([, name]) => name);
  const smaller = Math.min(mine.size, theirs.size);
  const verified = shared.length >= MIN_SHARED_TENSORS && shared.length >= MIN_SHARED_SHARE * smaller;
  const which = shared.length > 0 ? `: ${named(shared)}` : '';
  evidence.push(
    `${shared.length} of ${mine.size} informative tensors identical to the parent's (which has ${theirs.size})${which}; ` +
      `${verified ? 'at least' : 'under'} ${MIN_SHARED_TENSORS} and ${MIN_SHARED_SHARE * 100} % of the smaller model are needed`,
  );
  return verified;
}

/**
 * Whether a parent edge is verified by the versions' own content, not only declared: an
 * adapter whose adapter_config.json names the parent's repo (at the parent's revision or root
 * digest when it pins one), a weight file the two share byte for byte, or enough identical
 * tensors (see MIN_SHARED_SHARE). Every check that had something to look at adds a line of
 * evidence, whatever the verdict.
 */
export function verifyEdge(child: VersionEvidence, parent: VersionEvidence): EdgeVerdict {
  const evidence: string[] = [];
  // Every check runs, so the evidence says all that was seen.
  const results = [adapterEvidence(child, parent, evidence), blobEvidence(child, parent, evidence), tensorEvidence(child, parent, evidence)];
  if (evidence.length === 0) evidence.push('no adapter base, no shared weight file and no hashed tensors to compare');
  return { status: results.some(Boolean) ? 'verified' : 'declared', evidence };
}
