/**
 * Errors as the Hub answers them: a status, `X-Error-Code` and `X-Error-Message` headers and a
 * `{"error": …}` body. huggingface_hub's `hf_raise_for_status` (utils/_http.py) turns the code
 * into RepositoryNotFoundError, RevisionNotFoundError or EntryNotFoundError, and treats a 401
 * whose message is "Invalid credentials in Authorization header" as a bad token rather than a
 * missing repo; @huggingface/hub's `createApiError` reads the body's `error`.
 */
import type { ServedVersion } from '../../app/registry/index.js';

/** The error codes the Hub sends and the clients know. */
export type HubErrorCode = 'RepoNotFound' | 'RevisionNotFound' | 'EntryNotFound';

/** What huggingface_hub matches to tell a bad token from a missing repo. */
export const INVALID_CREDENTIALS = 'Invalid credentials in Authorization header';

/** Header values are ASCII without control characters, and short. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 500);
}

/** A Hub-shaped error response; `headers` adds others (X-Repo-Commit on EntryNotFound). */
export function hubError(status: number, code: HubErrorCode | undefined, message: string, headers: Record<string, string> = {}): Response {
  const all: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'x-error-message': headerSafe(message), ...headers };
  if (code) all['x-error-code'] = code;
  return new Response(JSON.stringify({ error: message }), { status, headers: all });
}

/**
 * No such file or folder at the version. X-Repo-Commit lets huggingface_hub remember the
 * absence for that commit (`.no_exist/`), so transformers' probes for optional files are asked once.
 */
export function entryNotFound(version: ServedVersion, path: string): Response {
  return hubError(404, 'EntryNotFound', `${path} does not exist on "${version.commit}"`, { 'x-repo-commit': version.commit });
}
