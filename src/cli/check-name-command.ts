import { Command, Option } from 'commander';
import { ModelgateError } from '../core/errors.js';
import { checkNameReport, type CheckNameReport } from '../app/names/report.js';
import { DEFAULT_LIMIT, refreshKnownNames } from '../app/names/refresh.js';
import { refreshedListPath } from '../app/names/paths.js';
import { EXIT } from './exit-codes.js';

const HELP_AFTER = `
Compares ORG/NAME (also hf:ORG/NAME[@REV] or a huggingface.co URL) with a shipped, dated list
of well-known organisations and repos, plus the list --refresh writes when it exists:
look-alike characters (Unicode TR39 confusables), edits and swapped letters, case and
separator variants, added or dropped -ai/-official/-hf, and a known repo's name copied under
another organisation. Each match has a score from 0 to 1 and a reason.

--refresh rebuilds the list from the Hub's most downloaded models (HF_ENDPOINT, HF_TOKEN or
HUGGING_FACE_HUB_TOKEN) into ${'$'}XDG_CONFIG_HOME/modelgate/known-names.json
(default ~/.config/modelgate/known-names.json; MODELGATE_KNOWN_NAMES overrides).

Exit codes:
  0  nothing looks squatted (or --refresh succeeded)
  1  some look-alike scores at least --min-score
  2  usage error, or a list that cannot be read or fetched`;

function renderText(report: CheckNameReport): string {
  if (report.matches.length === 0) {
    const why = report.known ? 'a well-known name' : 'resembles no well-known name';
    return `${report.name}: ${why}\n`;
  }
  const lines = [`${report.name}: looks like a well-known name`];
  for (const m of report.matches)
    lines.push(`  ${m.severity.toUpperCase().padEnd(6)} ${m.score.toFixed(2)}  ${m.kind.padEnd(13)} ${m.similarTo}`, `         ${m.reason}`);
  return `${lines.join('\n')}\n`;
}

function positiveNumber(raw: unknown, flag: string, integer: boolean): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (integer && (!Number.isSafeInteger(n) || n === 0)))
    throw new ModelgateError('USAGE', `${flag} needs a ${integer ? 'positive integer' : 'number from 0 to 1'}`);
  return n;
}

/** `modelgate check-name ORG/NAME`: look-alike names of well-known repos; `--refresh` rebuilds the list. */
export function checkNameCommand(): Command {
  const cmd = new Command('check-name')
    .description('check a Hugging Face repo name against well-known names')
    .argument('[name]', 'ORG/NAME to check')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    // 0.5, above the library's MIN_SCORE: a legacy id's name reused under an org (`someone/gpt2`) is too common to fail on.
    .option('--min-score <n>', 'lowest score that counts as a look-alike (0 to 1)', '0.5')
    .option('--refresh', "rebuild the known list from the Hub's most downloaded models")
    .option('--endpoint <url>', 'Hub endpoint for --refresh (default HF_ENDPOINT or https://huggingface.co)')
    .option('--limit <n>', `how many models --refresh lists (default ${DEFAULT_LIMIT})`)
    .option('-o, --output <file>', 'where --refresh writes the list');
  cmd.addHelpText('after', HELP_AFTER);
  cmd.action(async (name: string | undefined, opts: Record<string, unknown>) => {
    if (opts.refresh) {
      if (name !== undefined) throw new ModelgateError('USAGE', '--refresh takes no name');
      const limit = opts.limit === undefined ? undefined : positiveNumber(opts.limit, '--limit', true);
      const { path, file } = await refreshKnownNames({
        endpoint: opts.endpoint === undefined ? undefined : String(opts.endpoint),
        limit,
        output: opts.output === undefined ? refreshedListPath() : String(opts.output),
      });
      const repos = file.entries.filter((e) => e.kind === 'repo').length;
      process.stderr.write(`modelgate: wrote ${repos} repos and ${file.entries.length - repos} organisations to ${path}\n`);
      process.exitCode = EXIT.OK;
      return;
    }
    if (name === undefined) throw new ModelgateError('USAGE', 'check-name needs ORG/NAME (or --refresh)');
    for (const flag of ['endpoint', 'limit', 'output'] as const) {
      if (opts[flag] !== undefined) throw new ModelgateError('USAGE', `--${flag} goes with --refresh`);
    }
    const minScore = positiveNumber(opts.minScore, '--min-score', false);
    if (minScore > 1) throw new ModelgateError('USAGE', '--min-score needs a number from 0 to 1');
    const report = checkNameReport(name, { minScore });
    process.stdout.write(opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
    process.exitCode = report.squatted ? EXIT.FINDINGS : EXIT.OK;
  });
  return cmd;
}
