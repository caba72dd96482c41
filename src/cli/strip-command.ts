import { Command, Option } from 'commander';
import { ModelgateError } from '../core/errors.js';
import { ALL_RULES } from '../app/index.js';
import { renderReport } from '../report/index.js';
import { intOption, numberOption, readModel, sampleFormat, writeOut } from '../app/screen/cli-options.js';
import { readLabels, readSamples } from '../app/screen/input-files.js';
import { loadGraph } from '../app/screen/interpreter/graph.js';
import { compileProgram } from '../app/screen/interpreter/program.js';
import { stripFinding } from '../app/screen/report.js';
import { notRunReason, screenReport, staticScan } from '../app/screen/static-scan.js';
import { DEFAULT_STRIP_OPTIONS, strip } from '../app/screen/strip.js';
import { scanExitCode } from './exit-codes.js';
import { screenFormat } from './output.js';

const HELP = `
STRIP (Gao et al. 2019) screens inputs at run time: each input is superimposed on random clean
images and the entropy of the predictions is measured; a trojaned input keeps its target
prediction whatever it is blended with. The threshold is set on the clean samples at --frr
(default 1%). Every input below it is reported (backdoor/strip, high); with --input-labels
(1 trojaned, 0 clean, one per input) the measured FRR and FAR are reported too.

Samples and inputs: .npy [N,H,W] or [N,C,H,W], or raw uint8 with --shape.

The model file is scanned statically first, and those findings are in the same report after
the STRIP finding. A model the static scan finds malicious, or cannot read to its end, is not
run: the report gives the static findings alone.

Exit codes: 0 no input looks trojaned and no static finding of medium or higher; 1 some input
does, or a static finding of medium or higher; 2 usage error, unreadable input, or a model that
cannot be run (unsupported op, not a classifier, a file the static scan cannot read to its end).`;

interface StripOpts {
  samples: string;
  inputs: string;
  inputLabels?: string;
  shape?: string;
  scale?: string;
  overlays?: string;
  frr?: string;
  seed?: string;
  format: 'json' | 'text' | 'html';
  output?: string;
}

/** `modelgate strip MODEL.onnx --samples CLEAN --inputs FILE [--input-labels FILE]` */
export function stripCommand(): Command {
  return new Command('strip')
    .description('screen inputs of an ONNX image classifier for backdoor triggers (STRIP)')
    .argument('<model>', 'an ONNX image classifier')
    .requiredOption('--samples <file>', 'clean images to blend with and to set the threshold on')
    .requiredOption('--inputs <file>', 'the inputs to screen')
    .option('--input-labels <file>', 'ground truth per input: 1 trojaned, 0 clean (gives FRR and FAR)')
    .option('--shape <dims>', 'one raw image: C,H,W or H,W (e.g. 1,28,28)')
    .option('--scale <factor>', 'multiply pixel values by this (default 1/255 for integers, 1 for floats)')
    .option('--overlays <n>', `clean images blended with each input (default ${DEFAULT_STRIP_OPTIONS.overlays})`)
    .option('--frr <rate>', `false-rejection rate of the threshold on clean images (default ${DEFAULT_STRIP_OPTIONS.frr})`)
    .option('--seed <n>', 'seed of every random choice (default 1)')
    .addOption(new Option('-f, --format <format>', "report format (default: -o's extension: .json, .html, .txt; else text)").choices(['json', 'text', 'html']))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addHelpText('after', HELP)
    .action(async (modelPath: string, opts: StripOpts) => {
      const started = performance.now();
      opts.format = screenFormat(opts.format, opts.output);
      const options = {
        ...DEFAULT_STRIP_OPTIONS,
        overlays: intOption('--overlays', opts.overlays, DEFAULT_STRIP_OPTIONS.overlays, 1),
        frr: numberOption('--frr', opts.frr, DEFAULT_STRIP_OPTIONS.frr, 0.5) as number,
        seed: intOption('--seed', opts.seed, DEFAULT_STRIP_OPTIONS.seed),
      };
      const modelBytes = readModel(modelPath);
      const format = sampleFormat(opts.shape, opts.scale);
      const clean = readSamples(opts.samples, format);
      const inputs = readSamples(opts.inputs, format);
      const labels = opts.inputLabels === undefined ? undefined : readLabels(opts.inputLabels);
      if (labels && labels.length !== inputs.shape[0]) throw new ModelgateError('USAGE', `${inputs.shape[0]} inputs but ${labels.length} input labels`);
      const scanned = await staticScan(modelPath);
      const notRun = notRunReason(scanned);
      if (notRun) process.stderr.write(`modelgate strip: not run: ${notRun}\n`);
      const findings = [];
      if (!notRun) {
        const result = strip(compileProgram(loadGraph(modelBytes)), clean, inputs, options, labels);
        findings.push(stripFinding(opts.inputs, result, options, inputs.shape[0] ?? 0));
      }
      const report = screenReport(scanned, modelBytes, findings, performance.now() - started);
      const text = renderReport(opts.format, report, ALL_RULES, { color: false, verbose: true });
      if (opts.output) writeOut(opts.output, text);
      else process.stdout.write(text);
      process.exitCode = scanExitCode(report, 'medium');
    });
}
