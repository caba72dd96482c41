import { Command, Option } from 'commander';
import { ModelgateError } from '../core/errors.js';
import { PathGlob } from '../core/glob.js';
import type { Limits } from '../core/limits.js';
import { isSeverity, SEVERITIES, type Severity } from '../core/severity.js';
import type { ScanOutcome } from '../app/index.js';
import { describeHfCache, isHubTarget, policyPresent, selectHfCache, sweepPrivateTemps } from '../app/pre-scan.js';
import type { LoadedPolicy } from '../app/policy/index.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js';
import type { renderReport } from '../report/index.js';
import { EXIT, scanExitCode } from './exit-codes.js';
import { applySettings, CONFIG_FILE } from './settings.js';
import { checkOutput, colorFor, parseSize, reportFormat, summaryLine, writeReportFile } from './output.js';
import { runSandboxedScan, sandboxAvailable, SandboxExit } from './sandbox.js';

/**
 * Limits settable from the command line: flag, Limits key, what it limits, and whether it is a
 * size (which takes units: parseSize in output.ts) or a count (a positive whole number).
 */
const LIMIT_FLAGS: Array<[string, keyof Limits, string, 'size' | 'count']> = [
  ['--max-member-bytes <size>', 'maxMemberBytes', 'bytes of one member held in memory', 'size'],
  ['--max-decompressed-bytes <size>', 'maxDecompressedBytes', 'bytes decompressed per file', 'size'],
  ['--max-ratio <n>', 'maxCompressionRatio', 'decompression ratio', 'count'],
  ['--max-depth <n>', 'maxNestingDepth', 'archive nesting depth', 'count'],
  ['--max-opcodes <n>', 'maxOpcodes', 'opcodes per pickle stream', 'count'],
  ['--max-memo <n>', 'maxMemoEntries', 'memo entries per pickle stream', 'count'],
  ['--max-string-bytes <size>', 'maxStringBytes', 'bytes of one pickle operand kept', 'size'],
  ['--max-symbolic-bytes <size>', 'maxSymbolicBytes', 'estimated bytes of the values one pickle stream builds', 'size'],
];

/** The option name commander gives a flag (`--max-member-bytes <size>` → maxMemberBytes). */
function optionName(flag: string): string {
  return flag.slice(2, flag.indexOf(' ')).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The limits given on the command line, checked: sizes with units, counts as whole numbers. */
function limitsOf(opts: Record<string, unknown>): Partial<Limits> {
  const limits: Partial<Limits> = {};
  for (const [flag, key, , kind] of LIMIT_FLAGS) {
    const raw = opts[optionName(flag)];
    if (raw === undefined) continue;
    const name = flag.split(' ')[0]!;
    if (kind === 'size') {
      const bytes = parseSize(String(raw));
      if (bytes === undefined) {
        throw new ModelgateError('USAGE', `${name} ${String(raw)}: not a size (bytes, or a number with a unit: 512MB, 2GiB, 1.5G; see --help)`);
      }
      limits[key] = bytes;
    } else {
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || n <= 0) throw new ModelgateError('USAGE', `${name} needs a positive integer`);
      limits[key] = n;
    }
  }
  return limits;
}

const HELP_AFTER = `
Targets: files and folders, or one Hugging Face repo: hf:ORG/NAME[@REVISION], hf://ORG/NAME,
or https://huggingface.co/ORG/NAME[/tree/REVISION]. A repo is resolved to a commit first; large
files are read by HTTP range requests where their format allows, unless --full downloads every
file and verifies it against the Hub's hashes. HF_ENDPOINT, HF_TOKEN (or HUGGING_FACE_HUB_TOKEN),
HF_HUB_OFFLINE and HF_HOME are honoured; downloads are cached in $HF_HOME/modelgate.

Hugging Face cache: a folder of huggingface_hub's cache (models--ORG--NAME, or one of its
snapshots/COMMIT) is scanned as the repo it is: a snapshot's links into the same entry's blobs/
are followed and each file is reported under its repo path, with its repo, commit and refs
(hfCache in the JSON report); a link that leads anywhere else is flagged and not followed.
--hf-cache scans the local cache (HF_HUB_CACHE, else HF_HOME/hub, else
$XDG_CACHE_HOME/huggingface/hub or ~/.cache/huggingface/hub), all of it or one repo
(ORG/NAME[@REVISION]), and lists on standard error the revisions it holds.
A link named as a target is followed, wherever it leads: you asked for it.

Policy: --policy FILE, else MODELGATE_POLICY, else ~/.config/modelgate/policy.yaml, never a
file of the scanned target. The report gets decision: {allow, reasons}; a deny exits 1.

Output: --format json is the modelgate/report@1 contract; sarif is SARIF 2.1.0 for GitHub code
scanning (URIs relative to --sarif-root, info findings only with --sarif-include-info); text is
for people; html is one self-contained page for people.

Verdicts: malicious (a high or critical finding), suspicious (medium), error (the file
was not fully read: malformed, truncated, encrypted, unsupported or over a limit), clean.

Sandbox: local targets are scanned in a child process under Node's permission model, which
may read only the targets and modelgate's own installation, write only its private temporary
folder, and start no process and load no native addon (--no-sandbox scans in this process).
A Hugging Face repo needs the network and the cache, so it is scanned in this process; --sandbox
with an hf: target is refused.

Exit codes:
  0  no finding at or above --fail-on, and no file with verdict error
  1  a finding at or above --fail-on, or a policy decision of deny (wins over 2)
  2  usage error, unreadable target or report file, or a file with verdict error
  3  internal error: the scan could not run (a crash, or a permission the sandbox refused)
With --exit-zero (report only), findings and a policy's deny exit 0; 2 and 3 stay.

Sizes (--max-*-bytes) are bytes, or a number with a unit: K, M, G, T and KiB, MiB, GiB, TiB are
binary (1024, 1024², ...), KB, MB, GB, TB decimal (1000, 1000², ...); case does not matter;
512MB, 2GiB, 1.5G. Anything else is refused (exit 2).

Excludes: --exclude GLOB (repeatable) leaves out of the scan every file of a folder target
whose report path (relative to that folder) matches it, as .gitignore reads globs:
* and ? within a name, ** for any folders, [abc] classes; a glob without a leading / matches at
any depth (*.bin, cache/), and a matched folder leaves out all below it. A file named as a
target is always scanned. The report lists excluded files under "excluded" (never clean).

Colour: text on a terminal is coloured unless --no-color, or NO_COLOR is set (not empty);
FORCE_COLOR (not 0 or false) colours standard output even when it is not a terminal. A report
file is never coloured.

Settings: every long option above can also be set by an environment variable MODELGATE_NAME
(MODELGATE_FAIL_ON=high, MODELGATE_EXIT_ZERO=1, MODELGATE_EXCLUDE='*.md,runs/**': lists are
comma-separated) or in a config file, .modelgate.yaml in the current folder or --config FILE
(or MODELGATE_CONFIG), by its name without -- (fail-on: high, exclude: ['*.md'], hash: false,
exit-zero: true; a --no-X flag is X: false). Precedence: the command line, then the
environment, then the config file, then the defaults. An unknown key in the file is refused.
MODELGATE_POLICY keeps its own rule (see Policy): when set, it wins over the file's policy.

Examples:
  modelgate scan model.safetensors
  modelgate scan models/ --exclude '*.md' --exclude 'runs/**' -o report.sarif
  modelgate scan hf:openai-community/gpt2 -f json | jq .summary
  modelgate scan models/ --exit-zero -o report.html     # report only: never fails on findings`;

/**
 * Whether a scan of local targets is sandboxed when neither --sandbox nor --no-sandbox is given.
 * It costs a second Node start-up per run (README "The sandbox"), and needs native addons to be
 * loaded only when a file needs one (the LZMA decoder is imported on first use).
 */
const SANDBOX_BY_DEFAULT = true;

/**
 * Local targets are scanned in the sandbox unless --no-sandbox says otherwise, or the CLI runs
 * from its sources (tsx), whose child could not load. A Hub repo needs the network and the
 * cache: it is scanned in this process, and an explicit --sandbox for one is refused.
 */
function useSandbox(flag: boolean | undefined, hub: boolean): boolean {
  if (flag === false) return false;
  if (flag === true && hub) {
    throw new ModelgateError(
      'USAGE',
      '--sandbox scans local targets only: a Hugging Face repo needs the network and a cache; pass --no-sandbox, or scan a local copy',
    );
  }
  if (flag === true && !sandboxAvailable()) throw new ModelgateError('USAGE', '--sandbox needs the built CLI (dist/main.js), not the TypeScript sources');
  return (flag === true || SANDBOX_BY_DEFAULT) && !hub && sandboxAvailable();
}

/**
 * The scan command's own options that the sandboxed child needs: limits (in bytes, as parsed
 * here), hashing, excludes, workers, quiet. Output options (format, -o, colour, exit code) stay here.
 */
function childArgs(opts: Record<string, unknown>, limits: Partial<Limits>, exclude: readonly string[]): string[] {
  const args: string[] = [];
  for (const [flag, key] of LIMIT_FLAGS) {
    if (limits[key] !== undefined) args.push(flag.split(' ')[0]!, String(limits[key]));
  }
  for (const glob of exclude) args.push('--exclude', glob);
  if (opts.hash === false) args.push('--no-hash');
  if (opts.workers !== undefined) args.push('--workers', String(opts.workers));
  if (opts.quiet) args.push('--quiet');
  return args;
}

/** The progress bar's hooks for runScan (none unless standard error is a terminal), and its stop. */
async function progressHooks(opts: Record<string, unknown>, hub: boolean) {
  const show = !opts.quiet && process.stderr.isTTY === true;
  const bars = show ? await import('./progress.js') : undefined;
  const progress = bars && (hub ? new bars.HubProgress() : new bars.LocalProgress());
  return {
    onListing: (n: number) => progress?.listing(n),
    onProgress: (done: number, file: string) => progress?.file(done, file),
    onDownload: (file: string, bytes: number, total: number) => progress?.download(file, bytes, total),
    stop: () => progress?.stop(),
  };
}

/**
 * The policy to judge by, when there is one: its YAML parser and schema load only then, as does
 * everything else a scan in this process needs, so that a sandboxed scan's parent stays small
 * (issue 16: start-up).
 */
async function policyOf(file: string | undefined): Promise<LoadedPolicy | undefined> {
  return policyPresent({ file }) ? (await import('../app/policy/index.js')).loadPolicy({ file }) : undefined;
}

/** The rules' metadata for the reports that describe them (SARIF, HTML); the others need none. */
async function rulesFor(format: ReportFormat): Promise<Parameters<typeof renderReport>[2]> {
  return format === 'sarif' || format === 'html' ? (await import('../app/rules.js')).ALL_RULES : [];
}

/** The report renderer and the rules it describes; a failure to load waits for the caller, who awaits it. */
function loadRenderer(format: ReportFormat) {
  const loading = Promise.all([import('../report/index.js'), rulesFor(format)]);
  loading.catch(() => undefined);
  return loading;
}

/** `modelgate scan TARGET...` */
export function scanCommand(): Command {
  const cmd = new Command('scan')
    .description('scan model files and directories statically, never executing them')
    .argument('[targets...]', 'files or directories, or one hf:ORG/NAME[@REVISION]')
    .addOption(
      new Option('-f, --format <format>', "output format (default: -o's extension: .json, .sarif, .html, .txt; else text)").choices([...REPORT_FORMATS]),
    )
    .option('-o, --output <file>', 'write the report to a file instead of standard output (and a summary line to standard error)')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices([...SEVERITIES]).default('medium'))
    .option('--exit-zero', 'report only: findings and a policy deny exit 0 (errors still exit 2, internal errors 3)')
    .option(
      '--exclude <glob>',
      'leave out files of folder targets whose path matches (repeatable; see Excludes below)',
      (g: string, all: string[]) => [...all, g],
      [] as string[],
    )
    .option('--no-hash', 'skip the whole-file SHA-256')
    .option('--full', 'hf: download every file whole and verify it against the Hub hashes')
    .option('--hf-cache [repo]', 'scan the local Hugging Face cache, or one repo of it (ORG/NAME[@REVISION])')
    .option('--policy <file>', 'judge the result against this policy (YAML)')
    .option('--lock <file>', 'lock file for a policy that requires a lock match (default ./modelgate.lock)')
    .option('--signature <file>', 'signature for a policy that requires one (default model.sig at the target root)')
    .option('--public-key <pem...>', 'public keys to verify that signature with')
    .option('--certificate-chain <pem...>', 'root certificates to verify that signature with')
    .option('--trusted-root <file>', 'Sigstore trusted root for a keyless signature (default: the public-good root)')
    .option('--workers <n>', 'scan threads (default: one per core, none for a few small files; 0 scans in the main thread)')
    .option('--sandbox', "scan local targets in a child process under Node's permission model (the default)")
    .option('--no-sandbox', 'scan in this process')
    .addOption(new Option('--sandbox-child', 'the sandboxed child: print the ScanResult as JSON').hideHelp())
    .option('-q, --quiet', 'no progress bar')
    .option('--no-color', 'no colours in text output')
    .option('-v, --verbose', 'text output lists clean files too')
    .option('--sarif-root <dir>', 'sarif: folder that artifact URIs are relative to (default: the git work tree, else the current folder)')
    .option('--sarif-include-info', 'sarif: keep info findings as results (left out by default)')
    .option('--config <file>', `settings file (default: ./${CONFIG_FILE} when there is one; see Settings below)`);
  for (const [flag, , what, kind] of LIMIT_FLAGS) cmd.option(flag, `limit: ${what}${kind === 'size' ? ' (units: 512MB, 2GiB)' : ''}`);
  cmd.addHelpText('after', HELP_AFTER);
  cmd.action(async (targets: string[], opts: Record<string, unknown>) => {
    // The sandboxed child is given every setting on its command line, and may read no other file.
    const applied = opts.sandboxChild ? undefined : await applySettings(cmd, opts, { lists: ['exclude'] });
    if (opts.hfCache !== undefined && !opts.sandboxChild) {
      if (targets.length > 0) throw new ModelgateError('USAGE', '--hf-cache scans the local Hugging Face cache: give no other target');
      const selection = selectHfCache(opts.hfCache === true ? undefined : String(opts.hfCache));
      if (!opts.quiet) process.stderr.write(`${describeHfCache(selection).join('\n')}\n`);
      targets = selection.targets;
    }
    if (targets.length === 0) throw new ModelgateError('USAGE', 'give a file, a folder or an hf: repo to scan, or --hf-cache');
    const limits = limitsOf(opts);
    const exclude = (opts.exclude as string[] | undefined) ?? [];
    for (const glob of exclude) {
      try {
        new PathGlob(glob);
      } catch (e) {
        throw new ModelgateError('USAGE', `--exclude: ${(e as Error).message}`);
      }
    }
    let workers: number | undefined;
    if (opts.workers !== undefined) {
      workers = Number(opts.workers);
      if (!Number.isSafeInteger(workers) || workers < 0) throw new ModelgateError('USAGE', '--workers needs a whole number, 0 or more');
    }
    const failOn = String(opts.failOn);
    if (!isSeverity(failOn)) throw new ModelgateError('USAGE', `unknown severity ${failOn}`);
    const format = reportFormat(opts.format, opts.output);
    const output = opts.output as string | undefined;
    const hub = targets.some(isHubTarget);
    if (hub && exclude.length > 0) throw new ModelgateError('USAGE', '--exclude is for local targets: a Hugging Face repo is scanned whole');
    if (hub && targets.length > 1) throw new ModelgateError('USAGE', 'a Hugging Face repo is scanned on its own: give one hf: target');
    if (opts.full && !hub) throw new ModelgateError('USAGE', '--full is for hf: targets (local files are always read whole)');
    // A settings file in the current folder may be the scanned repository's own: what it set
    // (excludes, exit codes, limits) is always said, unless -q was given on the command line.
    if (applied !== undefined && applied.fromFile.length > 0 && cmd.getOptionValueSource('quiet') !== 'cli') {
      process.stderr.write(`modelgate: settings from ${applied.file}: ${applied.fromFile.join(', ')}\n`);
    }
    if (opts.sandboxChild) {
      // The sandboxed child: scan, and hand the result to the parent, which does the rest.
      const [{ runScan }, hooks] = await Promise.all([import('../app/run-scan.js'), progressHooks(opts, false)]);
      const result = await runScan({ targets, limits, hash: opts.hash !== false, exclude, workers, oneShot: true, ...hooks }).finally(() => hooks.stop());
      process.stdout.write(JSON.stringify(result));
      return;
    }
    const sandbox = useSandbox(opts.sandbox as boolean | undefined, hub);
    // A report file that cannot be written stops the command before any work.
    if (output !== undefined) checkOutput(output);
    // Settled before the scan, so that a wrong --sarif-root stops the command before any work.
    const sarif = format === 'sarif' ? (await import('./sarif-options.js')).sarifOptions(targets, hub, opts) : undefined;
    // Read before scanning: a policy that does not load stops the command before any work.
    const policy = await policyOf(opts.policy as string | undefined);
    for (const warning of policy?.warnings ?? []) process.stderr.write(`modelgate: policy: ${warning}\n`);
    const gate = {
      lockPath: opts.lock as string | undefined,
      signaturePath: opts.signature as string | undefined,
      publicKeys: opts.publicKey as string[] | undefined,
      certificateChain: opts.certificateChain as string[] | undefined,
      trustedRoot: opts.trustedRoot as string | undefined,
    };
    let result: ScanOutcome;
    // The renderer and the rules it describes load while the scan runs (once the child is started).
    let rendering: ReturnType<typeof loadRenderer>;
    if (sandbox) {
      const scanning = runSandboxedScan(targets, childArgs(opts, limits, exclude));
      rendering = loadRenderer(format);
      // Private temporary folders of earlier runs that were killed before they could remove
      // them, swept while the child scans (a listing of the temporary directory, not free).
      sweepPrivateTemps();
      try {
        result = await scanning;
      } catch (e) {
        if (!(e instanceof SandboxExit)) throw e;
        if (e.why !== undefined) process.stderr.write(`modelgate: ${e.why}\n`);
        process.exitCode = e.exitCode;
        return;
      }
      // The policy's lock and signature are the user's files, read here, not by the child.
      if (policy) result.decision = await (await import('../app/gate.js')).gateDecision(result, targets[0]!, policy, gate);
    } else {
      sweepPrivateTemps();
      rendering = loadRenderer(format);
      const [{ runScan }, hooks] = await Promise.all([import('../app/run-scan.js'), progressHooks(opts, hub)]);
      result = await runScan({
        targets,
        limits,
        hash: opts.hash !== false,
        exclude,
        full: opts.full === true,
        workers,
        oneShot: true,
        ...hooks,
        policy,
        gate,
      }).finally(() => hooks.stop());
    }
    const color = format === 'text' && output === undefined && colorFor(opts.color, process.stdout);
    const [{ renderReport }, rules] = await rendering;
    const text = renderReport(format, result, rules, { color, verbose: opts.verbose === true, sarif });
    const code = result.decision && !result.decision.allow ? EXIT.FINDINGS : scanExitCode(result, failOn as Severity);
    // Report only: what the scan found never fails the run; a file it could not read still does.
    const errors = result.files.some((f) => f.verdict === 'error');
    process.exitCode = opts.exitZero === true && code === EXIT.FINDINGS ? (errors ? EXIT.ERROR : EXIT.OK) : code;
    if (output !== undefined) {
      writeReportFile(output, text);
      if (!opts.quiet) process.stderr.write(summaryLine(result.summary, format, output, result.decision));
    } else {
      process.stdout.write(text);
    }
  });
  return cmd;
}

export { EXIT };
