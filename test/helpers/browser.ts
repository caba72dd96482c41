import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * Debian's Chromium (apt package `chromium`). Tests never download a browser
 * (`npx playwright install` is not used); CI installs this package instead.
 */
export const CHROMIUM_PATH = process.env.MODELGATE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a quiet, offline, headless run: no GPU in containers, no sandbox (tests often run
 * as root, where Chromium refuses its sandbox), and none of the background traffic Chromium
 * makes by itself (component updates, sync, QUIC probes), so a test that counts requests
 * counts only the page's.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A running Chromium with a profile of its own; `close()` stops it and deletes the profile. */
export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Options for {@link launchChromium}. */
export interface LaunchOptions {
  /** Viewport size; default 1280×900. */
  viewport?: { width: number; height: number };
  /** Device scale factor, for sharper screenshots; default 1. */
  deviceScaleFactor?: number;
  /** Colour scheme the page sees; default light. */
  colorScheme?: 'light' | 'dark';
}

/** How every test browser is started: Debian's Chromium, headless, with the test's viewport and colours. */
export function contextOptions(options: LaunchOptions): Parameters<typeof chromium.launchPersistentContext>[1] {
  return {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    colorScheme: options.colorScheme ?? 'light',
  };
}

/**
 * Starts Debian's Chromium headless with a fresh temporary user-data-dir, driven by
 * playwright-core. Throws with a clear message when the browser is not installed.
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'modelgate-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { ...contextOptions(options), offline: true });
  } catch (cause) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`cannot start Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`, { cause });
  }
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
