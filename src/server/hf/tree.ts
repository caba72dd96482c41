import type { ServedVersion } from '../../app/registry/index.js';
import { isModelgateError } from '../../core/errors.js';
import { boundedText } from '../route.js';
import { expanded, listTree, pathsInfo } from './entries.js';
import { entryNotFound, hubError } from './errors.js';
import { flag } from './paths.js';

/** Entries a tree page holds, about the Hub's page; clients follow `Link: <…>; rel="next"`. */
export const TREE_PAGE_SIZE = 1000;

/** paths-info bodies are lists of paths: a megabyte is thousands of them. */
const MAX_PATHS_INFO_BYTES = 1024 * 1024;

const json = (body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

/**
 * GET /api/models/{repo}/tree/{rev}[/{path}]?recursive=&expand=&cursor=: one page of the
 * entries, the next page linked as the Hub does (huggingface_hub `paginate`, @huggingface/hub
 * `listFiles` follow the Link header). The cursor is an offset into the sorted entries.
 */
export function treePage(version: ServedVersion, path: string, url: URL, pageSize = TREE_PAGE_SIZE): Response {
  const entries = listTree(version, path, flag(url.searchParams.get('recursive')));
  if (!entries) return entryNotFound(version, path);
  const cursor = Math.max(0, Math.floor(Number(url.searchParams.get('cursor') ?? 0)) || 0);
  const page = expanded(entries.slice(cursor, cursor + pageSize), version, flag(url.searchParams.get('expand')));
  const headers: Record<string, string> = {};
  if (cursor + pageSize < entries.length) {
    const next = new URL(url.href);
    next.searchParams.set('cursor', String(cursor + pageSize));
    headers.link = `<${next.href}>; rel="next"`;
  }
  return json(page, headers);
}

/** The paths and `expand` of a paths-info body: JSON from @huggingface/hub, a form from huggingface_hub. */
function parsePathsBody(text: string, contentType: string): { paths: string[]; expand: boolean } | undefined {
  if (contentType.includes('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return undefined;
    }
    const { paths, expand } = (body ?? {}) as { paths?: unknown; expand?: unknown };
    const list = typeof paths === 'string' ? [paths] : paths;
    if (!Array.isArray(list) || !list.every((p) => typeof p === 'string')) return undefined;
    return { paths: list, expand: expand === true };
  }
  const form = new URLSearchParams(text);
  return { paths: form.getAll('paths'), expand: flag(form.get('expand')) };
}

/** POST /api/models/{repo}/paths-info/{rev}: the entries of the paths asked for that exist. */
export async function pathsInfoAnswer(version: ServedVersion, request: Request): Promise<Response> {
  let text: string;
  try {
    text = await boundedText(request, MAX_PATHS_INFO_BYTES);
  } catch (e) {
    if (isModelgateError(e, 'TOO_LARGE')) return hubError(413, undefined, 'the body is too large');
    throw e;
  }
  const body = parsePathsBody(text, request.headers.get('content-type') ?? '');
  if (!body) return hubError(400, undefined, 'paths-info takes {"paths": [...]} or a form with paths=');
  return json(expanded(pathsInfo(version, body.paths), version, body.expand));
}
