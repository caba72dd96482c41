import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, contextOptions, type LaunchOptions, type TestBrowser } from './browser.js';

/** A browser for one local site: the requests it refused to let out, beside the usual handle. */
export interface SiteBrowser extends TestBrowser {
  /** URLs the pages asked for outside the site: a page that loads nothing else leaves this empty. */
  blocked: string[];
}

/**
 * Debian's Chromium as test/helpers/browser.ts starts it, but for a server under test: the
 * context is online (an offline one cannot reach 127.0.0.1) and every request to another origin
 * is aborted and recorded, so a test still runs offline and can assert a page loads nothing else.
 */
export async function launchChromiumForSite(origin: string, options: LaunchOptions = {}): Promise<SiteBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'modelgate-chromium-'));
  const blocked: string[] = [];
  try {
    const context = await chromium.launchPersistentContext(profile, contextOptions(options));
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      blocked.push(url);
      return route.abort('blockedbyclient');
    });
    return {
      context,
      blocked,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (cause) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`cannot start Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`, { cause });
  }
}
