import type { PolicyDecision, PolicyReason, ScanResult, ScanSource } from '../../core/report-types.js';
import { escapeHtmlLines, html, type SafeHtml } from './escape.js';
import { fileAnchor } from './files.js';
import { type RuleIndex, renderFindings } from './findings.js';
import { formatDuration, groupDigits, VERDICT_ORDER } from './format.js';

/** The page heading: what was scanned and by which tool. */
export function renderHeader(result: ScanResult): SafeHtml {
  return html`<header class="page-head">
<h1>modelgate scan report</h1>
<p class="targets">${result.targets.map((target, i) => html`${i > 0 && ' '}<code>${target}</code>`)}</p>
</header>
`;
}

function reasonItem(reason: PolicyReason, result: ScanResult): SafeHtml {
  const index = reason.path === undefined ? -1 : result.files.findIndex((file) => file.path === reason.path);
  const path =
    reason.path !== undefined &&
    (index >= 0 ? html`file <a href="#${fileAnchor(index)}"><code>${reason.path}</code></a>` : html`file <code>${reason.path}</code>`);
  const ruleId = reason.ruleId !== undefined && html`rule <code>${reason.ruleId}</code>`;
  const about = (path || ruleId) && html`<br><span class="reason-about">${path}${path && ruleId && ' · '}${ruleId}</span>`;
  return html`<li><span class="reason-rule">${reason.rule}</span> <span class="reason-message">${reason.message}</span>${about}</li>
`;
}

/** The policy decision, first thing on the page: allowed or denied, and every reason. */
export function renderDecision(decision: PolicyDecision, result: ScanResult): SafeHtml {
  const kind = decision.allow ? 'allow' : 'deny';
  const headline = decision.allow ? 'Allowed by policy' : 'Denied by policy';
  const listName = decision.allow ? 'Notes' : 'Reasons';
  const reasons =
    decision.reasons.length === 0
      ? html`<p class="muted">No ${listName.toLowerCase()} given.</p>
`
      : html`<h3>${listName} (${decision.reasons.length})</h3>
<ol class="reasons">
${decision.reasons.map((reason) => reasonItem(reason, result))}</ol>
`;
  return html`<section class="decision decision-${kind}" aria-label="Policy decision">
<p class="decision-verdict"><span class="decision-word">${kind.toUpperCase()}</span> ${headline}</p>
${
  decision.policy !== undefined &&
  html`<p class="muted">Policy: <code>${decision.policy}</code></p>
`
}${reasons}</section>
`;
}

/** Counts by verdict, max severity, duration and tool. */
export function renderSummary(result: ScanResult): SafeHtml {
  const { summary } = result;
  const counts = VERDICT_ORDER.map((verdict) => {
    const n = summary[verdict];
    return html`<li class="count verdict-${verdict}${n === 0 ? ' zero' : ''}"><span class="n">${groupDigits(n)}</span> <span class="label">${verdict}</span></li>
`;
  });
  const max = summary.maxSeverity;
  return html`<section class="summary" aria-label="Summary">
<h2>Summary</h2>
<ul class="counts">
<li class="count count-files"><span class="n">${groupDigits(summary.files)}</span> <span class="label">${summary.files === 1 ? 'file' : 'files'}</span></li>
${counts}</ul>
<dl class="facts">
<div><dt>Max severity</dt><dd>${max === null ? html`<span class="muted">none</span>` : html`<span class="badge sev sev-${max}">${max}</span>`}</dd></div>
<div><dt>Duration</dt><dd>${formatDuration(summary.durationMs)}</dd></div>
<div><dt>Tool</dt><dd>${result.tool.name} ${result.tool.version}</dd></div>
<div><dt>Report</dt><dd><code>${result.schema}</code></dd></div>
</dl>
</section>
`;
}

/** The Hub status is whatever the Hub sent: shown as JSON text, never interpreted. */
function hubStatusText(status: unknown): string {
  try {
    return JSON.stringify(status, null, 2) ?? String(status);
  } catch {
    return String(status);
  }
}

/** Where the files came from: the Hugging Face repo, the revision and the commit it resolved to. */
export function renderSource(source: ScanSource): SafeHtml {
  return html`<section class="source" aria-label="Source">
<h2>Source</h2>
<dl class="facts">
<div><dt>Repository</dt><dd><code>${source.repo}</code></dd></div>
<div><dt>Revision</dt><dd><code>${source.revision}</code></dd></div>
<div><dt>Commit</dt><dd><code class="hash">${source.commit}</code></dd></div>
${
  source.redirectedTo !== undefined &&
  html`<div class="warn"><dt>Redirected to</dt><dd><code>${source.redirectedTo}</code> <span class="muted">(the Hub answered for another name: the repo was renamed or its name reused)</span></dd></div>
`
}${
    source.hubSecurityStatus !== undefined &&
    html`<div><dt>Hub security status</dt><dd><span class="muted">one signal, not the verdict</span><pre><code>${escapeHtmlLines(hubStatusText(source.hubSecurityStatus))}</code></pre></dd></div>
`
  }</dl>
</section>
`;
}

/** Findings about a target as a whole (look-alike names, redirects, lock mismatches). */
export function renderTargetFindings(result: ScanResult, rules: RuleIndex): SafeHtml {
  return html`<section class="target-findings" aria-label="Findings about the target">
<h2>About the target <span class="muted">(${result.findings.length})</span></h2>
${renderFindings(result.findings, rules)}</section>
`;
}
