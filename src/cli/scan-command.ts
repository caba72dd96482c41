import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ModelgateError } from '../core/errors.js';
import type { Limits } from '../core/limits.js';
import { isSeverity, SEVERITIES, type Severity } from '../core/severity.js';
import { ALL_RULES } from '../app/index.js';
import { isHubTarget, runScan } from '../app/index.js';
import { loadPolicy } from '../app/policy/index.js';
import { HubProgress, LocalProgress } from './progress.js';
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
  ['--max-symbolic-bytes <n>', 'maxSymbolicBytes', 'estimated bytes of the values one pickle stream builds'],
];

const HELP_AFTER = `
Targets: files and folders, or one Hugging Face repo: hf:ORG/NAME[@REVISION], hf://ORG/NAME,
or https://huggingface.co/ORG/NAME[/tree/REVISION]. A repo is resolved to a commit first; large
files are read by HTTP range requests where their format allows, unless --full downloads every
file and verifies it against the Hub's hashes. HF_ENDPOINT, HF_TOKEN (or HUGGING_FACE_HUB_TOKEN),
HF_HUB_OFFLINE and HF_HOME are honoured; downloads are cached in $HF_HOME/modelgate.

Policy: --policy FILE, else MODELGATE_POLICY, else ~/.config/modelgate/policy.yaml, never a
file of the scanned target. The report gets decision: {allow, reasons}; a deny exits 1.

Output: --format json is the modelgate/report@1 contract; sarif is SARIF 2.1.0; text is for people;
html is one self-contained page for people.

Verdicts: malicious (a high or critical finding), suspicious (medium), error (the file
was not fully read: malformed, truncated, encrypted, unsupported or over a limit), clean.

Exit codes:
  0  no finding at or above --fail-on, and no file with verdict error
  1  a finding at or above --fail-on, or a policy decision of deny (wins over 2)
  2  usage error, unreadable target, or a file with verdict error`;

/** `modelgate scan TARGET...` */
export function scanCommand(): Command {
  const cmd = new Command('scan')
    .description('scan model files and directories statically, never executing them')
    .argument('<targets...>', 'files or directories, or one hf:ORG/NAME[@REVISION]')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...REPORT_FORMATS]).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices([...SEVERITIES]).default('medium'))
    .option('--no-hash', 'skip the whole-file SHA-256')
    .option('--full', 'hf: download every file whole and verify it against the Hub hashes')
    .option('--policy <file>', 'judge the result against this policy (YAML)')
    .option('--lock <file>', 'lock file for a policy that requires a lock match (default ./modelgate.lock)')
    .option('--signature <file>', 'signature for a policy that requires one (default model.sig at the target root)')
    .option('--public-key <pem...>', 'public keys to verify that signature with')
    .option('--certificate-chain <pem...>', 'root certificates to verify that signature with')
    .option('--trusted-root <file>', 'Sigstore trusted root for a keyless signature (default: the public-good root)')
    .option('--workers <n>', 'scan threads (default: one per core; 0 scans in the main thread)')
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
    let workers: number | undefined;
    if (opts.workers !== undefined) {
      workers = Number(opts.workers);
      if (!Number.isSafeInteger(workers) || workers < 0) throw new ModelgateError('USAGE', '--workers needs a whole number, 0 or more');
    }
    const failOn = String(opts.failOn);
    if (!isSeverity(failOn)) throw new ModelgateError('USAGE', `unknown severity ${failOn}`);
    const format = opts.format as ReportFormat;
    const hub = targets.some(isHubTarget);
    if (hub && targets.length > 1) throw new ModelgateError('USAGE', 'a Hugging Face repo is scanned on its own: give one hf: target');
    if (opts.full && !hub) throw new ModelgateError('USAGE', '--full is for hf: targets (local files are always read whole)');
    // Read before scanning: a policy that does not load stops the command before any work.
    const policy = loadPolicy({ file: opts.policy as string | undefined });
    for (const warning of policy?.warnings ?? []) process.stderr.write(`modelgate: policy: ${warning}\n`);
    const showProgress = !opts.quiet && process.stderr.isTTY === true;
    const progress = showProgress ? (hub ? new HubProgress() : new LocalProgress()) : undefined;
    const result = await runScan({
      targets,
      limits,
      hash: opts.hash !== false,
      full: opts.full === true,
      workers,
      onListing: (n) => progress?.listing(n),
      onProgress: (done, file) => progress?.file(done, file),
      onDownload: (file, bytes, total) => progress?.download(file, bytes, total),
      policy,
      gate: {
        lockPath: opts.lock as string | undefined,
        signaturePath: opts.signature as string | undefined,
        publicKeys: opts.publicKey as string[] | undefined,
        certificateChain: opts.certificateChain as string[] | undefined,
        trustedRoot: opts.trustedRoot as string | undefined,
      },
    }).finally(() => progress?.stop());
    const color = format === 'text' && opts.color !== false && !opts.output && process.stdout.isTTY === true;
    const text = renderReport(format, result, ALL_RULES, { color, verbose: opts.verbose === true });
    if (opts.output) writeFileSync(String(opts.output), text);
    else process.stdout.write(text);
    process.exitCode = result.decision && !result.decision.allow ? EXIT.FINDINGS : scanExitCode(result, failOn as Severity);
  });
  return cmd;
}

export { EXIT };
