import { createHash } from 'node:crypto';
import { html, raw } from 'hono/html';
import type { Session } from './session.js';
import { STYLE } from './style.js';

/** A piece of HTML: interpolated values are escaped by hono's `html` tag, fragments kept as they are. */
export type Html = ReturnType<typeof html>;

/**
 * The Content-Security-Policy of every page: nothing loads but this origin's own pages, the
 * one inline stylesheet is allowed by its hash, no script runs at all, forms post only here,
 * and no other site may frame a page (clickjacking a four-eyes button).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Headers of every UI answer, pages, redirects and downloads alike. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // same-origin keeps the Origin header on this site's own form posts (checked against CSRF).
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

export interface PageOptions {
  title: string;
  session?: Session;
  /** A banner: an error the action met, or what it did. */
  notice?: { kind: 'error' | 'ok'; text: string };
  /** Reload the page after some seconds, at this URL (a version the pipeline is still moving). */
  refresh?: { seconds: number; url: string };
  body: Html;
}

function nav(session: Session | undefined): Html {
  if (!session) return html``;
  const roles = session.principal.roles;
  const has = (role: string) => roles.includes('admin') || roles.includes(role as never);
  return html`<nav>
    <a href="/">Inventory</a>${has('submitter') ? html`<a href="/submit">Submit</a>` : ''}${has('auditor') ? html`<a href="/audit">Audit log</a>` : ''}
    <span class="who">${session.principal.name} <small>(${roles.join(', ')})</small></span>
    <form method="post" action="/logout" class="inline">${csrfField(session)}<button class="link">Log out</button></form>
  </nav>`;
}

/** The hidden field that carries the session's CSRF token in every form. */
export function csrfField(session: Session): Html {
  return html`<input type="hidden" name="csrf" value="${session.csrf}" />`;
}

/** A whole page: the head with the stylesheet, the bar with navigation, a notice, the body. */
export function page(options: PageOptions): Html {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
${options.refresh ? html`<meta http-equiv="refresh" content="${options.refresh.seconds}; url=${options.refresh.url}" />` : ''}
<title>${options.title} · modelgate registry</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header><a class="brand" href="/">modelgate <span>registry</span></a>${nav(options.session)}</header>
<main>
${options.notice ? html`<p class="notice ${options.notice.kind}" role="${options.notice.kind === 'error' ? 'alert' : 'status'}">${options.notice.text}</p>` : ''}
${options.body}
</main>
</body>
</html>`;
}

/** A coloured word for a state, verdict, risk or severity (the class is the word itself, from a known set). */
export function badge(word: string | null | undefined): Html {
  if (!word) return html`<span class="badge none">—</span>`;
  const cls = /^[a-z-]+$/.test(word) ? word : 'other';
  return html`<span class="badge ${cls}">${word}</span>`;
}

/** A time as `2025-05-01 14:03 UTC`, the full ISO time on hover. */
export function when(iso: string | null | undefined): Html {
  if (!iso) return html`—`;
  return html`<time datetime="${iso}" title="${iso}">${iso.replace('T', ' ').slice(0, 16)} UTC</time>`;
}

/** The first 8 characters of an id or digest, the whole on hover. */
export function short(id: string | null | undefined): Html {
  if (!id) return html`—`;
  return html`<code title="${id}">${id.slice(0, 8)}</code>`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** The UI path of a version's page. */
export function versionHref(id: string): string {
  return `/versions/${encodeURIComponent(id)}`;
}

/** The UI path of a model's impact page. */
export function impactHref(model: string): string {
  return `/impact?model=${encodeURIComponent(model)}`;
}
