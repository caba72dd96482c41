import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { ModelgateError } from '../../core/errors.js';
import type { VersionsTable } from '../../store/index.js';
import { announce, audited, getVersion, lockVersion, moveVersion, type RegistryContext } from './context.js';
import { requireRole, type Principal } from './roles.js';

/** Where a submission's files come from. */
export type SubmissionSource = { kind: 'upload' } | { kind: 'hub'; repo: string; revision?: string } | { kind: 'path'; path: string };

export interface SubmissionInput {
  /** `org/name`: the model this is a version of. */
  model: string;
  source: SubmissionSource;
  owner?: string;
  businessOwner?: string;
}

/** Model ids as the Hub spells them: `org/name`, letters, digits, `-`, `_`, `.`; no `..`. */
const MODEL_ID = /^[A-Za-z0-9][\w.-]{0,95}\/[A-Za-z0-9][\w.-]{0,95}$/;

export function checkModelId(id: string): void {
  if (!MODEL_ID.test(id) || id.includes('..')) throw new ModelgateError('USAGE', `a model id is org/name (letters, digits, - _ .), not ${JSON.stringify(id)}`);
}

/**
 * A repo path that is safe to store and to write under a folder: relative, `/`-separated, no
 * `.` or `..` segment, no backslash, no control or bidi characters, at most 1024 bytes.
 */
export function checkFilePath(path: string): void {
  const bad =
    path === '' ||
    Buffer.byteLength(path) > 1024 ||
    path.startsWith('/') ||
    path.includes('\\') ||
    /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(path) ||
    path.split('/').some((p) => p === '' || p === '.' || p === '..');
  if (bad) throw new ModelgateError('USAGE', `not a safe file path: ${JSON.stringify(path)}`);
}

/** A path as a case-insensitive, normalising file system or a loader may see it: NFKC, lower case. */
function foldPath(path: string): string {
  return path.normalize('NFKC').toLowerCase();
}

/**
 * The paths of one version must name distinct files wherever they land: two that differ only by
 * case or Unicode form (`Config.json`, `conﬁg.json`, a composed and a decomposed `é`) are one file
 * on macOS or Windows, or look like one to a reviewer, so which bytes a client loads would depend
 * on its file system; and a file cannot also be a folder (`a` and `a/b`). USAGE otherwise.
 */
export function checkFileSet(paths: readonly string[]): void {
  const files = new Map<string, string>();
  for (const path of paths) {
    const other = files.get(foldPath(path));
    if (other !== undefined && other !== path)
      throw new ModelgateError('USAGE', `${JSON.stringify(path)} and ${JSON.stringify(other)} would be one file on a case-insensitive file system`);
    files.set(foldPath(path), path);
  }
  for (const path of paths) {
    const parts = foldPath(path).split('/');
    for (let i = 1; i < parts.length; i++) {
      const file = files.get(parts.slice(0, i).join('/'));
      if (file !== undefined) throw new ModelgateError('USAGE', `${JSON.stringify(file)} is a file and also a folder of ${JSON.stringify(path)}`);
    }
  }
}

/** A path with every link and `..` resolved, or undefined when it does not exist. */
function realPath(path: string): string | undefined {
  try {
    return realpathSync(resolve(path));
  } catch {
    return undefined;
  }
}

/**
 * The real path of a `path` submission, which must lie inside one of the configured folders
 * once links and `..` are resolved on both sides (`/srv/models/../../etc` or a link out of the
 * folder are refused). FORBIDDEN otherwise, also for a path that does not exist.
 */
function allowedPath(ctx: RegistryContext, path: string): string {
  const real = realPath(path);
  const inside = (root: string): boolean => real !== undefined && (real === root || real.startsWith(root.endsWith(sep) ? root : `${root}${sep}`));
  const roots = (ctx.config.allowedPaths ?? []).map(realPath).filter((r): r is string => r !== undefined);
  if (!roots.some(inside))
    throw new ModelgateError('FORBIDDEN', `path submissions are limited to the configured folders (allowedPaths): ${path} is not inside one`);
  return real!;
}

/**
 * Opens a submission: a new version of a model (the model is created on first use), in state
 * `receiving` for an upload (files come next) or `submitted` for a Hub reference or a local
 * path (the pipeline fetches them). Submitters only.
 */
export async function createSubmission(ctx: RegistryContext, who: Principal, input: SubmissionInput): Promise<VersionsTable> {
  requireRole(who, 'submitter');
  checkModelId(input.model);
  const source = input.source;
  if (source.kind === 'hub') checkModelId(source.repo);
  const localPath = source.kind === 'path' ? allowedPath(ctx, source.path) : undefined;
  const at = ctx.now();
  const version: VersionsTable = {
    id: randomUUID(),
    model_id: input.model,
    source_kind: source.kind,
    source_ref: source.kind === 'hub' ? `${source.repo}@${source.revision ?? 'main'}` : (localPath ?? 'upload'),
    source_commit: null,
    root_digest: null,
    state: source.kind === 'upload' ? 'receiving' : 'submitted',
    risk: null,
    verdict: null,
    report: null,
    provenance_key: null,
    policy_digest: null,
    state_reason: null,
    submitted_by: who.name,
    licence_accepted_by: null,
    created_at: at,
    updated_at: at,
    revision: 0,
  };
  await audited(
    ctx,
    { actor: who.name, action: 'version.submit', subject: version.id, details: { model: input.model, source: version.source_ref } },
    async (trx) => {
      // The first version makes the model; of two first versions at once, one insert is a no-op.
      await trx
        .insertInto('models')
        .values({ id: input.model, owner: input.owner ?? who.name, business_owner: input.businessOwner ?? null, created_at: at })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await trx.insertInto('versions').values(version).execute();
      await trx
        .insertInto('transitions')
        .values({ version_id: version.id, from_state: null, to_state: version.state, actor: who.name, reason: 'submitted', at })
        .execute();
    },
  );
  announce(ctx, version);
  return version;
}

/**
 * Stores one uploaded file of a `receiving` version, streamed into the blob store within the
 * size limit; uploading a path again replaces it. Only the submitter may add files.
 */
export async function uploadFile(
  ctx: RegistryContext,
  who: Principal,
  versionId: string,
  path: string,
  body: AsyncIterable<Uint8Array>,
): Promise<{ sha256: string; size: number }> {
  checkFilePath(path);
  const version = await getVersion(ctx.db.kysely, versionId);
  if (version.submitted_by !== who.name) throw new ModelgateError('FORBIDDEN', 'only the submitter adds files to a submission');
  if (version.state !== 'receiving') throw new ModelgateError('CONFLICT', `version ${versionId} is ${version.state}: it takes no more files`);
  const count = await ctx.db.kysely
    .selectFrom('version_files')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('version_id', '=', versionId)
    .executeTakeFirstOrThrow();
  const limit = ctx.config.maxFiles;
  if (Number(count.n) >= limit) throw new ModelgateError('TOO_LARGE', `a version has at most ${limit} files`);
  const blob = await ctx.blobs.put(body, ctx.config.maxFileBytes);
  await audited(
    ctx,
    { actor: who.name, action: 'version.upload', subject: versionId, details: { path, sha256: blob.sha256, size: blob.size } },
    async (trx) => {
      // Locked (PostgreSQL), so a finish running at the same time waits for this file or refuses it.
      const current = await lockVersion(ctx, trx, versionId);
      if (current.state !== 'receiving') throw new ModelgateError('CONFLICT', `version ${versionId} is ${current.state}: it takes no more files`);
      await trx.deleteFrom('version_files').where('version_id', '=', versionId).where('path', '=', path).execute();
      await trx.insertInto('version_files').values({ version_id: versionId, path, sha256: blob.sha256, size: blob.size }).execute();
    },
  );
  return blob;
}

/** Closes an upload: the version goes to the pipeline. */
export async function finishUpload(ctx: RegistryContext, who: Principal, versionId: string): Promise<VersionsTable> {
  const version = await getVersion(ctx.db.kysely, versionId);
  if (version.submitted_by !== who.name) throw new ModelgateError('FORBIDDEN', 'only the submitter finishes a submission');
  const moved = await ctx.db.kysely.transaction().execute(async (trx) => {
    const files = await trx.selectFrom('version_files').select('path').where('version_id', '=', versionId).execute();
    if (files.length === 0) throw new ModelgateError('CONFLICT', 'a submission needs at least one file');
    checkFileSet(files.map((f) => f.path));
    return moveVersion(ctx, trx, versionId, ['receiving'], 'submitted', who.name, 'upload finished');
  });
  announce(ctx, moved);
  return moved;
}

/**
 * Gives up an unfinished upload (its submitter, or an admin): the version is rejected with the
 * reason, so nothing waits in `receiving` for files that will never come.
 */
export async function abandonUpload(ctx: RegistryContext, who: Principal, versionId: string, reason?: string): Promise<VersionsTable> {
  const moved = await ctx.db.kysely.transaction().execute(async (trx) => {
    const version = await getVersion(trx, versionId);
    if (version.submitted_by !== who.name && !who.roles.includes('admin'))
      throw new ModelgateError('FORBIDDEN', 'only the submitter or an admin abandons a submission');
    return moveVersion(ctx, trx, versionId, ['receiving'], 'rejected', who.name, `upload abandoned${reason?.trim() ? `: ${reason.trim()}` : ''}`);
  });
  announce(ctx, moved);
  return moved;
}
