import { createHash, randomBytes } from 'node:crypto';
import { ModelgateError } from '../../core/errors.js';
import { audited, type RegistryContext } from './context.js';
import { isRole, requireRole, SYSTEM, type Principal, type Role } from './roles.js';

/** Tokens start with this, so secret scanners and people recognise them. */
const TOKEN_PREFIX = 'mg_';

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The principal a token names, or UNAUTHENTICATED. Only the token's hash is looked up. */
export async function authenticate(ctx: RegistryContext, token: string | undefined): Promise<Principal> {
  if (!token) throw new ModelgateError('UNAUTHENTICATED', 'no token: send Authorization: Bearer <token>');
  const row = await ctx.db.kysely.selectFrom('tokens').selectAll().where('token_hash', '=', tokenHash(token)).executeTakeFirst();
  if (!row || row.revoked_at !== null) throw new ModelgateError('UNAUTHENTICATED', 'unknown or revoked token');
  return { name: row.principal, roles: row.roles.split(',').filter(isRole) };
}

/** Stores a token the caller chose (the bootstrap admin token from the config). */
async function storeToken(ctx: RegistryContext, actor: string, token: string, principal: string, roles: readonly Role[]): Promise<void> {
  await audited(ctx, { actor, action: 'token.create', subject: principal, details: { roles } }, (trx) =>
    trx
      .insertInto('tokens')
      .values({ token_hash: tokenHash(token), principal, roles: roles.join(','), created_at: ctx.now(), revoked_at: null })
      .execute(),
  );
}

/** Makes a token for a principal (admin only); the token is returned once and only its hash is kept. */
export async function createToken(ctx: RegistryContext, who: Principal, principal: string, roles: readonly string[]): Promise<string> {
  requireRole(who, 'admin');
  if (!/^[\w.@+-]{1,100}$/.test(principal)) throw new ModelgateError('USAGE', 'a principal is 1-100 letters, digits and . @ + - _');
  // The pipeline acts as SYSTEM: a person by that name could pass for the policy in the history.
  if (principal.toLowerCase() === SYSTEM.name) throw new ModelgateError('USAGE', `${SYSTEM.name} is the registry's own name, not a principal's`);
  const bad = roles.filter((r) => !isRole(r));
  if (roles.length === 0 || bad.length > 0)
    throw new ModelgateError('USAGE', `roles must be some of submitter, reviewer, approver, admin, auditor${bad.length ? `, not ${bad.join(', ')}` : ''}`);
  const token = TOKEN_PREFIX + randomBytes(24).toString('base64url');
  await storeToken(ctx, who.name, token, principal, roles as Role[]);
  return token;
}

/** Creates the configured admin token on start when it is not there yet. */
export async function ensureAdminToken(ctx: RegistryContext, token: string): Promise<void> {
  const exists = await ctx.db.kysely.selectFrom('tokens').select('principal').where('token_hash', '=', tokenHash(token)).executeTakeFirst();
  if (!exists) await storeToken(ctx, 'modelgate', token, 'admin', ['admin']);
}

/**
 * On a registry with no token at all (the first start), makes an admin token and returns it
 * for the operator to see once; undefined otherwise.
 */
export async function bootstrapAdmin(ctx: RegistryContext): Promise<string | undefined> {
  const any = await ctx.db.kysely.selectFrom('tokens').select('principal').limit(1).executeTakeFirst();
  if (any) return undefined;
  const token = TOKEN_PREFIX + randomBytes(24).toString('base64url');
  await storeToken(ctx, 'modelgate', token, 'admin', ['admin']);
  return token;
}

/**
 * Revokes every token of a principal (admin): each is refused from then on, on the API, the UI
 * and /hf. Returns how many were revoked; NOT_FOUND when the principal has no live token.
 */
export async function revokeTokens(ctx: RegistryContext, who: Principal, principal: string): Promise<number> {
  requireRole(who, 'admin');
  return audited(
    ctx,
    (n: number) => ({ actor: who.name, action: 'token.revoke', subject: principal, details: { tokens: n } }),
    async (trx) => {
      const result = await trx
        .updateTable('tokens')
        .set({ revoked_at: ctx.now() })
        .where('principal', '=', principal)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      const n = Number(result.numUpdatedRows);
      if (n === 0) throw new ModelgateError('NOT_FOUND', `${principal} has no live token`);
      return n;
    },
  );
}
