import { html } from 'hono/html';
import type { ReviewEvidence, ReviewFinding } from '../../app/registry/index.js';
import { badge, short, versionHref, type Html } from './layout.js';

const list = (items: readonly string[], empty: string): Html =>
  items.length ? html`<ul class="paths">${items.map((p) => html`<li><code>${p}</code></li>`)}</ul>` : html`<span class="muted">${empty}</span>`;

const findingRow = (f: ReviewFinding): Html =>
  html`<tr><td>${badge(f.severity)}</td><td><code>${f.ruleId}</code></td><td>${f.path || '(repo)'}</td><td>${f.evidence ?? f.message}</td></tr>`;

/**
 * What a reviewer reads beside the findings: the code a loader would import (Python files,
 * notebooks, the modules a config's `auto_map` selects), and what changed since the model's
 * last approved version (files, and findings new or gone).
 */
export function reviewSection(evidence: ReviewEvidence | undefined): Html {
  if (!evidence) return html``;
  const code = evidence.customCode.length
    ? evidence.customCode.map(
        (c) =>
          html`<details open><summary><code>${c.path}</code> <span class="muted">${c.why}${c.truncated ? ' · first 64 KiB shown' : ''}</span></summary><pre class="code">${c.text}</pre></details>`,
      )
    : html`<p class="empty">No code files, and no config selects custom code.</p>`;
  const d = evidence.diff;
  const diff = d
    ? html`<p>Against <a href="${versionHref(d.against)}">${short(d.against)}</a>, the last approved version of this model.</p>
        <dl class="facts"><dt>Added</dt><dd>${list(d.added, 'none')}</dd><dt>Removed</dt><dd>${list(d.removed, 'none')}</dd><dt>Changed</dt><dd>${list(d.changed, 'none')}</dd></dl>
        ${
          d.newFindings.length
            ? html`<h3>New findings</h3><table><thead><tr><th>Severity</th><th>Rule</th><th>File</th><th>Evidence</th></tr></thead><tbody>${d.newFindings.map(findingRow)}</tbody></table>`
            : html`<p class="muted">No new findings.</p>`
        }
        ${d.goneFindings.length ? html`<h3>Findings gone</h3><table><tbody>${d.goneFindings.map(findingRow)}</tbody></table>` : ''}`
    : html`<p class="empty">No approved version of this model to compare with.</p>`;
  return html`<section id="review-evidence"><h2>Custom code</h2>${code}<h2>Changes since the last approval</h2>${diff}</section>`;
}
