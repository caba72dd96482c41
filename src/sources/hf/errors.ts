import { ModelgateError } from '../../core/errors.js';
import type { HttpResponse } from './transport.js';

/**
 * A failed Hub answer as a typed error with a message a person can act on. The Hub names the
 * failure in `X-Error-Code` (huggingface_hub's hf_raise_for_status reads the same header:
 * RepoNotFound, GatedRepo, RevisionNotFound, EntryNotFound, DisabledRepo) and explains it in
 * `X-Error-Message`. Without a token the Hub answers 401 RepoNotFound for private repos and for
 * repos that do not exist alike, so the message says both.
 */
export function hubError(what: string, res: HttpResponse, hasToken: boolean): ModelgateError {
  const code = res.headers['x-error-code'] ?? '';
  const said = res.headers['x-error-message'] ?? (res.body && res.body.length < 2000 ? bodyError(res.body) : '');
  const detail = `HTTP ${res.status}${code ? ` ${code}` : ''}${said ? `: ${said}` : ''}`;
  if (code === 'GatedRepo') {
    return new ModelgateError(
      'HUB_ACCESS',
      `${what} is gated: accept its conditions on the Hub${hasToken ? ' with the account of HF_TOKEN' : ' and set HF_TOKEN'} (${detail})`,
    );
  }
  if (code === 'RevisionNotFound') return new ModelgateError('HUB_NOT_FOUND', `${what}: no such revision (${detail})`);
  if (code === 'EntryNotFound') return new ModelgateError('HUB_NOT_FOUND', `${what}: no such file (${detail})`);
  if (res.status === 401 || res.status === 403) {
    const hint = hasToken
      ? 'the token in HF_TOKEN has no access to it (private, gated, or the token is wrong or expired)'
      : 'it does not exist, or it is private or gated and HF_TOKEN is not set';
    return new ModelgateError('HUB_ACCESS', `${what}: access refused: ${hint} (${detail})`);
  }
  if (res.status === 404) return new ModelgateError('HUB_NOT_FOUND', `${what}: not found (${detail})`);
  if (res.status === 429) return new ModelgateError('HUB_RATE_LIMIT', `${what}: rate-limited (${detail})`);
  return new ModelgateError('NETWORK', `${what}: unexpected answer (${detail})`);
}

function bodyError(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : '';
  } catch {
    return '';
  }
}
