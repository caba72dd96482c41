import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/report-types.js';
import { ALL_RULES } from '../../src/detectors/index.js';
import { renderHtml } from '../../src/report/html.js';
import { launchChromium, type TestBrowser } from '../helpers/browser.js';
import { EXAMPLE_COMMAND, EXAMPLE_COMMIT, exampleScan } from './html-example.js';

/*
 * The HTML report as a person sees it: written to a file, opened over file:// in Debian's
 * Chromium (test/helpers/browser.ts), and read through what is visible on the page.
 */

let browser: TestBrowser;
let dir: string;
let result: ScanResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modelgate-html-browser-'));
  result = await exampleScan();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What a page did besides showing itself: requests made, dialogs opened, errors logged. */
interface PageActivity {
  page: Page;
  url: string;
  requests: string[];
  dialogs: string[];
  errors: string[];
}

/** Writes `html` to a file and opens it, recording every request, dialog and console error. */
async function openPage(name: string, html: string, viewport?: { width: number; height: number }): Promise<PageActivity> {
  const file = join(dir, name);
  writeFileSync(file, html);
  const page = await browser.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const activity: PageActivity = { page, url: pathToFileURL(file).href, requests: [], dialogs: [], errors: [] };
  page.on('request', (request) => activity.requests.push(request.url()));
  page.on('dialog', (dialog) => {
    activity.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') activity.errors.push(message.text());
  });
  page.on('pageerror', (error) => activity.errors.push(error.message));
  await page.goto(activity.url, { waitUntil: 'load' });
  return activity;
}

describe('the HTML report in Chromium', () => {
  it('sees every request a page makes (so "no requests" below means something)', async () => {
    const { page, url, requests } = await openPage('loads.html', '<!DOCTYPE html><img src="missing.png"><p>x</p>');
    expect(requests).toEqual([url, new URL('missing.png', url).href]);
    await page.close();
  });

  it('shows the decision, the counts, and the malicious file with its finding and evidence', async () => {
    const { page, url, requests, dialogs, errors } = await openPage('report.html', renderHtml(result, ALL_RULES));

    // The decision, first and prominent, with every reason.
    const decision = page.locator('section.decision');
    expect(await decision.isVisible()).toBe(true);
    expect(await decision.locator('.decision-word').textContent()).toBe('DENY');
    expect(await decision.locator('.decision-verdict').innerText()).toContain('Denied by policy');
    const reasons = decision.locator('ol.reasons > li');
    expect(await reasons.count()).toBe(3);
    for (const reason of result.decision?.reasons ?? []) {
      expect(await decision.getByText(reason.message).isVisible()).toBe(true);
    }
    const decisionBox = await decision.boundingBox();
    const summaryBox = await page.locator('section.summary').boundingBox();
    expect(decisionBox && summaryBox && decisionBox.y < summaryBox.y).toBe(true);

    // The counts by verdict, as the scan made them.
    const count = (cls: string) => page.locator(`section.summary li.${cls} .n`).innerText();
    expect(await count('count-files')).toBe('3');
    expect(await count('verdict-malicious')).toBe('1');
    expect(await count('verdict-suspicious')).toBe('0');
    expect(await count('verdict-error')).toBe('1');
    expect(await count('verdict-clean')).toBe('1');
    expect(await page.locator('section.summary').innerText()).toMatch(/Max severity\s+CRITICAL/);

    // The source.
    expect(await page.locator('section.source').innerText()).toContain(EXAMPLE_COMMIT);

    // The malicious file is open: its finding, the rule's title and docs link, and the evidence.
    const malicious = page.locator('details.file.verdict-malicious');
    expect(await malicious.count()).toBe(1);
    expect(await malicious.locator('.path').innerText()).toBe('pytorch_model.bin');
    const finding = malicious.locator('li.finding').first();
    expect(await finding.isVisible()).toBe(true);
    expect(await finding.locator('.badge.sev').innerText()).toBe('CRITICAL');
    const ruleLink = finding.locator('a.rule-id');
    expect(await ruleLink.innerText()).toBe('pickle/dangerous-callable');
    expect(await ruleLink.getAttribute('href')).toMatch(/^https:\/\/.*\/docs\/rules\/.+\.md$/);
    expect(await finding.locator('.message').innerText()).toContain(`os.system('${EXAMPLE_COMMAND}')`);
    const evidence = finding.locator('.evidence pre');
    expect(await evidence.isVisible()).toBe(true);
    expect(await evidence.innerText()).toBe(`os.system('${EXAMPLE_COMMAND}')`);
    expect(await evidence.evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/mono/i);

    // The broken file is flagged too, with its fatal finding.
    const broken = page.locator('details.file.verdict-error');
    expect(await broken.locator('.path').innerText()).toBe('adapter_model.safetensors');
    expect(await broken.locator('.badge.fatal').isVisible()).toBe(true);

    // Flagged files come before the clean list.
    const maliciousBox = await malicious.boundingBox();
    const cleanBox = await page.locator('details.clean-files').boundingBox();
    expect(maliciousBox && cleanBox && maliciousBox.y < cleanBox.y).toBe(true);

    // Nothing was fetched but the page itself; nothing ran, nothing was blocked or failed.
    expect(requests).toEqual([url]);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps clean files collapsed until the reader opens them', async () => {
    const { page } = await openPage('report-clean.html', renderHtml(result, ALL_RULES));
    const clean = page.locator('details.clean-files');
    const cleanPath = clean.locator('li.clean-file .path');
    expect(await clean.locator(':scope > summary').innerText()).toBe('1 clean file');
    expect(await cleanPath.isVisible()).toBe(false);
    await clean.locator(':scope > summary').click();
    expect(await cleanPath.isVisible()).toBe(true);
    expect(await cleanPath.innerText()).toBe('model.safetensors');
    expect(await clean.locator('li.clean-file').innerText()).toMatch(/SHA-256\s+[0-9a-f]{64}/);
    // Its notes (the safetensors summary, severity info) stay folded inside, one click away.
    const note = clean.locator('details.notes li.finding');
    expect(await note.isVisible()).toBe(false);
    await clean.locator('details.notes > summary').click();
    expect(await note.isVisible()).toBe(true);
    expect(await note.locator('.rule-id').innerText()).toBe('safetensors/summary');
    // A flagged file folds away on click, and opens again.
    const malicious = page.locator('details.file.verdict-malicious');
    await malicious.locator(':scope > summary').click();
    expect(await malicious.locator('.evidence').isVisible()).toBe(false);
    await malicious.locator(':scope > summary').click();
    expect(await malicious.locator('.evidence').isVisible()).toBe(true);
    await page.close();
  });

  it('fits a phone-width screen without sideways scrolling', async () => {
    const { page } = await openPage('report-narrow.html', renderHtml(result, ALL_RULES), { width: 360, height: 740 });
    await page.locator('details.clean-files > summary').click();
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    expect(await page.locator('details.file.verdict-malicious .evidence pre').isVisible()).toBe(true);
    await page.close();
  });

  it('shows a hostile file name and evidence as text, and runs nothing', async () => {
    const hostile = structuredClone(result);
    const file = hostile.files.find((f) => f.verdict === 'malicious');
    if (!file) throw new Error('the example has no malicious file');
    const name = '<img src=x onerror=alert(1)>.pkl';
    const evidence = "os.system('</script><script>alert(2)</script>')";
    file.path = name;
    file.findings[0] = { ...file.findings[0]!, target: name, evidence, message: '<b onmouseover=alert(3)>hover</b>' };
    hostile.decision?.reasons.push({ rule: 'formats', message: '<svg onload=alert(4)>', path: name });
    const { page, url, requests, dialogs, errors } = await openPage('hostile.html', renderHtml(hostile, ALL_RULES));

    const card = page.locator('details.file.verdict-malicious');
    expect(await card.locator('.path').innerText()).toBe(name);
    expect(await card.locator('.evidence pre').innerText()).toBe(evidence);
    expect(await card.locator('.message').innerText()).toBe('<b onmouseover=alert(3)>hover</b>');
    expect(await page.getByText('<svg onload=alert(4)>').isVisible()).toBe(true);
    await card.locator('.message').hover();

    // No element was made from the report's text; the page has no script at all.
    const counts = await page.evaluate(() => ({
      injected: document.querySelectorAll('img, script, svg, b, iframe').length,
      handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
    }));
    expect(counts).toEqual({ injected: 0, handlers: 0 });
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    // An <img src=x> element would have asked for file:///…/x.
    expect(requests).toEqual([url]);
    await page.close();
  });
});
