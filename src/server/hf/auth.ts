import { authenticate, type Principal, type Registry } from '../../app/registry/index.js';
import { isModelgateError } from '../../core/errors.js';
import { hubError, INVALID_CREDENTIALS } from './errors.js';

/** @huggingface/hub refuses a token that does not start with `hf_` (checkCredentials): `hf_mg_…` is the registry token `mg_…`. */
const HF_PREFIX = 'hf_';

/** The registry token of an `Authorization: Bearer …` header, an `hf_` prefix taken off. */
export function registryToken(header: string | undefined): string | undefined {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  return token?.startsWith(`${HF_PREFIX}mg_`) ? token.slice(HF_PREFIX.length) : token;
}

/**
 * Who is asking, or the Hub's refusal: any registry token (any role) reads, none is anonymous.
 * No token is a 401 RepoNotFound (what the Hub answers for a private repo without one); an
 * unknown or revoked token is a 401 with the Hub's "invalid credentials" message.
 */
export async function hfPrincipal(registry: Registry, header: string | undefined): Promise<Principal | Response> {
  const token = registryToken(header);
  if (!token) return hubError(401, 'RepoNotFound', 'Repository not found: this registry needs a token (HF_TOKEN or Authorization: Bearer)');
  try {
    return await authenticate(registry.ctx, token);
  } catch (e) {
    if (isModelgateError(e, 'UNAUTHENTICATED')) return hubError(401, undefined, INVALID_CREDENTIALS);
    throw e;
  }
}
