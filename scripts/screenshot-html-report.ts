/**
 * Regenerates docs/img/html-report.png, the README's picture of `--format html`: a real scan
 * of a folder with a malicious pickle, a clean and a broken safetensors file, rendered and
 * photographed full page in Debian's Chromium (no network; see test/helpers/browser.ts).
 *
 *   npx tsx scripts/screenshot-html-report.ts [OUTPUT.png] [--width N] [--dark]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ALL_RULES } from '../src/detectors/index.js';
import { renderHtml } from '../src/report/html.js';
import { launchChromium } from '../test/helpers/browser.js';
import { exampleScan } from '../test/report/html-example.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv: string[]): { output: string; width: number; dark: boolean } {
  let output = join(ROOT, 'docs/img/html-report.png');
  let width = 1100;
  let dark = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--width') width = Number(argv[++i]);
    else if (arg === '--dark') dark = true;
    else output = resolve(arg);
  }
  if (!Number.isInteger(width) || width < 200) throw new Error('--width needs a whole number of pixels, 200 or more');
  return { output, width, dark };
}

async function main(): Promise<void> {
  const { output, width, dark } = parseArgs(process.argv.slice(2));
  const result = await exampleScan();
  // A fixed duration keeps the picture the same from run to run.
  result.summary.durationMs = 38;
  const dir = mkdtempSync(join(tmpdir(), 'modelgate-screenshot-'));
  const browser = await launchChromium({ viewport: { width, height: 800 }, deviceScaleFactor: 1, colorScheme: dark ? 'dark' : 'light' });
  try {
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(result, ALL_RULES));
    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(file).href);
    // Open the clean files too, so the picture shows every part of the page.
    await page.locator('.clean-files > summary').click();
    mkdirSync(dirname(output), { recursive: true });
    await page.screenshot({ path: output, fullPage: true });
    process.stdout.write(`wrote ${output}\n`);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
