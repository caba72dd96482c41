/**
 * The Hub's URL layout under `/hf`, as huggingface_hub (hf_api.py, file_download.hf_hub_url)
 * and @huggingface/hub (lib/*.ts) build it. huggingface_hub percent-encodes a revision and a
 * tree path as one segment (`quote(…, safe="")`), @huggingface/hub sends a tree path with its
 * slashes: both decode to the same path here.
 */
export type HfRoute =
  | { kind: 'model-info'; repo: string; revision: string; blobs: boolean }
  | { kind: 'tree'; repo: string; revision: string; path: string }
  | { kind: 'paths-info'; repo: string; revision: string }
  | { kind: 'file'; repo: string; revision: string; path: string; raw: boolean };

/** A Hub repo path inside a repo: no leading or trailing slash. */
function repoPath(segments: string[]): string {
  return decodeURIComponent(segments.join('/')).replace(/^\/+|\/+$/g, '');
}

function parseSegments(method: string, s: string[], search: URLSearchParams): HfRoute | undefined {
  const read = method === 'GET' || method === 'HEAD';
  if (s[0] === 'api' && s[1] === 'models' && s.length >= 4) {
    const repo = `${decodeURIComponent(s[2]!)}/${decodeURIComponent(s[3]!)}`;
    const [what, rev, ...rest] = s.slice(4);
    const blobs = flag(search.get('blobs'));
    if (what === undefined && read) return { kind: 'model-info', repo, revision: 'main', blobs };
    if (rev === undefined || rev === '') return undefined;
    const revision = decodeURIComponent(rev);
    if (what === 'revision' && rest.length === 0 && read) return { kind: 'model-info', repo, revision, blobs };
    if (what === 'tree' && read) return { kind: 'tree', repo, revision, path: repoPath(rest) };
    if (what === 'paths-info' && rest.length === 0 && method === 'POST') return { kind: 'paths-info', repo, revision };
    return undefined;
  }
  const [org, name, what, rev, ...rest] = s;
  if (!org || !name || !rev || (what !== 'resolve' && what !== 'raw') || !read) return undefined;
  const path = repoPath(rest);
  if (path === '') return undefined;
  return { kind: 'file', repo: `${decodeURIComponent(org)}/${decodeURIComponent(name)}`, revision: decodeURIComponent(rev), path, raw: what === 'raw' };
}

/** The route a request under `/hf` names (`path` is the part after `/hf/`, still percent-encoded), or undefined. */
export function parseHfRoute(method: string, path: string, search: URLSearchParams): HfRoute | undefined {
  try {
    return parseSegments(method, path.split('/'), search);
  } catch {
    // Bad percent-encoding names nothing.
    return undefined;
  }
}

/** A query flag as the clients send it: `true` (httpx, fetch) or `True` (a Python bool as text). */
export function flag(value: string | null | undefined): boolean {
  return value === 'true' || value === 'True' || value === '1';
}
