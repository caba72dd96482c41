import type { Hono } from 'hono';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approve,
  createSubmission,
  createToken,
  finishUpload,
  reject,
  rescanVersion,
  review,
  revoke,
  uploadFile,
  versionView,
  waive,
  type Principal,
} from '../../src/app/registry/index.js';
import type { ServerEnv } from '../../src/server/context.js';
import { createApp } from '../../src/server/index.js';
import { osSystemPickle } from '../helpers/pickles.js';
import { chunks, PEOPLE, testRegistry, until, type TestRegistry } from '../helpers/registry.js';

/*
 * Attacks on the registry as a hostile submitter, a curious reviewer, a cross-site page and a
 * network client: each test is one attack, and passes when the registry holds.
 */

const ORIGIN = 'http://localhost';
const CONFIG = '{"model_type": "bert", "architectures": ["BertModel"]}';
const DAY = 86400e3;
/** More people than PEOPLE: a second reviewer, and a second round's approver. */
const frank: Principal = { name: 'frank', roles: ['reviewer'] };
const gina: Principal = { name: 'gina', roles: ['approver'] };
const expiry = () => new Date(Date.now() + 30 * DAY).toISOString();

let t: TestRegistry;
let app: Hono<ServerEnv>;
/** A Hub that refuses every token at once, so a Hub submission fails fast. */
let hub: Server;
const tokens: Record<string, string> = {};

async function submitted(files: Record<string, Buffer | string>, model = 'acme/bert', who: Principal = PEOPLE.alice): Promise<string> {
  const ctx = t.registry.ctx;
  const v = await createSubmission(ctx, who, { model, source: { kind: 'upload' } });
  for (const [path, bytes] of Object.entries(files)) await uploadFile(ctx, who, v.id, path, chunks(bytes));
  await finishUpload(ctx, who, v.id);
  return v.id;
}

async function approved(files: Record<string, Buffer | string>, model: string): Promise<string> {
  const id = await submitted(files, model);
  expect(await until(t.registry, id, ['review', 'rejected'])).toBe('review');
  await review(t.registry.ctx, PEOPLE.bob, id, 'accept');
  if ((await approve(t.registry.ctx, PEOPLE.carol, id)).state !== 'approved') await approve(t.registry.ctx, PEOPLE.dave, id);
  return id;
}

/** The rules that made the policy deny a version (each needs a waiver). */
async function denyingRulesOf(id: string): Promise<string[]> {
  const row = await t.registry.ctx.db.kysely.selectFrom('versions').select('report').where('id', '=', id).executeTakeFirstOrThrow();
  const report = JSON.parse(row.report!) as { files: Array<{ findings: Array<{ ruleId: string; severity: string }> }> };
  return [...new Set(report.files.flatMap((f) => f.findings.filter((x) => x.severity === 'critical' || x.severity === 'high').map((x) => x.ruleId)))];
}

async function waiveAll(who: Principal, id: string): Promise<void> {
  for (const rule of await denyingRulesOf(id)) await waive(t.registry.ctx, who, id, { rule, reason: 'known sample', owner: 'security', expiresAt: expiry() });
}

/** A body of `total` bytes in 64 KiB pieces, without a Content-Length, that counts what was read of it. */
function endless(total: number): { stream: ReadableStream<Uint8Array>; read: { bytes: number } } {
  const piece = new Uint8Array(64 * 1024).fill(0x20);
  const read = { bytes: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (read.bytes >= total) return controller.close();
      read.bytes += piece.length;
      controller.enqueue(piece);
    },
  });
  return { stream, read };
}

const api = (path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init);
const bearer = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });

beforeAll(async () => {
  hub = createServer((_req, res) => res.writeHead(401, { 'x-error-code': 'RepoNotFound', 'content-type': 'application/json' }).end('{"error":"no"}'));
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', () => r()));
  const hubEndpoint = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  t = await testRegistry('sqlite', { maxFileBytes: 1024 * 1024, hubEndpoint });
  app = createApp(t.registry);
  for (const who of [...Object.values(PEOPLE), frank, gina]) tokens[who.name] = await createToken(t.registry.ctx, PEOPLE.root, who.name, who.roles);
});
afterAll(async () => {
  await t?.close();
  hub?.close();
});

describe('a network client', () => {
  it('gets nothing from header tricks: two Authorization headers, a token in the query, a method override, a revoked token', async () => {
    // Two Authorization headers are joined into one value, which is no bearer token.
    const two = new Headers();
    two.append('authorization', `Bearer ${tokens.root}`);
    two.append('authorization', `Bearer ${tokens.erin}`);
    expect((await api('/api/whoami', { headers: two })).status).toBe(401);
    expect((await api(`/api/whoami?token=${tokens.root}`)).status).toBe(401);
    expect((await api('/api/whoami', { headers: { authorization: `Basic ${Buffer.from(`x:${tokens.root}`).toString('base64')}` } })).status).toBe(401);
    // The scheme is case-insensitive (RFC 9110), and it is still that token's principal.
    expect(await (await api('/api/whoami', { headers: { authorization: `bearer ${tokens.erin}` } })).json()).toMatchObject({ name: 'erin' });
    // An auditor with a method override header stays on GET, and POSTing needs the role.
    const override = await api('/api/tokens', {
      method: 'POST',
      headers: { ...bearer('erin'), 'x-http-method-override': 'GET', 'content-type': 'application/json' },
      body: JSON.stringify({ principal: 'mallory', roles: ['admin'] }),
    });
    expect(override.status).toBe(403);
    // The hf_ prefix is for /hf only.
    expect((await api('/api/whoami', { headers: { authorization: `Bearer hf_${tokens.erin}` } })).status).toBe(401);

    const revokedToken = await createToken(t.registry.ctx, PEOPLE.root, 'leaver', ['approver']);
    const login = await api('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ token: revokedToken, next: '/' }).toString(),
      redirect: 'manual',
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await api('/', { headers: { cookie } })).status).toBe(200);
    // Revoked through the API by an admin (only): every token of the principal stops working.
    expect((await api('/api/tokens/leaver', { method: 'DELETE', headers: bearer('erin') })).status).toBe(403);
    const revoked = await api('/api/tokens/leaver', { method: 'DELETE', headers: bearer('root') });
    expect(await revoked.json()).toEqual({ principal: 'leaver', revoked: 1 });
    expect((await api('/api/tokens/leaver', { method: 'DELETE', headers: bearer('root') })).status).toBe(404);
    expect((await api('/api/whoami', { headers: { authorization: `Bearer ${revokedToken}` } })).status).toBe(401);
    expect((await api('/hf/api/models/acme/bert', { headers: { authorization: `Bearer hf_${revokedToken}` } })).status).toBe(401);
    const page = await api('/', { headers: { cookie }, redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('set-cookie')).toMatch(/mg_session=;/);
  });

  it('cannot make the server hold a huge chunked JSON body before measuring it', async () => {
    const json = endless(64 * 1024 * 1024);
    const res = await api('/api/submissions', {
      method: 'POST',
      headers: { ...bearer('alice'), 'content-type': 'application/json' },
      body: json.stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(json.read.bytes).toBeLessThan(4 * 1024 * 1024);
  });

  it('cannot upload outside the version with encoded paths, nor into another submitter’s version', async () => {
    const v = (await (
      await api('/api/submissions', {
        method: 'POST',
        headers: { ...bearer('alice'), 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'acme/paths', source: { kind: 'upload' } }),
      })
    ).json()) as { id: string };
    const put = (path: string, who = 'alice') => api(`/api/versions/${v.id}/files/${path}`, { method: 'PUT', headers: bearer(who), body: 'x' });
    for (const path of ['..%2F..%2Fetc%2Fpasswd', 'a%2F..%2Fb', '%2Fabs', 'a%5Cb', 'a%00b', 'a%E2%80%AEb', 'a//b', '%ZZ'])
      expect((await put(path)).status, path).toBe(400);
    // Dot segments, plain or %2e-encoded, are taken out by the URL parser before routing: no upload route is reached.
    for (const path of ['%2e%2e/%2e%2e/x', '../../x']) expect((await put(path)).status, path).toBe(404);
    // A second submitter, and the admin (all roles, save being the submitter), add nothing to alice's version.
    const mallory = await createToken(t.registry.ctx, PEOPLE.root, 'mallory', ['submitter']);
    const other = await api(`/api/versions/${v.id}/files/config.json`, { method: 'PUT', headers: { authorization: `Bearer ${mallory}` }, body: CONFIG });
    expect(other.status).toBe(403);
    expect((await put('config.json', 'root')).status).toBe(403);
  });
});

describe('a hostile submitter', () => {
  it('cannot push a version through a state it is not in', async () => {
    const ctx = t.registry.ctx;
    const id = await submitted({ 'config.json': CONFIG }, 'acme/states');
    await expect(finishUpload(ctx, PEOPLE.alice, id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(uploadFile(ctx, PEOPLE.alice, id, 'extra.bin', chunks('late'))).rejects.toMatchObject({ code: 'CONFLICT' });
    await until(t.registry, id, ['review']);
    await expect(approve(ctx, PEOPLE.carol, id)).rejects.toMatchObject({ code: 'CONFLICT' });
    const deploy = await api(`/api/versions/${id}/deployments`, {
      method: 'POST',
      headers: { ...bearer('alice'), 'content-type': 'application/json' },
      body: JSON.stringify({ environment: 'prod', owner: 'me' }),
    });
    expect(deploy.status).toBe(409);
    await reject(ctx, PEOPLE.bob, id, 'no');
    await expect(approve(ctx, PEOPLE.carol, id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(review(ctx, PEOPLE.bob, id, 'accept')).rejects.toMatchObject({ code: 'CONFLICT' });
    const gone = await approved({ 'config.json': CONFIG, 'README.md': '# states\n' }, 'acme/states');
    await revoke(ctx, PEOPLE.carol, gone, 'bad');
    await expect(revoke(ctx, PEOPLE.carol, gone, 'again')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(waive(ctx, PEOPLE.dave, gone, { rule: 'x', reason: 'y', owner: 'z', expiresAt: expiry() })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('cannot submit two files a case-insensitive or normalising file system or loader would merge, nor a file that is also a folder', async () => {
    const ctx = t.registry.ctx;
    const sets: Array<Record<string, string>> = [
      { 'config.json': CONFIG, 'Config.json': '{"auto_map": {"AutoModel": "evil.Model"}}' },
      // U+FB01 LATIN SMALL LIGATURE FI: the same name on the page, another file to the loader.
      { 'config.json': CONFIG, 'con\ufb01g.json': '{"auto_map": {"AutoModel": "evil.Model"}}' },
      // é composed and decomposed: one name to macOS.
      { 'caf\u00e9/config.json': CONFIG, 'cafe\u0301/config.json': '{}' },
      { a: 'file', 'a/b': 'under a folder of the same name' },
      { 'A/b': 'folder', a: 'file' },
    ];
    for (const files of sets) {
      const v = await createSubmission(ctx, PEOPLE.alice, { model: 'acme/clash', source: { kind: 'upload' } });
      for (const [path, bytes] of Object.entries(files)) await uploadFile(ctx, PEOPLE.alice, v.id, path, chunks(bytes));
      await expect(finishUpload(ctx, PEOPLE.alice, v.id), Object.keys(files).join(' + ')).rejects.toMatchObject({ code: 'USAGE' });
    }
    // The same path uploaded twice is a replacement, not a clash.
    const ok = await createSubmission(ctx, PEOPLE.alice, { model: 'acme/clash', source: { kind: 'upload' } });
    await uploadFile(ctx, PEOPLE.alice, ok.id, 'config.json', chunks('{}'));
    await uploadFile(ctx, PEOPLE.alice, ok.id, 'config.json', chunks(CONFIG));
    await uploadFile(ctx, PEOPLE.alice, ok.id, 'a/b', chunks('x'));
    await uploadFile(ctx, PEOPLE.alice, ok.id, 'ab', chunks('y'));
    expect((await finishUpload(ctx, PEOPLE.alice, ok.id)).state).toBe('submitted');
  });

  it('keeps a Hub token out of the version, its state reason and the audit log', async () => {
    const secret = 'hf_SECRETsecretSECRETsecret0123456789';
    const res = await api('/api/submissions', {
      method: 'POST',
      headers: { ...bearer('alice'), 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'acme/gated', source: { kind: 'hub', repo: 'acme/gated', revision: 'main' }, hubToken: secret }),
    });
    const { id } = (await res.json()) as { id: string };
    expect(await until(t.registry, id, ['rejected'])).toBe('rejected');
    const view = JSON.stringify(await (await api(`/api/versions/${id}`, { headers: bearer('erin') })).json());
    const audit = await (await api('/api/audit', { headers: bearer('erin') })).text();
    expect(view).not.toContain('SECRET');
    expect(audit).not.toContain('SECRET');
    expect(t.registry.pipeline.hubTokens.has(id)).toBe(false);
  });
});

describe('four-eyes', () => {
  it('a human rejection is final: a waiver revives a rejection by the policy, not one by a reviewer', async () => {
    const ctx = t.registry.ctx;
    const id = await submitted({ 'pytorch_model.bin': osSystemPickle('id') }, 'acme/waived');
    expect(await until(t.registry, id, ['review', 'rejected'])).toBe('rejected');
    await waiveAll(PEOPLE.carol, id);
    expect((await versionView(ctx, id)).state).toBe('review');
    await review(ctx, PEOPLE.bob, id, 'reject', 'confirmed backdoor: do not ship');
    // Another approver waives again: the reviewer's rejection stands.
    await waiveAll(PEOPLE.dave, id).catch(() => undefined);
    expect((await versionView(ctx, id)).state).toBe('rejected');
    // Nor can anyone take the system's name to make a rejection look like the policy's.
    await expect(createToken(ctx, PEOPLE.root, 'modelgate', ['reviewer'])).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('counts only the approvals of the current round: one made before a re-scan rejected the version does not carry over', async () => {
    const ctx = t.registry.ctx;
    const id = await submitted({ 'pytorch_model.bin': osSystemPickle('id') }, 'acme/rounds');
    expect(await until(t.registry, id, ['review', 'rejected'])).toBe('rejected');
    await waiveAll(PEOPLE.carol, id);
    await review(ctx, PEOPLE.bob, id, 'accept');
    expect((await approve(ctx, PEOPLE.dave, id)).state).toBe('approval');
    // A new engine re-scans it (as on start): the policy denies, and it is rejected by the system.
    expect((await rescanVersion(ctx, id)).rejected).toBe(true);
    await waiveAll(PEOPLE.carol, id);
    expect((await versionView(ctx, id)).state).toBe('review');
    await review(ctx, frank, id, 'accept');
    // dave's approval was given to the first round; gina's alone is not two approvals.
    expect((await approve(ctx, gina, id)).state).toBe('approval');
    expect((await approve(ctx, PEOPLE.dave, id)).state).toBe('approved');
  });
});

describe('/hf', () => {
  const hf = (path: string, init: RequestInit = {}) =>
    app.request(`${ORIGIN}/hf${path}`, { ...init, headers: { authorization: `Bearer hf_${tokens.erin}`, ...init.headers } });

  it('names a tree by its commit id: files renamed, or git files added, make another commit', async () => {
    const weights = Buffer.from('not really weights, just bytes');
    const a = await approved({ 'config.json': CONFIG, 'model.bin.txt': weights }, 'acme/tree');
    const aCommit = ((await (await hf(`/api/models/acme/tree`)).json()) as { sha: string }).sha;
    // The same bytes in the same order under other names: the root digest is the same.
    const b = await approved({ 'config.json': CONFIG, 'weights.txt': weights }, 'acme/tree');
    const main = (await (await hf(`/api/models/acme/tree`)).json()) as { sha: string; modelgate: { version: string } };
    expect(main.modelgate.version).toBe(b);
    expect(main.sha).not.toBe(aCommit);
    // A client pinned to a's commit still gets a's files.
    const pinned = (await (await hf(`/api/models/acme/tree/revision/${aCommit}`)).json()) as { modelgate: { version: string }; siblings: unknown[] };
    expect(pinned.modelgate.version).toBe(a);
    expect(pinned.siblings).toEqual([{ rfilename: 'config.json' }, { rfilename: 'model.bin.txt' }]);
    // A file the model signature leaves out (git's) is still a file the clients download.
    const c = await approved({ '.gitattributes': '*.bin filter=lfs\n', 'config.json': CONFIG, 'weights.txt': weights }, 'acme/tree');
    expect(((await (await hf(`/api/models/acme/tree`)).json()) as { sha: string }).sha).not.toBe(main.sha);
    expect(c).toBeDefined();
  });

  it('serves no revoked commit and no path outside the version', async () => {
    const id = await approved({ 'config.json': CONFIG, 'sub/file.txt': 'x' }, 'acme/served');
    const commit = ((await (await hf('/api/models/acme/served')).json()) as { sha: string }).sha;
    expect((await hf(`/acme/served/resolve/${commit}/config.json`)).status).toBe(200);
    for (const path of ['..%2F..%2Fregistry.sqlite', 'sub%2F..%2Fconfig.json', '%2e%2e%2fkeys%2fregistry-key.pem'])
      expect((await hf(`/acme/served/resolve/${commit}/${path}`)).status, path).toBe(404);
    expect((await hf(`/api/models/acme/served/tree/${commit}/..`)).status).toBe(404);
    expect((await hf(`/api/models/acme/served/tree/${commit}/sub%2F..`)).status).toBe(404);
    expect((await hf(`/acme/served/resolve/${commit}/config.json`, { headers: { range: 'bytes=-99999999999' } })).status).toBe(206);
    // A chunked paths-info body is read no further than its limit.
    const form = endless(64 * 1024 * 1024);
    const paths = await hf(`/api/models/acme/served/paths-info/${commit}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.stream,
      duplex: 'half',
    } as RequestInit);
    expect(paths.status).toBe(413);
    expect(form.read.bytes).toBeLessThan(4 * 1024 * 1024);
    await revoke(t.registry.ctx, PEOPLE.carol, id, 'bad');
    expect((await hf(`/acme/served/resolve/${commit}/config.json`)).status).toBe(404);
    expect((await hf(`/acme/served/resolve/main/config.json`)).status).toBe(404);
    expect((await hf(`/api/models/acme/served/revision/${commit}`)).headers.get('x-error-code')).toBe('RevisionNotFound');
  });
});

describe('a curious reviewer and a cross-site page', () => {
  it('sees hostile file names, reasons, owners and card text escaped on every page', async () => {
    const ctx = t.registry.ctx;
    const x = '<script>alert(1)</script>';
    const id = await submitted(
      {
        [`${x}.json`]: '{}',
        '"><img src=x onerror=alert(2)>.txt': 'x',
        'README.md': `---\nbase_model: "${x}"\nlicense: "${x}"\n---\n# ${x}\n`,
      },
      'acme/xss',
    );
    await until(t.registry, id, ['review']);
    await review(ctx, PEOPLE.bob, id, 'reject', `${x}<img src=x onerror=alert(3)>`);
    const login = await api('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ token: tokens.erin!, next: '/' }).toString(),
      redirect: 'manual',
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    for (const page of [`/versions/${id}`, '/', '/?q=%3Cscript%3E', '/impact?model=acme/xss', '/audit']) {
      const res = await api(page, { headers: { cookie } });
      const body = await res.text();
      expect(res.status, page).toBe(200);
      expect(body, page).not.toMatch(/<script|<img/i);
    }
  });
});
