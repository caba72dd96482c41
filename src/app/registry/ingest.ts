import { createReadStream, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { walkTarget, withHubSession } from '../../sources/index.js';
import type { VersionFilesTable, VersionsTable } from '../../store/index.js';
import type { RegistryContext } from './context.js';
import { checkFilePath, checkFileSet } from './submissions.js';

/** The files of a version once fetched, and the commit they were pinned to. */
export interface Ingested {
  files: VersionFilesTable[];
  commit: string | null;
}

/** Bytes read from a source in 4 MiB pieces. */
async function* sourceChunks(source: ByteSource): AsyncIterable<Uint8Array> {
  const piece = 4 * 1024 * 1024;
  for (let at = 0; at < source.size; at += piece) yield source.read(at, Math.min(piece, source.size - at));
}

/** `org/name@rev` of a hub submission. */
function hubRef(sourceRef: string): { repo: string; revision: string } {
  const at = sourceRef.lastIndexOf('@');
  return { repo: sourceRef.slice(0, at), revision: sourceRef.slice(at + 1) };
}

function tooMany(ctx: RegistryContext, n: number): void {
  const limit = ctx.config.maxFiles;
  if (n > limit) throw new ModelgateError('TOO_LARGE', `${n} files: a version has at most ${limit}`);
}

/**
 * Downloads a Hub repo at its revision, resolved once to a commit, every file verified against
 * the Hub's hashes on the way into the blob store. A gated repo needs the token the submitter
 * gave (kept in memory only) or the server's HF_TOKEN.
 */
async function fetchHub(ctx: RegistryContext, version: VersionsTable, token: string | undefined): Promise<Ingested> {
  const { repo, revision } = hubRef(version.source_ref);
  const env: NodeJS.ProcessEnv = { ...process.env, HF_HOME: join(ctx.config.dataDir, 'hf-home'), HF_HUB_OFFLINE: '' };
  if (ctx.config.hubEndpoint) env.HF_ENDPOINT = ctx.config.hubEndpoint;
  if (token) env.HF_TOKEN = token;
  return withHubSession({ full: true, env }, async (session) => {
    const snap = await session.snapshot(`hf:${repo}@${revision}`);
    tooMany(ctx, snap.files.length);
    const files: VersionFilesTable[] = [];
    for (const file of snap.files) {
      checkFilePath(file.path);
      const opened = await session.open(snap, file, true);
      try {
        if (opened.problems.length > 0) throw new ModelgateError('VERIFY_MISMATCH', `${file.path}: ${opened.problems[0]?.message ?? 'hash mismatch'}`);
        const path = opened.source.path;
        // Small git files arrive in memory; LFS files as a verified download on disk.
        const bytes = path === undefined ? sourceChunks(opened.source) : createReadStream(path);
        const blob = await ctx.blobs.put(bytes, ctx.config.maxFileBytes, file.lfs?.sha256);
        files.push({ version_id: version.id, path: file.path, sha256: blob.sha256, size: blob.size });
      } finally {
        opened.close();
      }
    }
    return { files, commit: snap.commit };
  });
}

/** Copies a local folder or file the config allows into the blob store; links and special files are refused. */
async function fetchPath(ctx: RegistryContext, version: VersionsTable): Promise<Ingested> {
  const root = version.source_ref;
  const files: VersionFilesTable[] = [];
  const isDir = lstatSync(root).isDirectory();
  for (const entry of walkTarget(root, 0)) {
    if (entry.kind !== 'file') throw new ModelgateError('FORBIDDEN', `${entry.path} is a ${entry.kind}: a submission holds regular files only`);
    const path = isDir ? entry.path : (entry.path.split('/').pop() ?? entry.path);
    checkFilePath(path);
    tooMany(ctx, files.length + 1);
    const blob = await ctx.blobs.put(createReadStream(entry.diskPath ?? entry.path), ctx.config.maxFileBytes);
    files.push({ version_id: version.id, path, sha256: blob.sha256, size: blob.size });
  }
  if (files.length === 0) throw new ModelgateError('UNREADABLE', `${root} holds no files`);
  return { files, commit: null };
}

/** The files of a `submitted` version, from where its source says. Uploads already have theirs. */
export async function ingest(ctx: RegistryContext, version: VersionsTable, hubToken: string | undefined): Promise<Ingested | undefined> {
  const got =
    version.source_kind === 'hub' ? await fetchHub(ctx, version, hubToken) : version.source_kind === 'path' ? await fetchPath(ctx, version) : undefined;
  // A Hub repo (git allows `Config.json` beside `config.json`) is held to the same rule as an upload.
  if (got) checkFileSet(got.files.map((f) => f.path));
  return got;
}
