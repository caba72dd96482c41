import type { Hono } from 'hono';
import { auditRecords, deploymentCounts, impactOf, incidentsFor, listModels, modelRows, verifyRegistryAudit, type Registry } from '../../app/registry/index.js';
import { ModelgateError } from '../../core/errors.js';
import type { ServerEnv } from '../context.js';
import { auditPage } from './audit-page.js';
import { errorPage, guarded, secure } from './guard.js';
import { impactPage } from './impact-page.js';
import { inventoryPage } from './inventory-page.js';
import { loginPage } from './login-page.js';
import { checkSameOrigin, formBody, safeNext, Sessions } from './session.js';
import { mountSubmitRoutes } from './submit-routes.js';
import { mountVersionRoutes } from './version-routes.js';

/** Models on the inventory page at most; the search narrows them. */
const INVENTORY_MODELS = 200;
/** Audit records per page. */
const AUDIT_PAGE = 200;

/**
 * The web UI at `/`: server-rendered pages over the same app layer as the API, logged in with
 * a registry token kept in an HttpOnly, SameSite=Strict cookie. Every form post is same-origin
 * only and carries the session's CSRF token; every page has a CSP that runs no script.
 */
export function mountUi(app: Hono<ServerEnv>, registry: Registry): void {
  void registry; // each request reaches it as c.get('registry'), as the API does
  const sessions = new Sessions();

  app.get('/login', async (c) => {
    secure(c);
    return c.html(loginPage(safeNext(c.req.query('next'))));
  });
  app.post('/login', async (c) => {
    secure(c);
    let next = '/';
    try {
      checkSameOrigin(c);
      const form = await formBody(c);
      next = safeNext(form.get('next'));
      await sessions.login(c, form.get('token') ?? '');
      return c.redirect(next, 303);
    } catch (e) {
      if (e instanceof ModelgateError && e.code === 'UNAUTHENTICATED') return c.html(loginPage(next, 'That token is unknown or revoked.'), 401);
      return errorPage(c, e, undefined);
    }
  });
  app.post(
    '/logout',
    guarded(
      sessions,
      async (c, session) => {
        sessions.checkCsrf(session, (await formBody(c)).get('csrf') ?? undefined);
        sessions.logout(c);
        return c.redirect('/login', 303);
      },
      { post: true },
    ),
  );

  app.get(
    '/',
    guarded(sessions, async (c, session) => {
      const ctx = c.get('registry').ctx;
      const query = (c.req.query('q') ?? '').trim().slice(0, 200);
      const models = await listModels(ctx, query, INVENTORY_MODELS);
      const counts = await deploymentCounts(
        ctx,
        models.flatMap((m) => m.versions.map((v) => v.id)),
      );
      return c.html(inventoryPage(session, query, models, counts));
    }),
  );
  mountSubmitRoutes(app, sessions);
  mountVersionRoutes(app, sessions);

  app.get(
    '/impact',
    guarded(sessions, async (c, session) => {
      const model = (c.req.query('model') ?? '').trim();
      if (!model) return c.html(impactPage(session, undefined));
      const ctx = c.get('registry').ctx;
      const impact = await impactOf(ctx, { model });
      if (impact.versions.length === 0) throw new ModelgateError('NOT_FOUND', `no versions of ${model}`);
      const ids = impact.versions.map((v) => v.version.id);
      const [owners, incidents] = await Promise.all([modelRows(ctx, [...new Set(impact.versions.map((v) => v.version.model_id))]), incidentsFor(ctx, ids)]);
      return c.html(impactPage(session, { model, impact, owners, incidents }));
    }),
  );
  app.get(
    '/audit',
    guarded(
      sessions,
      async (c, session) => {
        const before = Number(c.req.query('before'));
        const [check, records] = await Promise.all([
          verifyRegistryAudit(c.get('registry')),
          auditRecords(c.get('registry').ctx, Number.isInteger(before) && before > 0 ? before : undefined, AUDIT_PAGE),
        ]);
        return c.html(auditPage(session, check, records, AUDIT_PAGE));
      },
      { roles: ['auditor'] },
    ),
  );
}
