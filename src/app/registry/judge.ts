import { copyFileSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { verdictOf, type Finding } from '../../core/finding.js';
import type { PolicyDecision, ScanResult } from '../../core/report-types.js';
import { buildResult } from '../result.js';
import type { VersionFilesTable } from '../../store/index.js';
import { decide } from '../policy/index.js';
import { runScan } from '../run-scan.js';
import type { RegistryContext } from './context.js';

/** What the scan step decided about a version. */
export interface Judgement {
  report: ScanResult;
  /** The enforced decision: the configured policy's, or the registry default. */
  decision: PolicyDecision;
  /** A dry-run policy's decision: recorded, never enforced. */
  dryRun?: PolicyDecision;
  risk: 'low' | 'high';
  policyDigest: string | null;
}

/** Severities that make a submission high-risk: it then needs two distinct approvers. */
const HIGH_RISK = new Set(['medium', 'high', 'critical']);
/** Formats that are code a loader may run (custom code selected by a config, scripts, notebooks). */
const CODE_FORMATS = new Set(['python', 'notebook', 'jupyter-notebook']);

/**
 * The registry's gate without a policy file: nothing malicious and nothing unread passes
 * (REPORT.md: `error` is never clean). Suspicious files go to review as high risk.
 */
function defaultDecision(report: ScanResult): PolicyDecision {
  const reasons = report.files
    .filter((f) => f.verdict === 'malicious' || f.verdict === 'error')
    .map((f) => ({ rule: `verdict.${f.verdict}`, message: `${f.path} is ${f.verdict}`, path: f.path }));
  return { allow: reasons.length === 0, reasons, policy: 'registry default (deny malicious and error)' };
}

export function riskOf(report: ScanResult): 'low' | 'high' {
  const findings = [...report.findings, ...report.files.flatMap((f) => f.findings)];
  if (findings.some((f) => HIGH_RISK.has(f.severity))) return 'high';
  if (report.files.some((f) => f.verdict !== 'clean' || CODE_FORMATS.has(f.format))) return 'high';
  return 'low';
}

/**
 * Lays a version's files out under a work folder as hard links to their blobs (a copy across
 * file systems), so the scan sees them by their repo names: loaders choose readings by name,
 * and configs name their siblings.
 */
function materialise(ctx: RegistryContext, versionId: string, files: readonly VersionFilesTable[]): string {
  const dir = join(ctx.config.dataDir, 'work', versionId);
  rmSync(dir, { recursive: true, force: true });
  for (const file of files) {
    const out = join(dir, file.path);
    mkdirSync(dirname(out), { recursive: true });
    try {
      linkSync(ctx.blobs.path(file.sha256), out);
    } catch {
      copyFileSync(ctx.blobs.path(file.sha256), out);
    }
  }
  return dir;
}

/**
 * The report with more findings on one of its files (a screening result): the file's verdict
 * and the summary are made again; the decision and provenance stay.
 */
export function withFileFindings(report: ScanResult, path: string, findings: readonly Finding[]): ScanResult {
  const files = report.files.map((f) =>
    f.path === path ? { ...f, findings: [...f.findings, ...findings], verdict: verdictOf([...f.findings, ...findings]) } : f,
  );
  const rebuilt = buildResult(report.targets, files, report.findings, performance.now() - report.summary.durationMs);
  return { ...report, summary: rebuilt.summary, files };
}

/** A version's verdict from its report: the worst of its files (malicious, error, suspicious, clean). */
export function versionVerdict(report: ScanResult): string {
  const s = report.summary;
  return s.malicious > 0 ? 'malicious' : s.error > 0 ? 'error' : s.suspicious > 0 ? 'suspicious' : 'clean';
}

/** How bad a verdict is, for telling a re-scan that got worse from one that got better. */
export const VERDICT_RANK: Record<string, number> = { clean: 0, suspicious: 1, error: 2, malicious: 3 };

/** The enforced decision on a report: the configured policy's, else the registry default. */
export function decisionFor(ctx: RegistryContext, report: ScanResult): PolicyDecision {
  return ctx.policy ? decide(report, ctx.policy) : defaultDecision(report);
}

/** Scans a version's files in the app's worker pool and judges the result by the policy. */
export async function judgeVersion(ctx: RegistryContext, versionId: string, files: readonly VersionFilesTable[]): Promise<Judgement> {
  const dir = materialise(ctx, versionId, files);
  try {
    const policy = ctx.policy;
    const report = await runScan({ targets: [dir], hash: false, policy });
    // The report names the version's files, not the work folder, with the hashes the store holds.
    report.targets = [`registry:${versionId}`];
    const bySha = new Map(files.map((f) => [f.path, f.sha256]));
    for (const file of report.files) {
      const sha = bySha.get(file.path);
      if (sha) {
        file.sha256 = sha;
        file.sha256Source = 'computed';
      }
    }
    const decision = report.decision ?? defaultDecision(report);
    report.decision = decision;
    const dryRun = ctx.dryRunPolicy ? decide(report, ctx.dryRunPolicy) : undefined;
    return { report, decision, dryRun, risk: riskOf(report), policyDigest: ctx.policyDigest ?? null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
