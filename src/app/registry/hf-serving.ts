import { createHash } from 'node:crypto';
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
 * 40 hex digits of a SHA-256 over its file list, each path and SHA-256 in path order (uploads and
 * local paths: the same files under the same names, the same id). Not the root digest: that one
 * hashes the contents in path order but not the names, and leaves git's files out, so versions
 * with files renamed or a `.gitattributes` added would share a commit, and a client pinned to it
 * could be served another tree. Undefined before the files are in.
 */
export function servedCommit(
  version: Pick<VersionsTable, 'source_commit' | 'root_digest'>,
  files: ReadonlyArray<Pick<ServedFile, 'path' | 'sha256'>>,
): string | undefined {
  if (version.source_commit && COMMIT.test(version.source_commit)) return version.source_commit;
  if (!version.root_digest || files.length === 0) return undefined;
  const tree = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) tree.update(`${f.path}\0${f.sha256}\n`);
  return tree.digest('hex').slice(0, 40);
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
  /** The files of one version, or (no id) of every version of the model, by version. */
  const filesOf = async (id?: string): Promise<Map<string, ServedFile[]>> => {
    let query = db
      .selectFrom('version_files')
      .innerJoin('versions', 'versions.id', 'version_files.version_id')
      .select(['version_files.version_id', 'version_files.path', 'version_files.sha256', 'version_files.size'])
      .where('versions.model_id', '=', modelId);
    if (id !== undefined) query = query.where('version_files.version_id', '=', id);
    const byVersion = new Map<string, ServedFile[]>();
    for (const r of await query.orderBy('version_files.path').execute()) {
      const list = byVersion.get(r.version_id) ?? [];
      list.push({ path: r.path, sha256: r.sha256, size: Number(r.size) });
      byVersion.set(r.version_id, list);
    }
    return byVersion;
  };
  const approved = versions.filter((v) => v.state === 'approved' && v.root_digest !== null);
  let chosen: Candidate | undefined;
  let files: ServedFile[] = [];
  if (MOVING_REVISIONS.includes(revision)) {
    chosen = approved[0];
    if (!chosen) return { missing: 'revision', message: `Invalid rev id: ${revision} (${modelId} has no approved version)` };
    files = (await filesOf(chosen.id)).get(chosen.id) ?? [];
  } else if (COMMIT.test(revision)) {
    // A commit id names a file list: every version's is read to find it.
    const all = await filesOf();
    const commitOf = (v: Candidate): string | undefined => servedCommit(v, all.get(v.id) ?? []);
    chosen = approved.find((v) => commitOf(v) === revision);
    files = chosen ? (all.get(chosen.id) ?? []) : [];
    if (!chosen) {
      const other = versions.find((v) => commitOf(v) === revision);
      const why = other ? `that version of ${modelId} is in state ${other.state}, not approved` : `no version of ${modelId} has that commit`;
      return { missing: 'revision', message: `Invalid rev id: ${revision} (${why})` };
    }
  } else {
    return { missing: 'revision', message: `Invalid rev id: ${revision} (the registry serves main and approved commit ids only)` };
  }
  const commit = servedCommit(chosen, files);
  if (!commit) return { missing: 'revision', message: `Invalid rev id: ${revision} (the version holds no files)` };
  return {
    modelId,
    versionId: chosen.id,
    commit,
    rootDigest: chosen.root_digest!,
    sourceCommit: chosen.source_commit,
    approvedAt: chosen.updated_at,
    modelCreatedAt: model.created_at,
    files,
  };
}

/** Where a served file's bytes are on disk (the blob store is content-addressed). */
export function servedBlobPath(ctx: RegistryContext, file: ServedFile): string {
  return ctx.blobs.path(file.sha256);
}
