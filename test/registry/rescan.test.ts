import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addWebhook,
  createSubmission,
  finishUpload,
  rescanStale,
  staleVersions,
  uploadFile,
  versionView,
  webhookSignature,
} from '../../src/app/registry/index.js';
import { osSystemPickle } from '../helpers/pickles.js';
import { chunks, DATABASES, PEOPLE, testRegistry, until, type TestRegistry } from '../helpers/registry.js';

describe.each(DATABASES)('re-scans when the engine changes, on %s', (kind) => {
  let t: TestRegistry;
  const received: Array<{ body: string; signature: string | undefined }> = [];
  let hookUrl = '';
  const hook = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ body, signature: req.headers['x-modelgate-signature'] as string | undefined });
      // The first delivery fails: the sender must retry.
      res.writeHead(received.length === 1 ? 500 : 204).end();
    });
  });
  beforeAll(async () => {
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    t = await testRegistry(kind);
  });
  afterAll(async () => {
    await t?.close();
    hook.close();
  });

  it('opens an incident on an approved version whose verdict an improved engine makes worse, flags its deployments, and tells the webhooks (signed, retried)', async () => {
    const ctx = t.registry.ctx;
    const secret = (await addWebhook(ctx, PEOPLE.root, hookUrl, ['version.verdict-changed'])).secret;
    const v = await createSubmission(ctx, PEOPLE.alice, { model: 'acme/old-approval', source: { kind: 'upload' } });
    await uploadFile(ctx, PEOPLE.alice, v.id, 'pytorch_model.bin', chunks(osSystemPickle('id')));
    await finishUpload(ctx, PEOPLE.alice, v.id);
    await until(t.registry, v.id, ['rejected']);
    // As an older engine would have left it: approved as clean, deployed, judged under another provenance key.
    await ctx.db.kysely
      .updateTable('versions')
      .set({ state: 'approved', verdict: 'clean', provenance_key: 'an-older-engine' })
      .where('id', '=', v.id)
      .execute();
    await ctx.db.kysely
      .insertInto('deployments')
      .values({
        id: 'dep-1',
        version_id: v.id,
        environment: 'prod',
        owner: 'ml',
        business_owner: null,
        deployed_at: ctx.now(),
        removed_at: null,
        status: 'active',
        created_by: 'alice',
      })
      .execute();
    expect(await staleVersions(ctx)).toEqual([v.id]);
    const done = await rescanStale(ctx);
    expect(done).toEqual([{ versionId: v.id, before: 'clean', after: 'malicious', incident: true, rejected: false }]);
    expect(await staleVersions(ctx)).toEqual([]);
    const view = await versionView(ctx, v.id);
    expect(view.state).toBe('approved');
    expect(view.verdict).toBe('malicious');
    expect(view.incidents.map((i) => [i.kind, i.deployment_id])).toEqual([
      ['verdict-changed', null],
      ['verdict-changed', 'dep-1'],
    ]);
    expect(view.deployments[0]?.status).toBe('flagged');
    // The sender retries the failed first delivery (backoff 1 s), each payload signed with the secret.
    const deadline = Date.now() + 15_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(received.length).toBe(2);
    expect(received[1]!.body).toBe(received[0]!.body);
    expect(received[1]!.signature).toBe(webhookSignature(secret, received[1]!.body));
    expect(JSON.parse(received[1]!.body)).toMatchObject({ event: 'version.verdict-changed', data: { version: v.id, before: 'clean', after: 'malicious' } });
  });
});
