import type { ScanResult } from '../../core/report-types.js';

/** One line of `labels.jsonl` (REPORT.md, "Judging a labelled corpus"). */
export interface Label {
  path: string;
  label: 'malicious' | 'benign';
  format: string;
  technique?: string;
}

export type Outcome = 'detected' | 'missed' | 'clean' | 'flagged' | 'not-read';

export interface Judged {
  label: Label;
  verdict: string;
  outcome: Outcome;
}

export interface GroupScore {
  group: string;
  malicious: number;
  detected: number;
  benign: number;
  clean: number;
  flagged: number;
  notRead: number;
}

export interface Judgement {
  judged: Judged[];
  /** Labels whose file was not in the scan. */
  missingFiles: string[];
  /** Files scanned without a label. */
  unlabelled: number;
  byFormat: GroupScore[];
  byTechnique: GroupScore[];
  total: GroupScore;
  allRight: boolean;
}

/** Parses labels.jsonl text, keeping the labels whose format starts with one of `formats`. */
export function parseLabels(text: string, formats?: string[]): Label[] {
  const labels = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Label);
  return formats && formats.length > 0 ? labels.filter((l) => formats.some((f) => l.format.startsWith(f))) : labels;
}

function outcomeOf(label: Label, verdict: string): Outcome {
  if (label.label === 'malicious') return verdict === 'malicious' || verdict === 'suspicious' ? 'detected' : 'missed';
  if (verdict === 'clean') return 'clean';
  return verdict === 'error' ? 'not-read' : 'flagged';
}

function score(group: string, judged: Judged[]): GroupScore {
  const s: GroupScore = { group, malicious: 0, detected: 0, benign: 0, clean: 0, flagged: 0, notRead: 0 };
  for (const j of judged) {
    if (j.label.label === 'malicious') {
      s.malicious++;
      if (j.outcome === 'detected') s.detected++;
    } else {
      s.benign++;
      if (j.outcome === 'clean') s.clean++;
      else if (j.outcome === 'flagged') s.flagged++;
      else s.notRead++;
    }
  }
  return s;
}

function groupBy(judged: Judged[], key: (j: Judged) => string): GroupScore[] {
  const groups = new Map<string, Judged[]>();
  for (const j of judged) {
    const k = key(j);
    groups.set(k, [...(groups.get(k) ?? []), j]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => score(k, v));
}

/** Scores a scan of a corpus directory against its labels. */
export function judge(result: ScanResult, labels: Label[]): Judgement {
  const verdicts = new Map(result.files.map((f) => [f.path, f.verdict]));
  const judged: Judged[] = [];
  const missingFiles: string[] = [];
  for (const label of labels) {
    const verdict = verdicts.get(label.path);
    if (verdict === undefined) missingFiles.push(label.path);
    else judged.push({ label, verdict, outcome: outcomeOf(label, verdict) });
  }
  const labelled = new Set(labels.map((l) => l.path));
  const unlabelled = result.files.filter((f) => !labelled.has(f.path) && f.path !== 'labels.jsonl').length;
  const total = score('all', judged);
  return {
    judged,
    missingFiles,
    unlabelled,
    byFormat: groupBy(judged, (j) => j.label.format),
    byTechnique: groupBy(judged, (j) => j.label.technique ?? '-'),
    total,
    allRight: missingFiles.length === 0 && total.detected === total.malicious && total.clean === total.benign,
  };
}

/** The judgement as printed tables. */
export function renderJudgement(j: Judgement): string {
  const row = (s: GroupScore): string =>
    `${s.group.padEnd(40)} ${`${s.detected}/${s.malicious}`.padStart(9)} ${`${s.clean}/${s.benign}`.padStart(9)} ${String(s.flagged).padStart(8)} ${String(s.notRead).padStart(9)}`;
  const header = `${'group'.padEnd(40)} ${'detected'.padStart(9)} ${'clean'.padStart(9)} ${'flagged'.padStart(8)} ${'not read'.padStart(9)}`;
  const lines = ['By format', header, ...j.byFormat.map(row), '', 'By technique', header, ...j.byTechnique.map(row), '', header, row(j.total), ''];
  const wrong = j.judged.filter((x) => x.outcome === 'missed' || x.outcome === 'flagged' || x.outcome === 'not-read');
  if (wrong.length > 0) {
    lines.push('Wrong:');
    for (const w of wrong) lines.push(`  ${w.outcome.padEnd(9)} ${w.label.label.padEnd(9)} verdict=${w.verdict.padEnd(10)} ${w.label.path}`);
  }
  for (const m of j.missingFiles) lines.push(`  missing   ${m}`);
  lines.push(`Unlabelled files scanned: ${j.unlabelled}`);
  lines.push(j.allRight ? 'RESULT: every labelled file is right' : 'RESULT: some labelled files are wrong');
  return lines.join('\n') + '\n';
}
