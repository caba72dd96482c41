import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Role } from '../../app/registry/index.js';
import { ModelgateError } from '../../core/errors.js';
import type { Ctx } from '../context.js';
import { statusOf } from '../http-errors.js';
import { page, SECURITY_HEADERS, type Html } from './layout.js';
import { loginPage } from './login-page.js';
import { checkSameOrigin, formBody, safeNext, type Session, type Sessions } from './session.js';

export type PageHandler = (c: Ctx, session: Session) => Promise<Response>;
export type FormHandler = (c: Ctx, session: Session, form: URLSearchParams) => Promise<Response>;

/** Every UI answer carries the security headers, errors and redirects included. */
export function secure(c: Ctx): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
}

/** An error as the HTTP status and the sentence a person reads; anything unexpected is a 500 without details. */
export function describe(e: unknown): { status: ContentfulStatusCode; message: string } {
  if (e instanceof ModelgateError) {
    const status = statusOf(e.code);
    return { status: status as ContentfulStatusCode, message: status === 500 ? 'Something went wrong on the server.' : e.message };
  }
  console.error(e);
  return { status: 500, message: 'Something went wrong on the server.' };
}

export function errorPage(c: Ctx, e: unknown, session: Session | undefined): Response | Promise<Response> {
  const { status, message } = describe(e);
  const body: Html = html`<h1>${status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : 'That did not work'}</h1><p><a href="/">Back to the inventory</a></p>`;
  return c.html(page({ title: 'Error', session, notice: { kind: 'error', text: message }, body }), status);
}

/** The session of the request; a token revoked since login ends it (the cookie is cleared). */
async function sessionOf(c: Ctx, sessions: Sessions): Promise<Session | undefined> {
  try {
    return await sessions.current(c);
  } catch (e) {
    if (e instanceof ModelgateError && e.code === 'UNAUTHENTICATED') {
      sessions.logout(c);
      return undefined;
    }
    throw e;
  }
}

function hasRole(session: Session, roles: readonly Role[]): boolean {
  const mine = session.principal.roles;
  return mine.includes('admin') || roles.some((r) => mine.includes(r));
}

interface GuardOptions {
  /** A state-changing request: same-origin only (checkSameOrigin); the handler checks the CSRF token. */
  post?: boolean;
  /** Roles that may open it (admin always may). */
  roles?: readonly Role[];
}

/**
 * A UI route behind the login: a GET without a session goes to the login page and comes back;
 * a POST without one is a 401. Errors become a page with their status and message.
 */
export function guarded(sessions: Sessions, handler: PageHandler, options: GuardOptions = {}): (c: Ctx) => Promise<Response> {
  return async (c) => {
    secure(c);
    let session: Session | undefined;
    try {
      if (options.post) checkSameOrigin(c);
      session = await sessionOf(c, sessions);
      if (!session) {
        const url = new URL(c.req.url);
        if (options.post) return await c.html(loginPage(safeNext(url.pathname), 'Your session has ended: log in again.'), 401);
        return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
      }
      if (options.roles && !hasRole(session, options.roles))
        throw new ModelgateError('FORBIDDEN', `${session.principal.name} needs the role ${options.roles.join(' or ')} for this page`);
      return await handler(c, session);
    } catch (e) {
      return errorPage(c, e, session);
    }
  };
}

/** A UI form post (urlencoded, bounded), same-origin, with the session's CSRF token checked before the handler runs. */
export function formRoute(sessions: Sessions, handler: FormHandler, options: Omit<GuardOptions, 'post'> = {}): (c: Ctx) => Promise<Response> {
  return guarded(
    sessions,
    async (c, session) => {
      const form = await formBody(c);
      sessions.checkCsrf(session, form.get('csrf') ?? undefined);
      return handler(c, session, form);
    },
    { ...options, post: true },
  );
}
