import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { cannotWrite } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { ALL_RULES } from '../app/index.js';
import { renderReport } from '../report/index.js';
import { intOption, readModel, sampleFormat, writeOut } from '../app/screen/cli-options.js';
import { readLabels, readSamples } from '../app/screen/input-files.js';
import type { FloatValue } from '../app/screen/interpreter/tensor.js';
import { neuralCleanseFinding, triggerPngs } from '../app/screen/report.js';
import { confirmWithStrip, DEFAULT_SCREEN_OPTIONS, neuralCleanse, prepare, type ScreenOptions } from '../app/screen/screen.js';
import { notRunReason, screenReport, staticScan } from '../app/screen/static-scan.js';
import { DEFAULT_STRIP_OPTIONS } from '../app/screen/strip.js';
import { scanExitCode } from './exit-codes.js';
import { screenFormat } from './output.js';

const HELP = `
Neural Cleanse (Wang et al. 2019) for an ONNX image classifier: for every label, the smallest
trigger (mask and pattern) that turns clean samples of the other labels into it is
reverse-engineered by gradient descent through modelgate's own interpreter of the graph; a
label whose mask L1 norm is a small-side outlier (MAD anomaly index > 2) is a suspected
backdoor target (backdoor/neural-cleanse, high), confirmed or not by STRIP on clean samples
stamped with the recovered trigger. No outlier gives an info finding with every norm: evidence,
not proof, of a clean model. Same --seed, same result.

Samples: .npy [N,H,W] or [N,C,H,W] (uint8 scaled by 1/255, floats as they are), or raw uint8
with --shape. Labels: raw uint8, one per sample, or an integer .npy.

The model file is scanned statically first, and those findings are in the same report after
the screening finding. A model the static scan finds malicious, or cannot read to its end, is
not run: the report gives the static findings alone.

Exit codes: 0 no suspected target and no static finding of medium or higher; 1 a suspected
target, or a static finding of medium or higher; 2 usage error, unreadable input, or a model
that cannot be screened (unsupported op, not a classifier, samples that do not fit, a file the
static scan cannot read to its end).`;

interface ScreenOpts {
  samples: string;
  labels: string;
  shape?: string;
  scale?: string;
  maxSamples?: string;
  steps?: string;
  seed?: string;
  workers?: string;
  outDir?: string;
  format: 'json' | 'text' | 'html';
  output?: string;
  strip: boolean;
}

/** `modelgate screen MODEL.onnx --samples FILE --labels FILE` */
export function screenCommand(): Command {
  return new Command('screen')
    .description('screen an ONNX image classifier for backdoors (Neural Cleanse)')
    .argument('<model>', 'an ONNX image classifier')
    .requiredOption('--samples <file>', 'clean sample images (.npy, or raw uint8 with --shape)')
    .requiredOption('--labels <file>', 'their labels (raw uint8 or .npy)')
    .option('--shape <dims>', 'one raw image: C,H,W or H,W (e.g. 1,28,28)')
    .option('--scale <factor>', 'multiply pixel values by this (default 1/255 for integers, 1 for floats)')
    .option('--max-samples <n>', `samples used at most (default ${DEFAULT_SCREEN_OPTIONS.maxSamples})`)
    .option('--steps <n>', `optimisation steps per label at most (default ${DEFAULT_SCREEN_OPTIONS.steps})`)
    .option('--seed <n>', 'seed of every random choice (default 1)')
    .option('--workers <n>', `threads the labels are spread over (default ${DEFAULT_SCREEN_OPTIONS.workers}; the result does not depend on it)`)
    .option('--out-dir <dir>', 'write the suspected trigger (mask, pattern) there as PNGs')
    .option('--no-strip', 'skip the STRIP confirmation of a suspected trigger')
    .addOption(new Option('-f, --format <format>', "report format (default: -o's extension: .json, .html, .txt; else text)").choices(['json', 'text', 'html']))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addHelpText('after', HELP)
    .action(async (modelPath: string, opts: ScreenOpts) => {
      const started = performance.now();
      opts.format = screenFormat(opts.format, opts.output);
      const options = {
        ...DEFAULT_SCREEN_OPTIONS,
        maxSamples: intOption('--max-samples', opts.maxSamples, DEFAULT_SCREEN_OPTIONS.maxSamples, 2),
        steps: intOption('--steps', opts.steps, DEFAULT_SCREEN_OPTIONS.steps, 10),
        seed: intOption('--seed', opts.seed, DEFAULT_SCREEN_OPTIONS.seed),
        workers: intOption('--workers', opts.workers, DEFAULT_SCREEN_OPTIONS.workers, 1),
      };
      const modelBytes = readModel(modelPath);
      const images = readSamples(opts.samples, sampleFormat(opts.shape, opts.scale));
      const labels = readLabels(opts.labels);
      const scanned = await staticScan(modelPath);
      const notRun = notRunReason(scanned);
      if (notRun) process.stderr.write(`modelgate screen: not screened: ${notRun}\n`);
      const findings = notRun ? [] : [await screenFinding(scanned.files[0]?.path ?? modelPath, modelBytes, images, labels, options, opts)];
      const report = screenReport(scanned, modelBytes, findings, performance.now() - started);
      const text = renderReport(opts.format, report, ALL_RULES, { color: false, verbose: true });
      if (opts.output) writeOut(opts.output, text);
      else process.stdout.write(text);
      process.exitCode = scanExitCode(report, 'medium');
    });
}

/** Runs Neural Cleanse (and STRIP on a suspected trigger), writes the trigger PNGs, and gives the finding. */
async function screenFinding(
  target: string,
  modelBytes: Buffer,
  images: FloatValue,
  labels: number[],
  options: ScreenOptions,
  opts: ScreenOpts,
): Promise<Finding> {
  const prepared = prepare(modelBytes, images, labels, options.maxSamples, options.seed);
  const result = await neuralCleanse(prepared, options, (t) => {
    if (process.stderr.isTTY) process.stderr.write(`modelgate screen: label ${t.label}: mask norm ${t.norm.toFixed(1)} (${t.steps} steps)\n`);
  });
  const extra: Record<string, unknown> = {};
  if (result.suspected && opts.strip) extra.strip = confirmWithStrip(prepared, result, { ...DEFAULT_STRIP_OPTIONS, seed: options.seed });
  const pngs = result.suspected ? triggerPngs(result, result.suspected.label) : [];
  if (opts.outDir && pngs.length > 0) {
    try {
      mkdirSync(opts.outDir, { recursive: true });
    } catch (e) {
      throw cannotWrite(opts.outDir, e);
    }
    for (const p of pngs) writeOut(join(opts.outDir, p.name), p.png);
    extra.triggerFiles = pngs.map((p) => join(opts.outDir as string, p.name));
  }
  // Images go into the HTML page only (as data: URIs); JSON keeps the file names.
  if (opts.format === 'html') extra.images = pngs.map((p) => ({ caption: p.caption, src: `data:image/png;base64,${p.png.toString('base64')}` }));
  return neuralCleanseFinding(target, result, extra);
}
