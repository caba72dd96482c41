import { z } from 'zod';
import { addWebhook, createToken, revokeTokens, ROLES, verifyRegistryAudit, WEBHOOK_EVENTS } from '../../app/registry/index.js';
import type { Ctx } from '../context.js';
import { route, type Route } from '../route.js';

const ctxOf = (c: Ctx) => c.get('registry').ctx;
/** Audit pages: bounded so a long log is read in pieces. */
const MAX_AUDIT_PAGE = 1000;

export const ADMIN_ROUTES: Route[] = [
  route({
    method: 'get',
    path: '/api/whoami',
    summary: 'The principal and roles of the calling token',
    roles: 'any',
    tag: 'access',
    async handle(c) {
      return c.json(c.get('principal'));
    },
  }),
  route({
    method: 'post',
    path: '/api/tokens',
    summary: 'Create a token for a principal with roles (admin); the token is shown once',
    roles: ['admin'],
    tag: 'access',
    body: z.object({ principal: z.string(), roles: z.array(z.enum(ROLES)).min(1) }).strict(),
    async handle(c, body) {
      const token = await createToken(ctxOf(c), c.get('principal'), body.principal, body.roles);
      return c.json({ principal: body.principal, roles: body.roles, token }, 201);
    },
  }),
  route({
    method: 'delete',
    path: '/api/tokens/{principal}',
    summary: 'Revoke every token of a principal (admin): refused from then on by the API, the UI and /hf',
    roles: ['admin'],
    tag: 'access',
    async handle(c) {
      const principal = c.req.param('principal') ?? '';
      return c.json({ principal, revoked: await revokeTokens(ctxOf(c), c.get('principal'), principal) });
    },
  }),
  route({
    method: 'post',
    path: '/api/webhooks',
    summary: 'Register a webhook (admin): payloads are signed with HMAC-SHA256 (X-Modelgate-Signature), retried with backoff',
    roles: ['admin'],
    tag: 'access',
    body: z.object({ url: z.string().max(2000), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1) }).strict(),
    async handle(c, body) {
      const hook = await addWebhook(ctxOf(c), c.get('principal'), body.url, body.events);
      return c.json({ id: hook.id, url: hook.url, events: hook.events.split(','), secret: hook.secret }, 201);
    },
  }),
  route({
    method: 'get',
    path: '/api/audit',
    summary: 'The audit log, in order, from a sequence number (auditors and admins)',
    roles: ['auditor'],
    tag: 'audit',
    query: { after: 'records after this sequence number', limit: `at most this many (default and maximum ${MAX_AUDIT_PAGE})` },
    async handle(c) {
      const after = Number(c.req.query('after') ?? 0) || 0;
      const limit = Math.min(Math.max(Number(c.req.query('limit') ?? MAX_AUDIT_PAGE) || MAX_AUDIT_PAGE, 1), MAX_AUDIT_PAGE);
      const rows = await ctxOf(c).db.kysely.selectFrom('audit').selectAll().where('seq', '>', after).orderBy('seq').limit(limit).execute();
      return c.json(rows.map((r) => ({ ...r, details: JSON.parse(r.details) as unknown })));
    },
  }),
  route({
    method: 'get',
    path: '/api/audit/verify',
    summary: "Check the audit log's hash chain from first record to last",
    roles: ['auditor'],
    tag: 'audit',
    async handle(c) {
      return c.json(await verifyRegistryAudit(c.get('registry')));
    },
  }),
  route({
    method: 'get',
    path: '/api/keys/registry.pub',
    summary: "The registry's public key (PEM): checks its VSAs and model signatures offline",
    roles: 'public',
    tag: 'access',
    produces: 'application/x-pem-file',
    async handle(c) {
      return c.body(ctxOf(c).key.publicPem, 200, { 'content-type': 'application/x-pem-file' });
    },
  }),
];
