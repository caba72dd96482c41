import { html } from 'hono/html';
import { page, type Html } from './layout.js';

/** The login page: a registry token is pasted once and kept in an HttpOnly cookie. */
export function loginPage(next: string, error?: string): Html {
  return page({
    title: 'Log in',
    notice: error ? { kind: 'error', text: error } : undefined,
    body: html`<section class="login"><h1>Log in</h1>
      <p class="muted">Paste your registry token (<code>mg_…</code>). It is kept in an HttpOnly cookie for this site only, never in the page.</p>
      <form method="post" action="/login" class="stack">
        <input type="hidden" name="next" value="${next}" />
        <label>Registry token<input type="password" name="token" autocomplete="off" required maxlength="500" autofocus /></label>
        <div class="row"><button>Log in</button></div>
      </form></section>`,
  });
}
