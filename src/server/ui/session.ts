import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { authenticate, type Principal } from '../../app/registry/index.js';
import { ModelgateError } from '../../core/errors.js';
import type { Ctx } from '../context.js';

/** The cookie that holds the registry token the person pasted at login. */
export const SESSION_COOKIE = 'mg_session';
/** A UI session lasts a working day; the token itself lives until an admin revokes it. */
const SESSION_SECONDS = 12 * 3600;
/** Form bodies (reasons, names) are small: anything bigger is not a UI form. */
export const MAX_FORM_BYTES = 64 * 1024;

/** Served over TLS: here, or at the public URL of a proxy in front. The cookie is then Secure. */
function isHttps(c: Ctx): boolean {
  return new URL(c.req.url).protocol === 'https:' || (c.get('registry').ctx.config.publicUrl ?? '').startsWith('https:');
}

/** Who is using the UI, and the CSRF token their forms carry. */
export interface Session {
  principal: Principal;
  csrf: string;
}

/**
 * Sessions and their CSRF tokens. A CSRF token is an HMAC of the session's registry token under
 * a secret of this process: it is bound to the session, needs no storage, and a restart only
 * asks for the page to be loaded again.
 */
export class Sessions {
  private readonly secret = randomBytes(32);

  csrfOf(token: string): string {
    return createHmac('sha256', this.secret).update(token).digest('base64url');
  }

  /** The session of the request's cookie, or undefined with no cookie; UNAUTHENTICATED for a token the registry refuses. */
  async current(c: Ctx): Promise<Session | undefined> {
    const token = getCookie(c, SESSION_COOKIE);
    if (!token) return undefined;
    const principal = await authenticate(c.get('registry').ctx, token);
    return { principal, csrf: this.csrfOf(token) };
  }

  /** Logs in: the token is checked, then kept in an HttpOnly, SameSite=Strict cookie for the whole site. */
  async login(c: Ctx, token: string): Promise<Principal> {
    const principal = await authenticate(c.get('registry').ctx, token.trim());
    setCookie(c, SESSION_COOKIE, token.trim(), {
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
      secure: isHttps(c),
      maxAge: SESSION_SECONDS,
    });
    return principal;
  }

  logout(c: Ctx): void {
    deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict', secure: isHttps(c) });
  }

  /** FORBIDDEN unless the form's CSRF token is the session's. */
  checkCsrf(session: Session, sent: string | undefined): void {
    const want = Buffer.from(session.csrf);
    const got = Buffer.from(sent ?? '');
    if (got.length !== want.length || !timingSafeEqual(got, want))
      throw new ModelgateError('FORBIDDEN', 'the form is stale or came from another site (CSRF token): load the page again');
  }
}

/**
 * A state-changing request must come from this site's own pages: the browser's
 * `Sec-Fetch-Site: same-origin`, or, from browsers that do not send it, an `Origin` equal to
 * this server's. A request with neither is not a form post of this UI.
 */
export function checkSameOrigin(c: Ctx): void {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) {
    if (site === 'same-origin') return;
    throw new ModelgateError('FORBIDDEN', `a form of another site (Sec-Fetch-Site: ${site}) cannot act here`);
  }
  const origin = c.req.header('origin');
  const own = new Set([new URL(c.req.url).origin]);
  const publicUrl = c.get('registry').ctx.config.publicUrl;
  if (publicUrl) own.add(new URL(publicUrl).origin);
  if (origin && own.has(origin)) return;
  throw new ModelgateError('FORBIDDEN', origin ? `a form of another site (${origin}) cannot act here` : 'a form post needs its Origin');
}

/** An `application/x-www-form-urlencoded` body, read to at most MAX_FORM_BYTES. */
export async function formBody(c: Ctx): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) throw new ModelgateError('USAGE', 'the form is not application/x-www-form-urlencoded');
  if (Number(c.req.header('content-length') ?? 0) > MAX_FORM_BYTES) throw new ModelgateError('TOO_LARGE', `a form is at most ${MAX_FORM_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  const body = c.req.raw.body as unknown as AsyncIterable<Uint8Array> | null;
  if (body)
    for await (const chunk of body) {
      size += chunk.byteLength;
      if (size > MAX_FORM_BYTES) throw new ModelgateError('TOO_LARGE', `a form is at most ${MAX_FORM_BYTES} bytes`);
      chunks.push(Buffer.from(chunk));
    }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** A local path to go back to after login: only this site's own paths, never `//host` or a scheme. */
export function safeNext(next: string | undefined | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\u0000-\u001f]/.test(next)) return '/';
  return next;
}
