import type { Hono } from 'hono';
import { approve, attestation, deploy, reject, review, revoke, versionReport, waive, type Principal, type RegistryContext } from '../../app/registry/index.js';
import { ModelgateError } from '../../core/errors.js';
import type { Ctx, ServerEnv } from '../context.js';
import { DONE } from './actions.js';
import { describe, formRoute, guarded } from './guard.js';
import type { Sessions } from './session.js';
import { loadVersion, versionPage } from './version-page.js';

type Action = (ctx: RegistryContext, who: Principal, id: string, form: URLSearchParams) => Promise<keyof typeof DONE>;

const text = (form: URLSearchParams, name: string): string => form.get(name)?.trim() ?? '';
const optional = (form: URLSearchParams, name: string): string | undefined => text(form, name) || undefined;

/** Each form of the version page, as the app-layer operation it calls and what the page then says. */
const ACTIONS: Record<string, Action> = {
  async review(ctx, who, id, form) {
    const decision = form.get('decision');
    if (decision !== 'accept' && decision !== 'reject') throw new ModelgateError('USAGE', 'a review accepts or rejects');
    await review(ctx, who, id, decision, optional(form, 'reason'));
    return decision === 'accept' ? 'accepted' : 'rejected';
  },
  async approve(ctx, who, id, form) {
    const after = await approve(ctx, who, id, optional(form, 'reason'));
    return after.state === 'approved' ? 'approved' : 'approval';
  },
  async reject(ctx, who, id, form) {
    await reject(ctx, who, id, optional(form, 'reason'));
    return 'rejected';
  },
  async waive(ctx, who, id, form) {
    // A date from the date input is the end of that day in UTC.
    const expires = text(form, 'expires');
    const expiresAt = /^\d{4}-\d{2}-\d{2}$/.test(expires) ? `${expires}T23:59:59Z` : expires;
    await waive(ctx, who, id, { rule: text(form, 'rule'), reason: text(form, 'reason'), owner: text(form, 'owner'), expiresAt });
    return 'waived';
  },
  async deploy(ctx, who, id, form) {
    await deploy(ctx, who, id, { environment: text(form, 'environment'), owner: text(form, 'owner'), businessOwner: optional(form, 'business_owner') });
    return 'deployed';
  },
  async revoke(ctx, who, id, form) {
    await revoke(ctx, who, id, optional(form, 'reason'));
    return 'revoked';
  },
};

const idOf = (c: Ctx): string => c.req.param('id') ?? '';

/** The version page, its downloads (with the session's cookie, not a bearer token) and its forms. */
export function mountVersionRoutes(app: Hono<ServerEnv>, sessions: Sessions): void {
  app.get(
    '/versions/:id',
    guarded(sessions, async (c, session) => {
      const done = DONE[c.req.query('done') ?? ''];
      const data = await loadVersion(c.get('registry').ctx, idOf(c));
      return c.html(versionPage(data, session, done ? { kind: 'ok', text: done } : undefined));
    }),
  );
  app.get(
    '/versions/:id/report.json',
    guarded(sessions, async (c) => {
      const body = await versionReport(c.get('registry').ctx, idOf(c));
      return c.body(body, 200, { 'content-type': 'application/json; charset=utf-8' });
    }),
  );
  app.get(
    '/versions/:id/evidence/:kind',
    guarded(sessions, async (c) => {
      const row = await attestation(c.get('registry').ctx, idOf(c), c.req.param('kind') ?? '');
      // The name is made of the stored row's own id and kind, never of the request's text.
      return c.body(row.body, 200, {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="${row.version_id}.${row.kind}.json"`,
      });
    }),
  );
  app.post(
    '/versions/:id/:action',
    formRoute(sessions, async (c, session, form) => {
      const action = ACTIONS[c.req.param('action') ?? ''];
      if (!action || !Object.hasOwn(ACTIONS, c.req.param('action') ?? '')) throw new ModelgateError('NOT_FOUND', 'no such action');
      const ctx = c.get('registry').ctx;
      const id = idOf(c);
      try {
        const done = await action(ctx, session.principal, id, form);
        return c.redirect(`/versions/${encodeURIComponent(id)}?done=${done}`, 303);
      } catch (e) {
        if (!(e instanceof ModelgateError) || e.code === 'NOT_FOUND') throw e;
        // The refusal (four-eyes, a state conflict, a missing reason) on the page it came from, with its status.
        const { status, message } = describe(e);
        return c.html(versionPage(await loadVersion(ctx, id), session, { kind: 'error', text: message }), status);
      }
    }),
  );
}
