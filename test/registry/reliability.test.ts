import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approve,
  createSubmission,
  createToken,
  finishUpload,
  openRegistry,
  review,
  uploadFile,
  verifyRegistryAudit,
  versionView,
} from '../../src/app/registry/index.js';
import { pickle } from '../../src/formats/pickle/builder.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { cliCommand } from '../helpers/cli.js';
import { osSystemPickle, repeated } from '../helpers/pickles.js';
import { chunks, DATABASES, freshDatabase, PEOPLE, until } from '../helpers/registry.js';

const CONFIG = '{"model_type": "bert"}';
const ADMIN = 'mg_reliability-admin-token-0123456789';
/** A pickle that takes the scanner most of a second: two million small opcodes, nothing imported. */
const SLOW = Buffer.concat([pickle().proto(2).bytes(), repeated((b) => b.binint1(1).pop(), 2_000_000), pickle().none().stop().bytes()]);

async function api(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: string | Buffer,
): Promise<{ status: number; json: ReturnType<typeof JSON.parse> }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
    body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe.each(DATABASES)('reliability on %s', (kind) => {
  let dataDir: string;
  let databaseUrl: string | undefined;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mg-reliable-'));
    databaseUrl = kind === 'postgres' ? await freshDatabase() : undefined;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses nothing of 50 concurrent submissions over HTTP, and the audit log holds each change exactly once', async () => {
    server = await startServer({ port: 0, dataDir, databaseUrl, adminToken: ADMIN });
    const alice = await createToken(server.registry.ctx, PEOPLE.root, 'alice', ['submitter']);
    const before = (await verifyRegistryAudit(server.registry)).records;
    const ids = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const v = await api(server!.url, alice, 'POST', '/api/submissions', JSON.stringify({ model: `load/model-${i % 7}`, source: { kind: 'upload' } }));
        expect(v.status).toBe(201);
        expect((await api(server!.url, alice, 'PUT', `/api/versions/${v.json.id}/files/config.json`, CONFIG)).status).toBe(201);
        expect((await api(server!.url, alice, 'PUT', `/api/versions/${v.json.id}/files/weights/part-${i}.bin`, osSystemPickle(`echo ${i}`))).status).toBe(201);
        expect((await api(server!.url, alice, 'POST', `/api/versions/${v.json.id}/finish`)).status).toBe(200);
        return v.json.id as string;
      }),
    );
    expect(new Set(ids).size).toBe(50);
    for (const id of ids) await until(server.registry, id, ['review', 'rejected'], 120_000);
    const db = server.registry.ctx.db.kysely;
    expect((await db.selectFrom('versions').select('id').where('model_id', 'like', 'load/%').execute()).length).toBe(50);
    for (const id of ids) {
      const view = await versionView(server.registry.ctx, id);
      expect(view.files.map((f) => f.path)).toEqual(['config.json', expect.stringMatching(/^weights\/part-\d+\.bin$/)]);
      expect(view.transitions.map((t) => t.to_state)).toEqual(['receiving', 'submitted', 'scanning', 'rejected']);
      expect(view.verdict).toBe('malicious');
    }
    const audit = await verifyRegistryAudit(server.registry);
    expect(audit.ok).toBe(true);
    // Per version: the submission, two uploads, three moves.
    expect(audit.records - before).toBe(50 * 6);
  }, 240_000);

  it('records both approvals of two approvers racing on a high-risk version and approves it exactly once', async () => {
    const ctx = server!.registry.ctx;
    const v = await createSubmission(ctx, PEOPLE.alice, { model: 'race/high', source: { kind: 'upload' } });
    await uploadFile(ctx, PEOPLE.alice, v.id, 'modeling.py', chunks('import torch\n'));
    await finishUpload(ctx, PEOPLE.alice, v.id);
    await until(server!.registry, v.id, ['review']);
    await review(ctx, PEOPLE.bob, v.id, 'accept');
    const results = await Promise.allSettled([approve(ctx, PEOPLE.carol, v.id), approve(ctx, PEOPLE.dave, v.id), approve(ctx, PEOPLE.dave, v.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const view = await versionView(ctx, v.id);
    expect(view.state).toBe('approved');
    expect(view.approvals.map((a) => a.approver).sort()).toEqual(['carol', 'dave']);
    expect(view.transitions.filter((t) => t.to_state === 'approved')).toHaveLength(1);
    expect(view.attestations).toHaveLength(4);
    expect((await verifyRegistryAudit(server!.registry)).ok).toBe(true);
    await server!.close();
    server = undefined;
  }, 60_000);

  it('resumes the pipelines a killed server left unfinished, without losing or repeating a step', async () => {
    const env = { ...process.env, MODELGATE_PIPELINE_CONCURRENCY: '1', MODELGATE_ADMIN_TOKEN: ADMIN, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
    const start = async (): Promise<{ child: ChildProcess; url: string; out: () => string }> => {
      const { command, args } = cliCommand('serve', '--port', '0', '--data', dataDir);
      const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      const deadline = Date.now() + 30_000;
      while (!/registry at (http:\/\/\S+)/.test(out)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the server did not start: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return { child, url: /registry at (http:\/\/\S+)/.exec(out)![1]!, out: () => out };
    };
    const first = await start();
    const alice = (await api(first.url, ADMIN, 'POST', '/api/tokens', JSON.stringify({ principal: 'alice2', roles: ['submitter'] }))).json.token as string;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const v = await api(first.url, alice, 'POST', '/api/submissions', JSON.stringify({ model: `resume/m-${i}`, source: { kind: 'upload' } }));
      await api(first.url, alice, 'PUT', `/api/versions/${v.json.id}/files/slow.pkl`, SLOW);
      await api(first.url, alice, 'POST', `/api/versions/${v.json.id}/finish`);
      ids.push(v.json.id);
    }
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const inspect = await openRegistry({ dataDir, databaseUrl }, { background: false });
    const left = await inspect.ctx.db.kysely.selectFrom('versions').select(['id', 'state']).where('id', 'in', ids).execute();
    await inspect.close();
    const unfinished = left.filter((r) => r.state === 'submitted' || r.state === 'scanning').length;
    expect(unfinished).toBeGreaterThan(0);
    const second = await start();
    try {
      const deadline = Date.now() + 5_000;
      while (!/resumed \d+ unfinished/.test(second.out()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(second.out()).toContain(`resumed ${unfinished} unfinished pipeline(s)`);
      const registry = await openRegistry({ dataDir, databaseUrl }, { background: false });
      try {
        for (const id of ids) expect(await until(registry, id, ['review'], 120_000)).toBe('review');
        for (const id of ids) {
          const view = await versionView(registry.ctx, id);
          expect(view.transitions.map((t) => t.to_state)).toEqual(['receiving', 'submitted', 'scanning', 'review']);
        }
        expect((await verifyRegistryAudit(registry)).ok).toBe(true);
      } finally {
        await registry.close();
      }
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
  }, 240_000);
});
