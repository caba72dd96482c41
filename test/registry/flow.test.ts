import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approve,
  createSubmission,
  deploy,
  finishUpload,
  impactOf,
  reject,
  review,
  revoke,
  uploadFile,
  verifyRegistryAudit,
  versionView,
  waive,
} from '../../src/app/registry/index.js';
import { chunks, DATABASES, PEOPLE, testRegistry, until, type TestRegistry } from '../helpers/registry.js';
import { osSystemPickle } from '../helpers/pickles.js';

const CONFIG = JSON.stringify({ architectures: ['BertModel'], model_type: 'bert' });

describe.each(DATABASES)('registry pipeline on %s', (kind) => {
  let t: TestRegistry;
  beforeAll(async () => {
    t = await testRegistry(kind);
  });
  afterAll(async () => t?.close());

  async function submitted(files: Record<string, Buffer | string>, model = 'acme/bert'): Promise<string> {
    const v = await createSubmission(t.registry.ctx, PEOPLE.alice, { model, source: { kind: 'upload' } });
    for (const [path, bytes] of Object.entries(files)) await uploadFile(t.registry.ctx, PEOPLE.alice, v.id, path, chunks(bytes));
    await finishUpload(t.registry.ctx, PEOPLE.alice, v.id);
    return v.id;
  }

  it('takes a clean upload through scan, review, approval, deployment and revocation', async () => {
    const ctx = t.registry.ctx;
    const id = await submitted({ 'config.json': CONFIG, 'README.md': '# bert\n' });
    expect(await until(t.registry, id, ['review', 'rejected'])).toBe('review');
    const scanned = await versionView(ctx, id);
    expect(scanned.risk).toBe('low');
    expect(scanned.root_digest).toMatch(/^[0-9a-f]{64}$/);
    await expect(review(ctx, PEOPLE.alice, id, 'accept')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await review(ctx, PEOPLE.bob, id, 'accept');
    await expect(approve(ctx, { name: 'alice', roles: ['approver'] }, id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(approve(ctx, { name: 'bob', roles: ['approver'] }, id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const approved = await approve(ctx, PEOPLE.carol, id, 'looks fine');
    expect(approved.state).toBe('approved');
    const view = await versionView(ctx, id);
    expect(view.attestations.map((a) => a.kind)).toEqual(expect.arrayContaining(['bom', 'report']));
    const d = await deploy(ctx, PEOPLE.alice, id, { environment: 'prod-eu', owner: 'ml-team', businessOwner: 'search' });
    const child = await submitted({ 'README.md': '---\nbase_model: acme/bert\n---\n# child\n' }, 'acme/bert-ft');
    await until(t.registry, child, ['review']);
    // The pipeline recorded the card's base model, declared: nothing in the bytes verifies it.
    expect((await versionView(ctx, child)).parents).toMatchObject([{ parent_model_id: 'acme/bert', parent_version_id: null, status: 'declared' }]);
    const impact = await impactOf(ctx, { model: 'acme/bert' });
    expect(impact.versions.map((v) => v.version.id)).toEqual(expect.arrayContaining([id, child]));
    expect(impact.deployments.map((x) => x.id)).toEqual([d.id]);
    const revoked = await revoke(ctx, PEOPLE.carol, id, 'backdoor reported');
    expect(revoked.version.state).toBe('revoked');
    expect(revoked.incidents).toBe(2);
    const childView = await versionView(ctx, child);
    expect(childView.incidents.map((i) => i.kind)).toEqual(['ancestor-revoked']);
    const audit = await verifyRegistryAudit(t.registry);
    expect(audit.ok).toBe(true);
    expect(audit.records).toBeGreaterThan(10);
  });

  it('rejects a malicious upload by policy, and a waiver with reason, owner and expiry sends it to review as high risk', async () => {
    const ctx = t.registry.ctx;
    const id = await submitted({ 'pytorch_model.bin': osSystemPickle('id') });
    expect(await until(t.registry, id, ['review', 'rejected'])).toBe('rejected');
    const view = await versionView(ctx, id);
    expect(view.verdict).toBe('malicious');
    expect(view.state_reason).toMatch(/policy denied/);
    const report = JSON.parse((await ctx.db.kysely.selectFrom('versions').select('report').where('id', '=', id).executeTakeFirstOrThrow()).report!);
    const rules: string[] = [
      ...new Set<string>(
        report.files.flatMap((f: { findings: { ruleId: string; severity: string }[] }) =>
          f.findings.filter((x) => x.severity === 'critical' || x.severity === 'high').map((x) => x.ruleId),
        ),
      ),
    ];
    expect(rules.length).toBeGreaterThan(0);
    await expect(
      waive(ctx, { name: 'alice', roles: ['approver'] }, id, {
        rule: rules[0]!,
        reason: 'r',
        owner: 'sec',
        expiresAt: new Date(Date.now() + 86400e3).toISOString(),
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      waive(ctx, PEOPLE.carol, id, { rule: rules[0]!, reason: '', owner: 'sec', expiresAt: new Date(Date.now() + 86400e3).toISOString() }),
    ).rejects.toMatchObject({ code: 'USAGE' });
    await expect(waive(ctx, PEOPLE.carol, id, { rule: rules[0]!, reason: 'known', owner: 'sec', expiresAt: '2000-01-01' })).rejects.toMatchObject({
      code: 'USAGE',
    });
    for (const rule of rules)
      await waive(ctx, PEOPLE.carol, id, { rule, reason: 'red-team sample', owner: 'security', expiresAt: new Date(Date.now() + 86400e3).toISOString() });
    const after = await versionView(ctx, id);
    expect(after.state).toBe('review');
    expect(after.risk).toBe('high');
    await review(ctx, PEOPLE.bob, id, 'accept');
    expect((await approve(ctx, PEOPLE.carol, id)).state).toBe('approval');
    await expect(approve(ctx, PEOPLE.carol, id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await approve(ctx, PEOPLE.dave, id)).state).toBe('approved');
  });

  it('needs a reason to reject, and a rejected version takes no approval', async () => {
    const ctx = t.registry.ctx;
    const id = await submitted({ 'config.json': CONFIG });
    await until(t.registry, id, ['review']);
    await expect(reject(ctx, PEOPLE.bob, id, ' ')).rejects.toMatchObject({ code: 'USAGE' });
    await reject(ctx, PEOPLE.bob, id, 'not our model');
    await expect(approve(ctx, PEOPLE.carol, id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
