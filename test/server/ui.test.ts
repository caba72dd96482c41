import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubmission, createToken, finishUpload, uploadFile } from '../../src/app/registry/index.js';
import { createApp } from '../../src/server/index.js';
import type { ServerEnv } from '../../src/server/context.js';
import { osSystemPickle } from '../helpers/pickles.js';
import { chunks, DATABASES, PEOPLE, testRegistry, until, type TestRegistry } from '../helpers/registry.js';

/*
 * The web UI in-process (hono's app.request): its headers, the session cookie, the CSRF
 * defences of every form post, bounded uploads, escaping of hostile text, and the statuses of
 * refusals. test/server/ui.browser.test.ts walks the same pages in Chromium.
 */

const ORIGIN = 'http://localhost';
let t: TestRegistry;
let app: Hono<ServerEnv>;
const cookies: Record<string, string> = {};
const csrf: Record<string, string> = {};
let clean: string;
let evil: string;

async function request(path: string, init: RequestInit & { who?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.who) headers.set('cookie', cookies[init.who]!);
  return app.request(`${ORIGIN}${path}`, { ...init, headers, redirect: 'manual' });
}

/** A same-origin form post as Chromium sends it, with the session's CSRF token unless told otherwise. */
function post(
  path: string,
  who: string,
  fields: Record<string, string>,
  headers: Record<string, string> = { origin: ORIGIN, 'sec-fetch-site': 'same-origin' },
) {
  return request(path, {
    method: 'POST',
    who,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ csrf: csrf[who]!, ...fields }).toString(),
  });
}

async function login(who: string, token: string): Promise<Response> {
  const res = await request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ token, next: '/' }).toString(),
  });
  cookies[who] = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const page = await (await request('/', { who })).text();
  csrf[who] = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  return res;
}

async function stateOf(id: string): Promise<string> {
  return (await t.registry.ctx.db.kysely.selectFrom('versions').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
}

describe.each(DATABASES)('on %s', (kind) => {
  beforeAll(async () => {
    // A Hub that refuses connections at once: a Hub submission fails its fetch fast and offline.
    t = await testRegistry(kind, { maxFileBytes: 4096, hubEndpoint: 'http://127.0.0.1:9' });
    app = createApp(t.registry);
    const ctx = t.registry.ctx;
    for (const [name, who] of Object.entries(PEOPLE)) if (name !== 'root') await login(name, await createToken(ctx, PEOPLE.root, who.name, who.roles));
    const submit = async (model: string, files: Record<string, Buffer | string>) => {
      const v = await createSubmission(ctx, PEOPLE.alice, { model, source: { kind: 'upload' } });
      for (const [path, bytes] of Object.entries(files)) await uploadFile(ctx, PEOPLE.alice, v.id, path, chunks(bytes));
      await finishUpload(ctx, PEOPLE.alice, v.id);
      return v.id;
    };
    clean = await submit('acme/bert', { 'config.json': '{"model_type":"bert"}' });
    evil = await submit('mallory/x', { 'pytorch_model.bin': osSystemPickle('<img src=x onerror=alert(1)>') });
    await until(t.registry, clean, ['review']);
    await until(t.registry, evil, ['rejected']);
  });

  afterAll(async () => t?.close());

  describe('the web UI, in-process', () => {
    it('sends every answer with a CSP that runs no script, and the other security headers', async () => {
      for (const res of [
        await request('/login'),
        await request('/', { who: 'alice' }),
        await request('/'),
        await request(`/versions/${clean}`, { who: 'bob' }),
      ]) {
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("default-src 'none'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("form-action 'self'");
        expect(csp).not.toContain('script-src');
        expect(csp).not.toContain('unsafe-inline');
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('cache-control')).toBe('no-store');
      }
    });

    it('sends a visitor without a session to the login page and back; logs in into an HttpOnly, SameSite=Strict cookie', async () => {
      const res = await request(`/versions/${clean}?done=x`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/versions/${clean}?done=x`)}`);
      const ok = await login('alice2', await createToken(t.registry.ctx, PEOPLE.root, 'alice', ['submitter']));
      expect(ok.status).toBe(303);
      const cookie = ok.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^mg_session=mg_/);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Strict');
      expect(cookie).toContain('Path=/');
      expect(
        (await request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN }, body: 'token=mg_nope' }))
          .status,
      ).toBe(401);
    });

    it('never redirects after login to another site', async () => {
      const token = await createToken(t.registry.ctx, PEOPLE.root, 'zed', ['auditor']);
      for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
        const res = await request('/login', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
          body: new URLSearchParams({ token, next }).toString(),
        });
        expect(res.headers.get('location')).toBe('/');
      }
    });

    it('refuses a form post from another site, one without its origin, and one without the session CSRF token', async () => {
      const refusals = [
        await post(`/versions/${clean}/review`, 'bob', { decision: 'accept' }, { 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' }),
        await post(`/versions/${clean}/review`, 'bob', { decision: 'accept' }, { 'sec-fetch-site': 'same-site', origin: 'http://sub.localhost' }),
        await post(`/versions/${clean}/review`, 'bob', { decision: 'accept' }, { origin: 'http://evil.example' }),
        await post(`/versions/${clean}/review`, 'bob', { decision: 'accept' }, {}),
        await post(`/versions/${clean}/review`, 'bob', { decision: 'accept', csrf: '' }),
        await post(`/versions/${clean}/review`, 'bob', { decision: 'accept', csrf: csrf.carol! }),
      ];
      for (const res of refusals) {
        expect(res.status).toBe(403);
        expect(await res.text()).toMatch(/another site|CSRF|Origin/);
      }
      expect(await stateOf(clean)).toBe('review');
      // A login form posted from another site is refused too (login CSRF).
      const login = await request('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
        body: 'token=x',
      });
      expect(login.status).toBe(403);
      // An upload with a wrong token stores nothing.
      const before = await t.registry.ctx.db.kysely.selectFrom('versions').select('id').execute();
      const form = new FormData();
      form.set('csrf', 'wrong');
      form.set('model', 'acme/csrf');
      form.append('files', new Blob(['{}']), 'config.json');
      const upload = await request('/submit/upload', { method: 'POST', who: 'alice', headers: { origin: ORIGIN }, body: form });
      expect(upload.status).toBe(403);
      expect(await t.registry.ctx.db.kysely.selectFrom('versions').select('id').execute()).toHaveLength(before.length);
    });

    it('accepts an upload of several files and bounds each file by the registry limit', async () => {
      const form = new FormData();
      form.set('csrf', csrf.alice!);
      form.set('model', 'acme/upload');
      form.append('files', new Blob(['{"model_type":"bert"}']), 'config.json');
      form.append('files', new Blob(['# card\n']), 'README.md');
      const ok = await request('/submit/upload', { method: 'POST', who: 'alice', headers: { origin: ORIGIN }, body: form });
      expect(ok.status).toBe(303);
      const id = /\/versions\/([0-9a-f-]{36})/.exec(ok.headers.get('location') ?? '')![1]!;
      const files = await t.registry.ctx.db.kysely.selectFrom('version_files').select('path').where('version_id', '=', id).orderBy('path').execute();
      expect(files.map((f) => f.path)).toEqual(['README.md', 'config.json']);

      const big = new FormData();
      big.set('csrf', csrf.alice!);
      big.set('model', 'acme/big');
      big.append('files', new Blob([Buffer.alloc(5000)]), 'weights.bin');
      const refused = await request('/submit/upload', { method: 'POST', who: 'alice', headers: { origin: ORIGIN }, body: big });
      expect(refused.status).toBe(413);
      expect(await refused.text()).toContain('more than 4096 bytes');

      const traversal = new FormData();
      traversal.set('csrf', csrf.alice!);
      traversal.set('model', 'acme/dots');
      traversal.append('files', new Blob(['x']), '../escape.txt');
      expect((await request('/submit/upload', { method: 'POST', who: 'alice', headers: { origin: ORIGIN }, body: traversal })).status).toBe(400);
    });

    it('takes a Hub reference, pinned at fetch; a fetch that fails rejects the version with the reason', async () => {
      const res = await post('/submit/hub', 'alice', { model: 'acme/from-hub', repo: 'acme/bert-base', revision: 'v1', hub_token: 'hf_secret' });
      expect(res.status).toBe(303);
      const id = /\/versions\/([0-9a-f-]{36})/.exec(res.headers.get('location') ?? '')![1]!;
      const row = await t.registry.ctx.db.kysely.selectFrom('versions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.source_ref).toBe('acme/bert-base@v1');
      expect(await until(t.registry, id, ['rejected'])).toBe('rejected');
      const page = await (await request(`/versions/${id}`, { who: 'alice' })).text();
      expect(page).toContain('submitted failed');
      expect(page).not.toContain('hf_secret');
      const bad = await post('/submit/hub', 'alice', { model: 'no slash', repo: 'acme/x' });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('a model id is org/name');
    });

    it('shows reviewers the custom code a config selects, escaped, and the changes since the last approval', async () => {
      const ctx = t.registry.ctx;
      const v = await createSubmission(ctx, PEOPLE.alice, { model: 'acme/bert', source: { kind: 'upload' } });
      await uploadFile(ctx, PEOPLE.alice, v.id, 'config.json', chunks(JSON.stringify({ model_type: 'x', auto_map: { AutoModel: 'modeling_x.XModel' } })));
      await uploadFile(ctx, PEOPLE.alice, v.id, 'modeling_x.py', chunks('class XModel:\n    doc = "</pre><script>alert(1)</script>"\n'));
      await finishUpload(ctx, PEOPLE.alice, v.id);
      await until(t.registry, v.id, ['review', 'rejected']);
      const page = await (await request(`/versions/${v.id}`, { who: 'bob' })).text();
      expect(page).toContain('<section id="review-evidence">');
      expect(page).toMatch(/<code>modeling_x\.py<\/code> <span class="muted">selected by config\.json auto_map \(modeling_x\.XModel\)/);
      expect(page).toContain('class XModel:');
      expect(page).toContain('&lt;/pre&gt;&lt;script&gt;');
      expect(page).not.toContain('<script>alert(1)');
      // No version of acme/bert is approved in this file: nothing to compare with.
      expect(page).toContain('No approved version of this model to compare with.');
    });

    it('escapes hostile text: a finding that quotes HTML, a search query, a reason', async () => {
      const page = await (await request(`/versions/${evil}`, { who: 'bob' })).text();
      expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(page).not.toContain('<img src=x');
      const search = await (await request(`/?q=${encodeURIComponent('"><script>alert(1)</script>')}`, { who: 'bob' })).text();
      expect(search).not.toContain('<script>');
      expect(search).toContain('&quot;&gt;&lt;script&gt;');
    });

    it('shows a refusal of the app layer on the version page with its status: four-eyes 403, a missing reason 400, a wrong state 409', async () => {
      const own = await post(`/versions/${clean}/review`, 'alice', { decision: 'accept' });
      expect(own.status).toBe(403);
      const text = await own.text();
      expect(text).toContain('role="alert">alice needs the role reviewer');
      expect(text).toContain('<h1>acme/bert');
      const noReason = await post(`/versions/${clean}/reject`, 'carol', { reason: ' ' });
      expect(noReason.status).toBe(400);
      expect(await noReason.text()).toContain('a rejection needs a reason');
      const early = await post(`/versions/${clean}/approve`, 'carol', {});
      expect(early.status).toBe(409);
      await login('rita', await createToken(t.registry.ctx, PEOPLE.root, 'rita', ['reviewer', 'approver']));
      expect((await post(`/versions/${clean}/review`, 'rita', { decision: 'accept' })).status).toBe(303);
      const ownReview = await post(`/versions/${clean}/approve`, 'rita', {});
      expect(ownReview.status).toBe(403);
      expect(await ownReview.text()).toContain('four-eyes: rita reviewed this version and cannot also approve it');
      const reviewer = await post(`/versions/${clean}/approve`, 'bob', {});
      expect(reviewer.status).toBe(403);
      expect(await reviewer.text()).toContain('bob needs the role approver');
      const submitter = await post(`/versions/${clean}/approve`, 'alice', {});
      expect(submitter.status).toBe(403);
      const approved = await post(`/versions/${clean}/approve`, 'carol', {});
      expect(approved.status).toBe(303);
      expect(approved.headers.get('location')).toBe(`/versions/${clean}?done=approved`);
      expect(await stateOf(clean)).toBe('approved');
      expect((await post(`/versions/00000000-0000-0000-0000-000000000000/approve`, 'carol', {})).status).toBe(404);
      expect((await post(`/versions/${clean}/nothing`, 'carol', {})).status).toBe(404);
    });

    it('waives a rule with reason, owner and expiry date; every denying rule waived sends the version back to review', async () => {
      const page = await (await request(`/versions/${evil}`, { who: 'carol' })).text();
      expect(page).toContain('<option value="pickle/dangerous-callable">');
      const expires = new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10);
      const noOwner = await post(`/versions/${evil}/waive`, 'carol', { rule: 'pickle/dangerous-callable', reason: 'red-team sample', owner: '', expires });
      expect(noOwner.status).toBe(400);
      const tooLate = await post(`/versions/${evil}/waive`, 'carol', { rule: 'pickle/dangerous-callable', reason: 'r', owner: 'sec', expires: '2999-01-01' });
      expect(await tooLate.text()).toContain('expires within a year');
      const ok = await post(`/versions/${evil}/waive`, 'carol', { rule: 'pickle/dangerous-callable', reason: 'red-team sample', owner: 'security', expires });
      expect(ok.status).toBe(303);
      expect(await stateOf(evil)).toBe('review');
      const after = await (await request(`/versions/${evil}`, { who: 'carol' })).text();
      expect(after).toContain(`${expires}T23:59:59.000Z`);
      expect(after).toContain('<span class="badge info">waived</span>');
    });

    it('serves evidence and the report to a session cookie, and the audit page to auditors only', async () => {
      const bom = await request(`/versions/${clean}/evidence/bom`, { who: 'erin' });
      expect(bom.status).toBe(200);
      expect(bom.headers.get('content-disposition')).toBe(`attachment; filename="${clean}.bom.json"`);
      expect((await request(`/versions/${clean}/evidence/vsa-nope`, { who: 'erin' })).status).toBe(404);
      expect((await request(`/versions/${clean}/evidence/bom`)).status).toBe(303);
      expect(JSON.parse(await (await request(`/versions/${evil}/report.json`, { who: 'alice' })).text()).schema).toBe('modelgate/report@1');
      expect((await request('/audit', { who: 'alice' })).status).toBe(403);
      const audit = await request('/audit', { who: 'erin' });
      expect(audit.status).toBe(200);
      expect(await audit.text()).toContain('<span class="badge ok">valid</span>');
    });

    it('logs out: the cookie is cleared, after the same CSRF checks as any form', async () => {
      expect((await post('/logout', 'dave', { csrf: 'x' })).status).toBe(403);
      const out = await post('/logout', 'dave', {});
      expect(out.status).toBe(303);
      expect(out.headers.get('set-cookie')).toMatch(/^mg_session=;.*Max-Age=0/);
    });
  });
});
