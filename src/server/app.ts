import { Hono } from 'hono';
import { authenticate, type Registry } from '../app/registry/index.js';
import { ModelgateError } from '../core/errors.js';
import { ADMIN_ROUTES } from './api/admin.js';
import { INVENTORY_ROUTES } from './api/inventory.js';
import { VERSION_ROUTES } from './api/versions.js';
import type { ServerEnv } from './context.js';
import { statusOf } from './http-errors.js';
import { openApiDocument } from './openapi.js';
import { honoPath, jsonBody, type Route } from './route.js';
import { mountHf } from './hf/index.js';
import { mountUi } from './ui/index.js';

/** Every API route, in the order of the OpenAPI document. */
export const API_ROUTES: readonly Route[] = [...VERSION_ROUTES, ...INVENTORY_ROUTES, ...ADMIN_ROUTES];

/** The bearer token of a request (`Authorization: Bearer …`). */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/**
 * The registry's HTTP application (hono): the JSON API under `/api` with its OpenAPI document
 * at `/openapi.json`. Each route's roles are checked here before the handler and again by the
 * app layer's operation (the checks there are the ones that matter: four-eyes).
 */
export function createApp(registry: Registry): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.use('*', async (c, next) => {
    c.set('registry', registry);
    await next();
  });
  app.onError((err, c) => {
    const code = err instanceof ModelgateError ? err.code : 'INTERNAL';
    const status = statusOf(code);
    const message = status === 500 ? 'internal error' : err.message;
    if (status === 500) console.error(err);
    return c.json({ error: { code, message } }, status as 500);
  });
  const document = openApiDocument(API_ROUTES);
  app.get('/openapi.json', (c) => c.json(document));
  for (const route of API_ROUTES) {
    app.on(route.method.toUpperCase(), honoPath(route.path), async (c) => {
      if (route.roles !== 'public') {
        const who = await authenticate(registry.ctx, bearer(c.req.header('authorization')));
        if (route.roles !== 'any' && !who.roles.includes('admin') && !route.roles.some((r) => who.roles.includes(r)))
          throw new ModelgateError('FORBIDDEN', `${route.method.toUpperCase()} ${route.path} needs the role ${route.roles.join(' or ')}`);
        c.set('principal', who);
      }
      const body = route.body ? await jsonBody(c, route.body) : undefined;
      return route.handle(c, body);
    });
  }
  mountHf(app, registry);
  mountUi(app, registry);
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  return app;
}
