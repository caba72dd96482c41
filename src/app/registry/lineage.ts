import { readFileSync } from 'node:fs';
import type { Selectable } from 'kysely';
import type { VersionFilesTable, VersionsTable } from '../../store/index.js';
import { declaredParents, verifyEdge, type DeclaredParent, type TensorDigest, type VersionEvidence } from '../lineage/index.js';
import { startModuleWorker } from '../threads.js';
import type { RegistryContext, Tx } from './context.js';

/** Files read for declarations: the card and configs are small; anything bigger is not read. */
const MAX_DECLARATION_BYTES = 1024 * 1024;
const DECLARING = /(^|\/)(README\.md|config\.json|adapter_config\.json)$/;
/** Candidate parent versions compared by bytes per declared parent: the newest ones. */
const MAX_CANDIDATES = 5;

type TensorRow = [string, string, number[], string, boolean];

/** Per-tensor digests of a version's safetensors blobs: from the cache table, else hashed in a worker thread. */
async function tensorsOf(ctx: RegistryContext, files: readonly VersionFilesTable[]): Promise<Map<string, TensorDigest>> {
  const out = new Map<string, TensorDigest>();
  const blobs = [...new Set(files.filter((f) => f.path.endsWith('.safetensors')).map((f) => f.sha256))];
  if (blobs.length === 0) return out;
  const cached = await ctx.db.kysely.selectFrom('blob_tensors').selectAll().where('sha256', 'in', blobs).execute();
  const rows = new Map(cached.map((c) => [c.sha256, JSON.parse(c.tensors) as TensorRow[]]));
  const missing = blobs.filter((b) => !rows.has(b));
  if (missing.length > 0) {
    const byPath = new Map(missing.map((sha) => [ctx.blobs.path(sha), sha]));
    const worker = startModuleWorker(import.meta.url, 'tensor-worker', { workerData: [...byPath.keys()] });
    await new Promise<void>((resolve, reject) => {
      let left = missing.length;
      worker.on('message', ([path, result]: [string, TensorRow[] | { error: string }]) => {
        const sha = byPath.get(path)!;
        if (Array.isArray(result)) rows.set(sha, result);
        if (--left === 0) resolve();
      });
      worker.once('error', reject);
      worker.once('exit', () => resolve());
    });
    await worker.terminate();
    for (const sha of missing) {
      const found = rows.get(sha);
      if (found)
        await ctx.db.kysely
          .insertInto('blob_tensors')
          .values({ sha256: sha, tensors: JSON.stringify(found) })
          .onConflict((oc) => oc.column('sha256').doNothing())
          .execute();
    }
  }
  for (const file of files) {
    for (const [name, dtype, shape, sha256, constant] of rows.get(file.sha256) ?? []) out.set(`${name}`, { dtype, shape, sha256, constant });
  }
  return out;
}

async function evidenceOf(
  ctx: RegistryContext,
  version: Pick<VersionsTable, 'model_id' | 'source_commit' | 'root_digest'>,
  files: readonly VersionFilesTable[],
  declared: DeclaredParent[] = [],
): Promise<VersionEvidence> {
  const adapter = declared.find((d) => d.source === 'adapter_config');
  return {
    repo: version.model_id,
    revision: version.source_commit ?? undefined,
    rootDigest: version.root_digest ?? '',
    files: files.map((f) => ({ path: f.path, sha256: f.sha256 })),
    tensors: await tensorsOf(ctx, files),
    adapterBase: adapter?.repo,
    adapterRevision: adapter?.revision,
  };
}

/** What a version's card and configs declare as its parents. */
function declarationsOf(ctx: RegistryContext, files: readonly VersionFilesTable[]): DeclaredParent[] {
  const texts = files
    .filter((f) => DECLARING.test(f.path) && f.size <= MAX_DECLARATION_BYTES)
    .map((f) => ({ path: f.path, text: readFileSync(ctx.blobs.path(f.sha256), 'utf8') }));
  return declaredParents(texts);
}

/**
 * The lineage of a scanned version: one edge per declared parent model, matched to a version of
 * that model in the registry when the bytes confirm it (an adapter's pinned base, shared weight
 * blobs, shared tensors: `verified`), else to no version (`declared`). Written in the caller's
 * transaction. A parent declared nowhere but shown by bytes is not searched for (that would be
 * every model against every other).
 */
export async function lineageOf(
  ctx: RegistryContext,
  version: Selectable<VersionsTable>,
  files: readonly VersionFilesTable[],
): Promise<Array<{ parent_model_id: string; parent_version_id: string | null; relation: string; status: string; evidence: string }>> {
  const declared = declarationsOf(ctx, files);
  if (declared.length === 0) return [];
  const child = await evidenceOf(ctx, version, files, declared);
  const edges = new Map<string, { parent_model_id: string; parent_version_id: string | null; relation: string; status: string; evidence: string }>();
  for (const parent of declared) {
    if (parent.repo === version.model_id || edges.has(parent.repo)) continue;
    const candidates = await ctx.db.kysely
      .selectFrom('versions')
      .selectAll()
      .where('model_id', '=', parent.repo)
      .where('state', 'not in', ['receiving', 'submitted', 'scanning'])
      .orderBy('created_at', 'desc')
      .limit(MAX_CANDIDATES)
      .execute();
    let best: { id: string | null; status: string; evidence: string[] } = { id: null, status: 'declared', evidence: [`declared in ${parent.source}`] };
    for (const candidate of candidates) {
      const parentFiles = await ctx.db.kysely.selectFrom('version_files').selectAll().where('version_id', '=', candidate.id).execute();
      const verdict = verifyEdge(child, await evidenceOf(ctx, candidate, parentFiles));
      if (verdict.status === 'verified') {
        best = { id: candidate.id, status: 'verified', evidence: [`declared in ${parent.source}`, ...verdict.evidence] };
        break;
      }
    }
    edges.set(parent.repo, {
      parent_model_id: parent.repo,
      parent_version_id: best.id,
      relation: parent.relation ?? (parent.source === 'adapter_config' ? 'adapter' : 'unspecified'),
      status: best.status,
      evidence: JSON.stringify(best.evidence),
    });
  }
  return [...edges.values()];
}

/** Replaces a version's lineage edges, in the caller's transaction. */
export async function writeLineage(trx: Tx, versionId: string, edges: Awaited<ReturnType<typeof lineageOf>>): Promise<void> {
  await trx.deleteFrom('lineage').where('child_version_id', '=', versionId).execute();
  for (const edge of edges)
    await trx
      .insertInto('lineage')
      .values({ child_version_id: versionId, ...edge })
      .execute();
}
