import { join } from 'node:path';
import { ModelgateError } from '../core/errors.js';
import { hubCacheDir } from '../sources/hf/config.js';
import { listCache, type CachedRepo, type CachedRevision } from '../sources/hf/local-cache.js';

/** What `scan --hf-cache [REPO]` scans: the cache folder, the repos and revisions found, and the folders to scan. */
export interface HfCacheSelection {
  /** The cache folder, as huggingface_hub resolves it (HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME, XDG_CACHE_HOME). */
  root: string;
  /** The repos scanned, each with the revisions it holds (or the one asked for). */
  repos: CachedRepo[];
  /** The folders to scan: each repo's entry, or the snapshot of the revision asked for. */
  targets: string[];
}

/** `org/name`, `hf:org/name`, `models--org--name`, with an optional `@REVISION`. */
function parseRepoArg(arg: string): { repo: string; type?: string; revision?: string } {
  let rest = arg.replace(/^hf:(\/\/)?/, '');
  let revision: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at > 0) {
    revision = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const folder = /^(models|datasets|spaces)--(.+)$/.exec(rest);
  if (folder) return { repo: folder[2]!.split('--').join('/'), type: folder[1]!.slice(0, -1), revision };
  const typed = /^(datasets|spaces)\/(.+)$/.exec(rest);
  if (typed) return { repo: typed[2]!, type: typed[1]!.slice(0, -1), revision };
  return { repo: rest, revision };
}

/** The revision of a repo that `revision` names: a ref (`main`, a tag), a full commit, or the start of one. */
function findRevision(repo: CachedRepo, revision: string): CachedRevision | undefined {
  const byRef = repo.revisions.find((r) => r.refs.includes(revision));
  if (byRef) return byRef;
  const matches = repo.revisions.filter((r) => r.commit === revision || (revision.length >= 7 && r.commit.startsWith(revision)));
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * The local Hugging Face cache to scan: every repo it holds, or `repoArg`'s (at one revision
 * with `@REVISION`). Throws USAGE when the cache holds nothing, or not that repo or revision.
 */
export function selectHfCache(repoArg: string | undefined, env: NodeJS.ProcessEnv = process.env): HfCacheSelection {
  const root = hubCacheDir(env);
  const all = listCache(root);
  if (repoArg === undefined) {
    if (all.length === 0) throw new ModelgateError('USAGE', `the Hugging Face cache ${root} holds no repo`);
    return { root, repos: all, targets: all.map((r) => r.dir) };
  }
  const want = parseRepoArg(repoArg);
  const repos = all.filter((r) => r.repo === want.repo && (want.type === undefined ? r.type === 'model' : r.type === want.type));
  if (repos.length === 0) {
    throw new ModelgateError(
      'USAGE',
      `the Hugging Face cache ${root} holds no ${want.repo}${all.length ? ` (it holds ${all.map((r) => r.repo).join(', ')})` : ''}`,
    );
  }
  if (want.revision === undefined) return { root, repos, targets: repos.map((r) => r.dir) };
  const repo = repos[0]!;
  const revision = findRevision(repo, want.revision);
  if (!revision) {
    const held = repo.revisions.map((r) => (r.refs.length ? `${r.commit} (${r.refs.join(', ')})` : r.commit)).join(', ') || 'none';
    throw new ModelgateError('USAGE', `the Hugging Face cache holds no revision ${want.revision} of ${repo.repo}; it holds ${held}`);
  }
  return { root, repos: [{ ...repo, revisions: [revision] }], targets: [join(repo.dir, 'snapshots', revision.commit)] };
}

/** The lines that say what a selection holds: the cache folder, then each repo and its revisions. */
export function describeHfCache(selection: HfCacheSelection): string[] {
  const lines = [`Hugging Face cache ${selection.root}:`];
  for (const repo of selection.repos) {
    const kind = repo.type === 'model' ? '' : ` (${repo.type})`;
    const revisions = repo.revisions.map((r) => (r.refs.length ? `${r.commit} (${r.refs.join(', ')})` : r.commit));
    lines.push(`  ${repo.repo}${kind}: ${revisions.length ? revisions.join(', ') : 'no snapshot'}`);
  }
  return lines;
}
