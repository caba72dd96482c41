import { writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import { ModelgateError } from '../core/errors.js';
import type { Limits } from '../core/limits.js';
import { isSeverity, SEVERITIES, type Severity } from '../core/severity.js';
import { ALL_RULES } from '../detectors/index.js';
import { countEntries, scan } from '../engine/scan.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../report/index.js';
import { EXIT, scanExitCode } from './exit-codes.js';

/** Limits settable from the command line: flag name → Limits key. */
const LIMIT_FLAGS: Array<[string, keyof Limits, string]> = [
  ['--max-member-bytes <n>', 'maxMemberBytes', 'bytes of one member held in memory'],
  ['--max-decompressed-bytes <n>', 'maxDecompressedBytes', 'bytes decompressed per file'],
  ['--max-ratio <n>', 'maxCompressionRatio', 'decompression ratio'],
  ['--max-depth <n>', 'maxNestingDepth', 'archive nesting depth'],
  ['--max-opcodes <n>', 'maxOpcodes', 'opcodes per pickle stream'],
  ['--max-memo <n>', 'maxMemoEntries', 'memo entries per pickle stream'],
  ['--max-string-bytes <n>', 'maxStringBytes', 'bytes of one pickle operand kept'],
];

const HELP_AFTER = `
Output: --format json is the modelgate/report@1 contract; sarif is SARIF 2.1.0; text is for people.

Verdicts: malicious (a high or critical finding), suspicious (medium), error (the file
was not fully read: malformed, truncated, encrypted, unsupported or over a limit), clean.

Exit codes:
  0  no finding at or above --fail-on, and no file with verdict error
  1  a finding at or above --fail-on (wins over 2)
  2  usage error, unreadable target, or a file with verdict error`;

/** `modelgate scan TARGET...` */
export function scanCommand(): Command {
  const cmd = new Command('scan')
    .description('scan model files and directories statically, never executing them')
    .argument('<targets...>', 'files or directories')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...REPORT_FORMATS]).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices([...SEVERITIES]).default('medium'))
    .option('--no-hash', 'skip the whole-file SHA-256')
    .option('-q, --quiet', 'no progress bar')
    .option('--no-color', 'no colours in text output')
    .option('-v, --verbose', 'text output lists clean files too');
  for (const [flag, , what] of LIMIT_FLAGS) cmd.option(flag, `limit: ${what}`);
  cmd.addHelpText('after', HELP_AFTER);
  cmd.action(async (targets: string[], opts: Record<string, unknown>) => {
    const limits: Partial<Limits> = {};
    for (const [flag, key] of LIMIT_FLAGS) {
      const name = flag.slice(2, flag.indexOf(' ')).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      const raw = opts[name];
      if (raw === undefined) continue;
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || n <= 0) throw new ModelgateError('USAGE', `${flag.split(' ')[0]} needs a positive integer`);
      limits[key] = n;
    }
    const failOn = String(opts.failOn);
    if (!isSeverity(failOn)) throw new ModelgateError('USAGE', `unknown severity ${failOn}`);
    const format = opts.format as ReportFormat;
    const showProgress = !opts.quiet && process.stderr.isTTY === true;
    let bar: cliProgress.SingleBar | undefined;
    if (showProgress) {
      bar = new cliProgress.SingleBar({ format: 'scanning [{bar}] {value}/{total} {file}', stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic);
      bar.start(countEntries(targets), 0, { file: '' });
    }
    const result = await scan(targets, {
      limits,
      hash: opts.hash !== false,
      onProgress: bar ? (done, file) => bar?.update(done, { file: file.slice(-40) }) : undefined,
    }).finally(() => bar?.stop());
    const color = format === 'text' && opts.color !== false && !opts.output && process.stdout.isTTY === true;
    const text = renderReport(format, result, ALL_RULES, { color, verbose: opts.verbose === true });
    if (opts.output) writeFileSync(String(opts.output), text);
    else process.stdout.write(text);
    process.exitCode = scanExitCode(result, failOn as Severity);
  });
  return cmd;
}

export { EXIT };
