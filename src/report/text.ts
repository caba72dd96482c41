import picocolors from 'picocolors';
import type { Finding, Verdict } from '../core/finding.js';
import type { FileResult, PolicyDecision, ScanResult } from '../core/report-types.js';
import type { Severity } from '../core/severity.js';

export interface TextOptions {
  /** ANSI colours; the CLI decides (TTY, NO_COLOR, --color), the reporter never looks. */
  color: boolean;
  /** List clean files that have no findings too, instead of only counting them. */
  verbose?: boolean;
}

type Colors = ReturnType<typeof picocolors.createColors>;
type Paint = (text: string) => string;

const INDENT = '  ';
const DETAIL_INDENT = '      ';

function verdictPaint(c: Colors): Record<Verdict, Paint> {
  return { malicious: c.red, suspicious: c.yellow, error: c.magenta, clean: c.green };
}

function severityPaint(c: Colors): Record<Severity, Paint> {
  return {
    critical: (text) => c.bold(c.red(text)),
    high: c.red,
    medium: c.yellow,
    low: c.cyan,
    info: c.dim,
  };
}

/*
 * Paths, messages and evidence come from the scanned files. A control character (ESC, CR,
 * backspace...) or a bidirectional override in them could rewrite the terminal: erase a line,
 * fake a verdict, reorder text ("Trojan Source", CVE-2021-42574). Each is shown escaped.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control or bidi character replaced by a `\xNN` or `\uNNNN` escape. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Where in the innermost member or file the finding points, when the scanner knows. */
function formatLocation(finding: Finding): string | undefined {
  const parts: string[] = [];
  if (finding.location?.offset !== undefined) parts.push(`offset ${finding.location.offset}`);
  if (finding.location?.opIndex !== undefined) parts.push(`opcode #${finding.location.opIndex}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** One finding: a headline, then what a reader needs to check it, one fact per line. */
function renderFinding(finding: Finding, shownPath: string | undefined, c: Colors): string[] {
  const severity = severityPaint(c)[finding.severity](finding.severity.padEnd(8));
  const code = finding.code === undefined ? '' : ` ${finding.code}`;
  const fatal = finding.fatal ? ` ${c.magenta(`[fatal${printable(code)}]`)}` : '';
  const headline = `${c.bold(printable(finding.ruleId))}${fatal}  ${printable(finding.message)}`;
  const lines = [`${INDENT}${severity} ${headline}`];
  const detail = (label: string, value: string): void => {
    lines.push(`${DETAIL_INDENT}${c.dim(`${label}:`)} ${printable(value)}`);
  };
  if (finding.target !== shownPath) detail('target', finding.target);
  const location = formatLocation(finding);
  if (location !== undefined) detail('at', location);
  if (finding.evidence !== undefined) detail('evidence', finding.evidence);
  if (finding.code !== undefined && !finding.fatal) detail('code', finding.code);
  const references = finding.references ?? [];
  if (references.length > 0) detail('refs', references.join(', '));
  return lines;
}

function renderFile(file: FileResult, result: ScanResult, c: Colors): string[] {
  const verdict = verdictPaint(c)[file.verdict](file.verdict.toUpperCase().padEnd(10));
  // With several targets, say which one the (target-relative) path belongs to.
  const index = file.targetIndex;
  const targetName = index === undefined ? undefined : (result.targets[index] ?? `#${index}`);
  // A file given as a target is its own path: naming the target again adds nothing.
  const target = targetName === undefined || targetName === file.path ? '' : c.dim(`  [target ${printable(targetName)}]`);
  // A file of the Hugging Face cache: which repo and revision it is, and its path there.
  const cache = file.hfCache;
  const revision = cache && (cache.refs[0] ?? cache.commit.slice(0, 12));
  const inRepo = cache ? c.dim(`  [${printable(cache.repo)}@${printable(revision ?? '')}: ${printable(cache.path)}]`) : '';
  const headline = `${c.bold(printable(file.path))}  ${c.dim(printable(file.format))}${target}${inRepo}`;
  const lines = [`${verdict} ${headline}`];
  for (const finding of file.findings) lines.push(...renderFinding(finding, file.path, c));
  return lines;
}

function renderSummary(result: ScanResult, hiddenClean: number, c: Colors): string[] {
  const { summary } = result;
  const paint = verdictPaint(c);
  const count = (verdict: Verdict): string => {
    const n = summary[verdict];
    return n > 0 ? paint[verdict](String(n)) : String(n);
  };
  const max = summary.maxSeverity;
  const row = (label: string, value: string): string => `${INDENT}${label.padEnd(14)}${value}`;
  const hidden = hiddenClean > 0 ? c.dim(` (${hiddenClean} not listed; --verbose lists them)`) : '';
  const source = result.source;
  const sourceRows = source
    ? [
        row('repo', printable(`hf:${source.repo}${source.redirectedTo ? ` -> ${source.redirectedTo}` : ''}`)),
        row('revision', printable(source.revision === source.commit ? source.commit : `${source.revision} = ${source.commit}`)),
      ]
    : [];
  return [
    c.bold('Summary'),
    ...sourceRows,
    row('files', String(summary.files)),
    row('malicious', count('malicious')),
    row('suspicious', count('suspicious')),
    row('error', count('error')),
    row('clean', `${count('clean')}${hidden}`),
    ...(result.excluded?.length ? [row('excluded', `${result.excluded.length} (--exclude: not scanned)`)] : []),
    row('max severity', max === null ? 'none' : severityPaint(c)[max](max)),
    row('duration', formatDuration(summary.durationMs)),
  ];
}

/** The policy decision, last, where a reader's eye ends: ALLOW or DENY and every reason. */
function renderDecision(decision: PolicyDecision, c: Colors): string[] {
  const head = decision.allow ? c.green(c.bold('ALLOW')) : c.red(c.bold('DENY'));
  const from = decision.policy ? c.dim(` (policy ${printable(decision.policy)})`) : '';
  const lines = [`${c.bold('Decision')}  ${head}${from}`];
  for (const reason of decision.reasons) {
    lines.push(`${INDENT}${c.dim(printable(reason.rule).padEnd(22))} ${printable(reason.message)}`);
  }
  return lines;
}

/**
 * The scan report for people: findings about whole targets, then each file that has
 * findings (clean files without findings only with `verbose`), then a summary block.
 * Plain text when `color` is false; never a trailing space; ends with a newline.
 */
export function renderText(result: ScanResult, opts: TextOptions): string {
  const c = picocolors.createColors(opts.color);
  const blocks: string[][] = [];
  if (result.findings.length > 0) {
    const lines = [c.bold('Targets')];
    for (const finding of result.findings) lines.push(...renderFinding(finding, undefined, c));
    blocks.push(lines);
  }
  let hiddenClean = 0;
  for (const file of result.files) {
    if (file.verdict === 'clean' && file.findings.length === 0 && !opts.verbose) {
      hiddenClean += 1;
      continue;
    }
    blocks.push(renderFile(file, result, c));
  }
  blocks.push(renderSummary(result, hiddenClean, c));
  if (result.decision) blocks.push(renderDecision(result.decision, c));
  return `${blocks.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
