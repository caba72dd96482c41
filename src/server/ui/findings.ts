import { html } from 'hono/html';
import type { Finding } from '../../core/finding.js';
import type { ScanResult } from '../../core/report-types.js';
import { badge, type Html } from './layout.js';

/** Findings listed on a page at most; the full report is a download away. */
const MAX_FINDINGS_SHOWN = 300;
/** Evidence shown per finding (decompiled pickle calls can be long); the report has it whole. */
const MAX_EVIDENCE_CHARS = 3000;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters in the report)` : text;
}

function where(f: Finding): string {
  const at = [f.location?.offset !== undefined ? `offset ${f.location.offset}` : '', f.location?.opIndex !== undefined ? `op ${f.location.opIndex}` : '']
    .filter(Boolean)
    .join(', ');
  return at ? `${f.target} (${at})` : f.target;
}

function findingRow(f: Finding, waived: ReadonlySet<string>): Html {
  return html`<tr class="finding">
    <td class="sev">${badge(f.severity)}${f.fatal ? html` <span class="badge error">fatal</span>` : ''}</td>
    <td><code>${f.ruleId}</code>${waived.has(f.ruleId) ? html` <span class="badge info">waived</span>` : ''}</td>
    <td>${f.message}<div class="muted"><code class="wrap">${where(f)}</code></div>${f.evidence ? html`<pre>${clip(f.evidence, MAX_EVIDENCE_CHARS)}</pre>` : ''}</td>
  </tr>`;
}

/** The scan's decision and every finding by file, from the report the version was judged on. */
export function findingsSection(report: ScanResult | undefined, waivedRules: readonly string[], reportHref: string): Html {
  if (!report) return html`<section id="findings"><h2>Findings</h2><p class="empty">Not scanned yet.</p></section>`;
  const waived = new Set(waivedRules);
  const decision = report.decision;
  let shown = 0;
  const rows: Html[] = [];
  const groups: Array<{ title: Html; findings: Finding[] }> = [
    ...(report.findings.length ? [{ title: html`repository`, findings: report.findings }] : []),
    ...report.files
      .filter((f) => f.findings.length > 0)
      .map((f) => ({ title: html`<code>${f.path}</code> <span class="muted">${f.format}</span> ${badge(f.verdict)}`, findings: f.findings })),
  ];
  for (const group of groups) {
    if (shown >= MAX_FINDINGS_SHOWN) break;
    rows.push(html`<tr class="model"><th colspan="3">${group.title}</th></tr>`);
    for (const f of group.findings.slice(0, MAX_FINDINGS_SHOWN - shown)) rows.push(findingRow(f, waived));
    shown += group.findings.length;
  }
  const total = groups.reduce((n, g) => n + g.findings.length, 0);
  const s = report.summary;
  return html`<section id="findings">
    <h2>Findings</h2>
    <p>${decision ? html`Policy: ${badge(decision.allow ? 'ok' : 'rejected')} ${decision.allow ? 'allowed' : 'denied'} <span class="muted">(${decision.policy ?? 'registry default'})</span>` : ''}
      · ${s.files} files: ${s.clean} clean, ${s.suspicious} suspicious, ${s.malicious} malicious, ${s.error} unreadable
      · <a href="${reportHref}">scan report (JSON)</a></p>
    ${decision && decision.reasons.length ? html`<ul>${decision.reasons.map((r) => html`<li><code>${r.ruleId ?? r.rule}</code> ${r.message}</li>`)}</ul>` : ''}
    ${
      total === 0
        ? html`<p class="empty">No findings.</p>`
        : html`<table><thead><tr><th>Severity</th><th>Rule</th><th>Message, where, evidence</th></tr></thead><tbody>${rows}</tbody></table>
        ${total > MAX_FINDINGS_SHOWN ? html`<p class="muted">${total - MAX_FINDINGS_SHOWN} more findings are in the scan report.</p>` : ''}`
    }
  </section>`;
}

/** The rule ids a waiver could name: every rule with a finding in the report. */
export function findingRules(report: ScanResult | undefined): string[] {
  if (!report) return [];
  return [...new Set([...report.findings, ...report.files.flatMap((f) => f.findings)].map((f) => f.ruleId))].sort();
}
