import type { Finding } from '../../core/finding.js';
import type { RuleMeta } from '../../detectors/rule.js';
import { RULE_DOCS_BASE_URI } from '../sarif-rules.js';
import { escapeHtmlLines, html, type SafeHtml } from './escape.js';
import { bySeverity, formatLocation } from './format.js';

/** Rule metadata by rule id, for titles and documentation links. */
export type RuleIndex = ReadonlyMap<string, RuleMeta>;

/** Indexes `rules` by id. */
export function indexRules(rules: readonly RuleMeta[]): RuleIndex {
  return new Map(rules.map((rule) => [rule.id, rule]));
}

/**
 * The absolute address of a rule's documentation page (`RuleMeta.docs` is relative to the
 * repository, as in SARIF's `helpUri`). A relative link would point nowhere from a report file
 * saved elsewhere. Only `https:` is ever linked.
 */
export function ruleDocsUrl(rule: RuleMeta): string | undefined {
  try {
    const url = new URL(rule.docs, RULE_DOCS_BASE_URI);
    return url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function ruleHeading(finding: Finding, rules: RuleIndex): SafeHtml {
  const rule = rules.get(finding.ruleId);
  const url = rule === undefined ? undefined : ruleDocsUrl(rule);
  const id =
    url === undefined
      ? html`<code class="rule-id">${finding.ruleId}</code>`
      : html`<a class="rule-id" href="${url}" rel="noopener noreferrer" title="Rule documentation: ${rule?.docs}">${finding.ruleId}</a>`;
  return html`${id}${rule && html` <span class="rule-title">${rule.title}</span>`}`;
}

/** Only base64 PNG data URIs are shown: nothing an image element could load from elsewhere. */
const PNG_DATA_URI = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

/**
 * Images a finding carries in `details.images` (`[{caption, src}]`, e.g. the trigger that
 * backdoor screening recovered), as figures; anything but a PNG data URI is dropped.
 */
function figures(finding: Finding): SafeHtml | undefined {
  const images = finding.details?.images;
  if (!Array.isArray(images)) return undefined;
  const shown = images.filter(
    (i): i is { caption: string; src: string } =>
      typeof i === 'object' && i !== null && typeof i.caption === 'string' && typeof i.src === 'string' && PNG_DATA_URI.test(i.src),
  );
  if (shown.length === 0) return undefined;
  return html`<div class="figures">${shown.map((i) => html`<figure><img src="${i.src}" alt="${i.caption}"><figcaption>${i.caption}</figcaption></figure>`)}</div>
`;
}

function fact(label: string, value: SafeHtml | string): SafeHtml {
  return html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
}

/**
 * One finding: severity, rule id and title, the message, then the facts a reader needs to
 * check it (where it is, its references) and its evidence in a monospace block. `filePath`
 * is the file the finding belongs to; its target is shown only when it names something else
 * (a member inside an archive), or always at the top level (`filePath` undefined).
 */
export function renderFinding(finding: Finding, rules: RuleIndex, filePath?: string): SafeHtml {
  const facts: SafeHtml[] = [];
  if (finding.target !== filePath) facts.push(fact('Target', html`<code>${finding.target}</code>`));
  const location = formatLocation(finding);
  if (location !== undefined) facts.push(fact('Location', location));
  if (finding.code !== undefined) facts.push(fact('Code', html`<code>${finding.code}</code>`));
  const references = finding.references ?? [];
  if (references.length > 0) facts.push(fact('References', references.join(', ')));
  const fatal = finding.fatal === true && html` <span class="badge fatal" title="the analysis stopped early">fatal</span>`;
  return html`<li class="finding sev-${finding.severity}">
<div class="finding-head"><span class="badge sev sev-${finding.severity}">${finding.severity}</span>${fatal} ${ruleHeading(finding, rules)}</div>
<p class="message">${finding.message}</p>
${
  facts.length > 0 &&
  html`<dl class="facts">${facts}</dl>
`
}${figures(finding)}${
    finding.evidence !== undefined &&
    html`<div class="evidence"><div class="evidence-label">Evidence</div><pre><code>${escapeHtmlLines(finding.evidence)}</code></pre></div>
`
  }</li>
`;
}

/** A list of findings, most severe first. */
export function renderFindings(findings: readonly Finding[], rules: RuleIndex, filePath?: string): SafeHtml {
  return html`<ul class="findings">
${bySeverity(findings).map((finding) => renderFinding(finding, rules, filePath))}</ul>
`;
}
