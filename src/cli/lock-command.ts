import { Command, Option } from 'commander';
import pc from 'picocolors';
import { ModelgateError } from '../core/errors.js';
import { DEFAULT_LOCK, defaultLock, isHubTarget, isInsideTarget } from '../app/index.js';
import { lockTarget, verifyTarget, writeLock, type VerifyReport } from '../app/lock/index.js';
import { EXIT } from './exit-codes.js';
import { HubProgress } from './progress.js';
import { colorFor } from './output.js';

const LOCK_HELP = `
The lock (JSON, schema modelgate/lock@1) records the source (a folder, or a Hugging Face repo with
the commit its revision resolved to) and every file's path, size and SHA-256. For hf: targets,
LFS files take the SHA-256 the Hub lists (--full downloads and hashes them); git files are
fetched and hashed. Local files hash in parallel, one thread per core.

Exit codes: 0 written; 2 usage or I/O error (or a Hub file that fails its own hash).`;

const VERIFY_HELP = `
Checks TARGET against --lock (default: modelgate.lock in the working folder, unless the working
folder is TARGET or inside it: a lock is never looked up inside the target). A Hub
repo without a lock is checked against the Hub's own hashes instead: every file is downloaded
and compared with its LFS SHA-256 or git blob id. Missing, extra and changed files are findings.

Exit codes: 0 everything matches; 1 something does not; 2 usage or I/O error.`;

/** Download bars for an `hf:` target on a terminal; undefined otherwise. */
function downloadProgress(target: string): { onDownload: (path: string, bytes: number, total: number) => void; stop(): void } | undefined {
  if (!isHubTarget(target) || process.stderr.isTTY !== true) return undefined;
  const bars = new HubProgress();
  return { onDownload: (path, bytes, total) => bars.download(path, bytes, total), stop: () => bars.stop() };
}

/** `modelgate lock TARGET` */
export function lockCommand(): Command {
  return new Command('lock')
    .description('pin the files of a folder or hf: repo: path, size and SHA-256 of each')
    .argument('<target>', 'a folder, a file, or hf:ORG/NAME[@REVISION]')
    .option('-o, --output <file>', 'where to write the lock', DEFAULT_LOCK)
    .option('--full', 'hf: download LFS files and hash them instead of taking the Hub SHA-256')
    .addHelpText('after', LOCK_HELP)
    .action(async (target: string, opts: { output: string; full?: boolean }) => {
      const progress = downloadProgress(target);
      const lock = await lockTarget(target, { full: opts.full === true, lockPath: opts.output, onDownload: progress?.onDownload }).finally(() =>
        progress?.stop(),
      );
      writeLock(opts.output, lock);
      const where = lock.source.type === 'hf' ? `hf:${lock.source.repo}@${lock.source.commit}` : lock.source.path;
      process.stderr.write(`modelgate: locked ${lock.files.length} files of ${where} in ${opts.output}\n`);
      if (isInsideTarget(opts.output, target)) {
        process.stderr.write(`modelgate: note: ${opts.output} is inside ${target}; verify reads a lock there only when given --lock, so keep it elsewhere\n`);
      }
      process.exitCode = EXIT.OK;
    });
}

function renderVerify(report: VerifyReport, color: boolean): string {
  const paint = color ? pc.createColors(true) : { red: String, green: String, bold: String, dim: String };
  const lines: string[] = [];
  const against = report.lock ? `lock ${report.lock}` : "the Hub's own hashes";
  const at = report.source ? ` at commit ${report.source.commit}` : '';
  lines.push(
    report.match
      ? paint.green(`✓ ${report.target}${at}: all ${report.checked} files match ${against}`)
      : paint.red(paint.bold(`✗ ${report.target}${at} does not match ${against}`)),
  );
  for (const f of report.findings) lines.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.ruleId.padEnd(18)} ${f.message}`);
  for (const note of report.notes) lines.push(paint.dim(`  note: ${note}`));
  return `${lines.join('\n')}\n`;
}

/** `modelgate verify TARGET [--lock FILE]` */
export function verifyCommand(): Command {
  return new Command('verify')
    .description('check a folder or hf: repo against a lock, or a repo against the Hub hashes')
    .argument('<target>', 'a folder, a file, or hf:ORG/NAME[@REVISION]')
    .option('--lock <file>', `the lock (default ./${DEFAULT_LOCK} when it exists)`)
    .option('--full', 'hf: download LFS files and hash them too')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-color', 'no colours in text output')
    .addHelpText('after', VERIFY_HELP)
    .action(async (target: string, opts: { lock?: string; full?: boolean; format: string; color: boolean }) => {
      let lock = opts.lock;
      if (lock === undefined) {
        const found = defaultLock([target]);
        if (found.inside !== undefined) {
          throw new ModelgateError(
            'USAGE',
            `./${DEFAULT_LOCK} is inside ${target}, whose own files may have put it there; name it with --lock FILE to use it anyway`,
          );
        }
        lock = found.path;
      }
      const progress = downloadProgress(target);
      const report = await verifyTarget(target, lock, { full: opts.full === true, lockPath: lock, onDownload: progress?.onDownload }).finally(() =>
        progress?.stop(),
      );
      const out = opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderVerify(report, colorFor(opts.color, process.stdout));
      process.stdout.write(out);
      process.exitCode = report.match ? EXIT.OK : EXIT.FINDINGS;
    });
}
