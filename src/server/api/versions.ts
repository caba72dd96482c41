import { z } from 'zod';
import {
  abandonUpload,
  approve,
  attestation,
  createSubmission,
  deploy,
  finishUpload,
  reject,
  review,
  reviewEvidence,
  revoke,
  uploadFile,
  versionReport,
  versionView,
  waive,
} from '../../app/registry/index.js';
import { ModelgateError } from '../../core/errors.js';
import type { Ctx } from '../context.js';
import { route, type Route } from '../route.js';

const Reason = z.object({ reason: z.string().max(4000).optional() }).strict();

const Submission = z
  .object({
    model: z.string(),
    source: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('upload') }).strict(),
      z.object({ kind: z.literal('hub'), repo: z.string(), revision: z.string().max(256).optional() }).strict(),
      z.object({ kind: z.literal('path'), path: z.string().max(4096) }).strict(),
    ]),
    owner: z.string().max(200).optional(),
    businessOwner: z.string().max(200).optional(),
    /** A Hub token for a gated repo: used for this fetch, kept in memory only. */
    hubToken: z.string().max(500).optional(),
  })
  .strict();

const who = (c: Ctx) => c.get('principal');
const ctxOf = (c: Ctx) => c.get('registry').ctx;
const param = (c: Ctx, name: string): string => c.req.param(name) ?? '';

/** The file path of an upload URL: everything after `/files/`, each segment percent-decoded. */
function uploadPath(c: Ctx): string {
  const marker = '/files/';
  const raw = c.req.path.slice(c.req.path.indexOf(marker) + marker.length);
  try {
    return raw.split('/').map(decodeURIComponent).join('/');
  } catch {
    throw new ModelgateError('USAGE', 'the file path is not valid percent-encoding');
  }
}

/** The request body as chunks, refused early when its declared length is over the limit. */
function bodyChunks(c: Ctx): AsyncIterable<Uint8Array> {
  const limit = ctxOf(c).config.maxFileBytes;
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > limit) throw new ModelgateError('TOO_LARGE', `a file is at most ${limit} bytes`);
  const body = c.req.raw.body;
  if (!body) return (async function* () {})();
  return body as unknown as AsyncIterable<Uint8Array>;
}

export const VERSION_ROUTES: Route[] = [
  route({
    method: 'post',
    path: '/api/submissions',
    summary: 'Submit a model version: by upload (files follow), by Hub reference (pinned to a commit at fetch), or by an allowed local path',
    roles: ['submitter'],
    tag: 'submissions',
    body: Submission,
    async handle(c, body) {
      const registry = c.get('registry');
      const { hubToken, ...input } = body;
      const version = await createSubmission(registry.ctx, who(c), input);
      if (hubToken) registry.pipeline.hubTokens.set(version.id, hubToken);
      return c.json(version, 201);
    },
  }),
  route({
    method: 'put',
    path: '/api/versions/{id}/files/{path}',
    summary: 'Upload one file of a submission (raw bytes, streamed, size-limited)',
    roles: ['submitter'],
    tag: 'submissions',
    raw: true,
    async handle(c) {
      const blob = await uploadFile(ctxOf(c), who(c), param(c, 'id'), uploadPath(c), bodyChunks(c));
      return c.json({ path: uploadPath(c), ...blob }, 201);
    },
  }),
  route({
    method: 'post',
    path: '/api/versions/{id}/finish',
    summary: 'Finish an upload: the version goes to the scan pipeline',
    roles: ['submitter'],
    tag: 'submissions',
    async handle(c) {
      return c.json(await finishUpload(ctxOf(c), who(c), param(c, 'id')));
    },
  }),
  route({
    method: 'post',
    path: '/api/versions/{id}/abandon',
    summary: 'Give up an unfinished upload (its submitter or an admin): the version is rejected',
    roles: ['submitter'],
    tag: 'submissions',
    body: Reason,
    async handle(c, body) {
      return c.json(await abandonUpload(ctxOf(c), who(c), param(c, 'id'), body.reason));
    },
  }),
  route({
    method: 'get',
    path: '/api/versions/{id}',
    summary: 'A version: state, verdict, risk, files, history, approvals, waivers, evidence, deployments, lineage, incidents',
    roles: 'any',
    tag: 'inventory',
    async handle(c) {
      return c.json(await versionView(ctxOf(c), param(c, 'id')));
    },
  }),
  route({
    method: 'get',
    path: '/api/versions/{id}/evidence',
    summary: 'What a reviewer reads: findings, decompiled pickle calls, the custom code a config selects, the diff from the last approved version',
    roles: 'any',
    tag: 'inventory',
    async handle(c) {
      return c.json(await reviewEvidence(ctxOf(c), param(c, 'id')));
    },
  }),
  route({
    method: 'get',
    path: '/api/versions/{id}/report',
    summary: 'The scan report the version was judged on (modelgate/report@1)',
    roles: 'any',
    tag: 'inventory',
    async handle(c) {
      return c.body(await versionReport(ctxOf(c), param(c, 'id')), 200, { 'content-type': 'application/json' });
    },
  }),
  route({
    method: 'get',
    path: '/api/versions/{id}/attestations/{kind}',
    summary: 'Evidence issued at approval: vsa (DSSE envelope), model-signature (sigstore bundle), bom (CycloneDX), report',
    roles: 'any',
    tag: 'inventory',
    async handle(c) {
      const row = await attestation(ctxOf(c), param(c, 'id'), param(c, 'kind'));
      return c.body(row.body, 200, { 'content-type': 'application/json', 'content-disposition': `attachment; filename="${param(c, 'id')}.${row.kind}.json"` });
    },
  }),
  route({
    method: 'post',
    path: '/api/versions/{id}/review',
    summary: 'Review a version: accept (on to approval) or reject (reason required); never the submitter',
    roles: ['reviewer'],
    tag: 'decisions',
    body: z.object({ decision: z.enum(['accept', 'reject']), reason: z.string().max(4000).optional() }).strict(),
    async handle(c, body) {
      return c.json(await review(ctxOf(c), who(c), param(c, 'id'), body.decision, body.reason));
    },
  }),
  route({
    method: 'post',
    path: '/api/versions/{id}/approve',
    summary: 'Approve a version: never the submitter or its reviewer; high risk needs two approvers',
    roles: ['approver'],
    tag: 'decisions',
    body: Reason,
    async handle(c, body) {
      return c.json(await approve(ctxOf(c), who(c), param(c, 'id'), body.reason));
    },
  }),
  route({
    method: 'post',
    path: '/api/versions/{id}/reject',
    summary: 'Reject a version under review or awaiting approval (reason required)',
    roles: ['reviewer', 'approver'],
    tag: 'decisions',
    body: Reason,
    async handle(c, body) {
      return c.json(await reject(ctxOf(c), who(c), param(c, 'id'), body.reason));
    },
  }),
  route({
    method: 'post',
    path: '/api/versions/{id}/waivers',
    summary: "Waive one rule's findings on a version, with a reason, an owner and an expiry (at most a year)",
    roles: ['approver'],
    tag: 'decisions',
    body: z.object({ rule: z.string().max(200), reason: z.string().max(4000), owner: z.string().max(200), expiresAt: z.string().max(40) }).strict(),
    async handle(c, body) {
      return c.json(await waive(ctxOf(c), who(c), param(c, 'id'), body), 201);
    },
  }),
  route({
    method: 'post',
    path: '/api/versions/{id}/revoke',
    summary: 'Revoke a version: its descendants and their deployments are flagged, webhooks told',
    roles: ['approver'],
    tag: 'decisions',
    body: Reason,
    async handle(c, body) {
      const done = await revoke(ctxOf(c), who(c), param(c, 'id'), body.reason);
      return c.json({ version: done.version, incidents: done.incidents, impact: done.impact });
    },
  }),
  route({
    method: 'post',
    path: '/api/versions/{id}/deployments',
    summary: 'Record a deployment of an approved version (environment, owner, business owner, date)',
    roles: ['submitter', 'approver'],
    tag: 'deployments',
    body: z
      .object({
        environment: z.string().max(200),
        owner: z.string().max(200),
        businessOwner: z.string().max(200).optional(),
        deployedAt: z.string().max(40).optional(),
      })
      .strict(),
    async handle(c, body) {
      return c.json(await deploy(ctxOf(c), who(c), param(c, 'id'), body), 201);
    },
  }),
];
