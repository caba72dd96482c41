import type { VersionsTable } from '../../store/index.js';
import type { RegistryContext } from './context.js';

/**
 * What the Hugging Face-compatible endpoint (`/hf`) may serve: approved versions only, each
 * pinned to one commit id. docs/design/REGISTRY.md ("Serving to Hugging Face clients") tells the
 * scheme.
 */

/** One file of a served version: its path in the repo and its blob in the store. */
export interface ServedFile {
  path: string;
  sha256: string;
  size: number;
}

/** An approved version as a Hub repo at one commit. */
export interface ServedVersion {
  modelId: string;
  versionId: string;
  /** The commit id clients pin to (see {@link servedCommit}). */
  commit: string;
  rootDigest: string;
  sourceCommit: string | null;
  /** When the version was approved (its last state change). */
  approvedAt: string;
  modelCreatedAt: string;
  files: ServedFile[];
}

/** A revision that named nothing servable: no such model, or no approved version at that revision. */
export interface NotServed {
  missing: 'repo' | 'revision';
  message: string;
}

/** Revisions that move: the newest approved version of the model. `HEAD` is @huggingface/hub's default. */
export const MOVING_REVISIONS: readonly string[] = ['main', 'HEAD'];

/** A git commit id: 40 lowercase hex digits (the form the Hub and huggingface_hub pin to). */
const COMMIT = /^[0-9a-f]{40}$/;

/**
 * The commit id a version is served at: the Hub commit its files were pinned to (a Hub-sourced
 * version, so a client pinned to the Hub's commit gets the same files here), otherwise the first
 * 40 hex digits of its root digest (uploads and local paths: stable for the same files).
 * Undefined before the files are in.
 */
export function servedCommit(version: Pick<VersionsTable, 'source_commit' | 'root_digest'>): string | undefined {
  if (version.source_commit && COMMIT.test(version.source_commit)) return version.source_commit;
  return version.root_digest?.slice(0, 40) ?? undefined;
}

type Candidate = Pick<VersionsTable, 'id' | 'state' | 'source_commit' | 'root_digest' | 'created_at' | 'updated_at'>;

/**
 * The approved version a revision names: `main` (or `HEAD`) is the newest approved version by
 * submission time; a 40-hex commit id is the approved version served at it. Anything else, and
 * a version in any other state (revoked, rejected, still in review), is not served.
 */
export async function resolveServed(ctx: RegistryContext, modelId: string, revision: string): Promise<ServedVersion | NotServed> {
  const db = ctx.db.kysely;
  const model = await db.selectFrom('models').select(['id', 'created_at']).where('id', '=', modelId).executeTakeFirst();
  if (!model) return { missing: 'repo', message: 'Repository not found' };
  const versions: Candidate[] = await db
    .selectFrom('versions')
    .select(['id', 'state', 'source_commit', 'root_digest', 'created_at', 'updated_at'])
    .where('model_id', '=', modelId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const approved = versions.filter((v) => v.state === 'approved' && servedCommit(v) !== undefined);
  let chosen: Candidate | undefined;
  if (MOVING_REVISIONS.includes(revision)) {
    chosen = approved[0];
    if (!chosen) return { missing: 'revision', message: `Invalid rev id: ${revision} (${modelId} has no approved version)` };
  } else if (COMMIT.test(revision)) {
    chosen = approved.find((v) => servedCommit(v) === revision);
    if (!chosen) {
      const other = versions.find((v) => servedCommit(v) === revision);
      const why = other ? `that version of ${modelId} is in state ${other.state}, not approved` : `no version of ${modelId} has that commit`;
      return { missing: 'revision', message: `Invalid rev id: ${revision} (${why})` };
    }
  } else {
    return { missing: 'revision', message: `Invalid rev id: ${revision} (the registry serves main and approved commit ids only)` };
  }
  const files = await db.selectFrom('version_files').select(['path', 'sha256', 'size']).where('version_id', '=', chosen.id).orderBy('path').execute();
  return {
    modelId,
    versionId: chosen.id,
    commit: servedCommit(chosen)!,
    rootDigest: chosen.root_digest!,
    sourceCommit: chosen.source_commit,
    approvedAt: chosen.updated_at,
    modelCreatedAt: model.created_at,
    files: files.map((f) => ({ path: f.path, sha256: f.sha256, size: Number(f.size) })),
  };
}

/** Where a served file's bytes are on disk (the blob store is content-addressed). */
export function servedBlobPath(ctx: RegistryContext, file: ServedFile): string {
  return ctx.blobs.path(file.sha256);
}
