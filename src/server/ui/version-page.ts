import { html } from 'hono/html';
import {
  approvalsNeeded,
  impactOf,
  lineageAncestors,
  reviewEvidence,
  versionReport,
  versionSummaries,
  versionView,
  type AncestorEdge,
  type Impact,
  type ReviewEvidence,
  type RegistryContext,
  type VersionSummary,
  type VersionView,
} from '../../app/registry/index.js';
import type { ScanResult } from '../../core/report-types.js';
import { actionsSection } from './actions.js';
import { findingRules, findingsSection } from './findings.js';
import { versionGraph } from './graph.js';
import { badge, bytes, impactHref, page, short, versionHref, when, type Html, type PageOptions } from './layout.js';
import { lineageSvg } from './lineage-svg.js';
import { reviewSection } from './review-section.js';
import type { Session } from './session.js';

/** States the pipeline is still moving a version through: the page reloads itself until it stops. */
const MOVING = new Set(['receiving', 'submitted', 'scanning', 'screening']);
const RELOAD_SECONDS = 2;

/** Everything the version page shows. */
export interface VersionData {
  view: VersionView;
  report?: ScanResult;
  ancestors: AncestorEdge[];
  impact: Impact;
  /** Summaries of every version the lineage tables name. */
  known: Map<string, VersionSummary>;
  /** Custom code and the diff from the last approval, once scanned. */
  evidence?: ReviewEvidence;
}

export async function loadVersion(ctx: RegistryContext, id: string): Promise<VersionData> {
  const view = await versionView(ctx, id);
  const report = view.verdict !== null ? (JSON.parse(await versionReport(ctx, id)) as ScanResult) : undefined;
  const [ancestors, impact] = await Promise.all([lineageAncestors(ctx, id), impactOf(ctx, { version: id })]);
  const ids = [...ancestors.flatMap((a) => [a.edge.parent_version_id ?? '', a.edge.child_version_id]), ...view.children.map((c) => c.child_version_id)];
  const known = new Map((await versionSummaries(ctx, ids.filter(Boolean))).map((v) => [v.id, v]));
  const evidence = report ? await reviewEvidence(ctx, id) : undefined;
  return { view, report, ancestors, impact, known, evidence };
}

const table = (head: Html, rows: Html[], empty: string): Html =>
  rows.length ? html`<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>` : html`<p class="empty">${empty}</p>`;

function lineageSection(d: VersionData): Html {
  const { view, known } = d;
  const graph = versionGraph(view, d.ancestors, known, d.impact);
  const model = (id: string | null, fallback: string) => (id ? (known.get(id)?.model_id ?? fallback) : fallback);
  const rows = [
    ...view.parents.map(
      (p) =>
        html`<tr><td>parent</td><td>${p.parent_version_id ? html`<a href="${versionHref(p.parent_version_id)}">${p.parent_model_id}</a> ${short(p.parent_version_id)}` : p.parent_model_id}</td><td>${p.relation}</td><td>${badge(p.status)}</td></tr>`,
    ),
    ...view.children.map(
      (c) =>
        html`<tr><td>child</td><td><a href="${versionHref(c.child_version_id)}">${model(c.child_version_id, 'version')}</a> ${short(c.child_version_id)}</td><td>${c.relation}</td><td>${badge(c.status)}</td></tr>`,
    ),
  ];
  return html`<section id="lineage"><h2>Lineage <small class="muted">· <a href="${impactHref(view.model_id)}">impact of ${view.model_id}</a></small></h2>
    ${graph.nodes.length > 1 ? lineageSvg(graph.nodes, graph.edges, `lineage of ${view.model_id}`) : ''}
    ${table(html`<th></th><th>Model</th><th>Relation</th><th>Edge</th>`, rows, 'No parents or children recorded.')}</section>`;
}

function detailSections(v: VersionView): Html {
  const vid = encodeURIComponent(v.id);
  return html`<section id="files"><h2>Files</h2>${table(
    html`<th>Path</th><th>Size</th><th>SHA-256</th>`,
    v.files.map(
      (f) => html`<tr><td><code class="wrap">${f.path}</code></td><td class="num">${bytes(f.size)}</td><td><code class="wrap">${f.sha256}</code></td></tr>`,
    ),
    'No files yet.',
  )}</section>
  <section id="history"><h2>History</h2>${table(
    html`<th>When</th><th>State</th><th>Who</th><th>Why</th>`,
    v.transitions.map(
      (t) =>
        html`<tr><td>${when(t.at)}</td><td>${t.from_state ? html`${t.from_state} → ` : ''}${badge(t.to_state)}</td><td>${t.actor}</td><td>${t.reason ?? ''}</td></tr>`,
    ),
    'No history.',
  )}</section>
  <div class="grid">
  <section id="approvals"><h2>Approvals <small class="muted">(${approvalsNeeded(v)} needed, ${v.risk ?? 'unknown'} risk)</small></h2>${table(
    html`<th>Approver</th><th>When</th><th>Note</th>`,
    v.approvals.map((a) => html`<tr><td>${a.approver}</td><td>${when(a.at)}</td><td>${a.reason ?? ''}</td></tr>`),
    'No approvals yet.',
  )}</section>
  <section id="waivers"><h2>Waivers</h2>${table(
    html`<th>Rule</th><th>Owner</th><th>Expires</th><th>Reason</th><th>By</th>`,
    v.waivers.map(
      (w) => html`<tr><td><code>${w.rule}</code></td><td>${w.owner}</td><td>${when(w.expires_at)}</td><td>${w.reason}</td><td>${w.created_by}</td></tr>`,
    ),
    'No waivers.',
  )}</section>
  <section id="evidence"><h2>Evidence</h2>${table(
    html`<th>Kind</th><th>SHA-256</th><th>Issued</th>`,
    v.attestations.map(
      (a) =>
        html`<tr><td><a href="/versions/${vid}/evidence/${encodeURIComponent(a.kind)}" download>${a.kind}</a></td><td>${short(a.sha256)}</td><td>${when(a.created_at)}</td></tr>`,
    ),
    'Issued at approval.',
  )}</section>
  <section id="deployments"><h2>Deployments</h2>${table(
    html`<th>Environment</th><th>Status</th><th>Owner</th><th>Business owner</th><th>Since</th>`,
    v.deployments.map(
      (d) =>
        html`<tr><td>${d.environment}</td><td>${badge(d.status)}</td><td>${d.owner}</td><td>${d.business_owner ?? ''}</td><td>${when(d.deployed_at)}${d.removed_at ? html` – ${when(d.removed_at)}` : ''}</td></tr>`,
    ),
    'Not deployed.',
  )}</section>
  <section id="incidents"><h2>Incidents</h2>${table(
    html`<th>Kind</th><th>Opened</th><th>Details</th>`,
    v.incidents.map(
      (i) =>
        html`<tr><td>${badge(i.kind === 'revoked' ? 'revoked' : 'flagged')} ${i.kind}</td><td>${when(i.opened_at)}</td><td><code class="wrap">${i.details}</code></td></tr>`,
    ),
    'No incidents.',
  )}</section>
  </div>`;
}

/** The version page: what it is, what may be done to it, what the scan found, and its record. */
export function versionPage(d: VersionData, session: Session, notice?: PageOptions['notice'], now = new Date()): Html {
  const v = d.view;
  const waived = v.waivers.map((w) => w.rule);
  return page({
    title: `${v.model_id} ${v.id.slice(0, 8)}`,
    session,
    notice,
    refresh: MOVING.has(v.state) && notice?.kind !== 'error' ? { seconds: RELOAD_SECONDS, url: versionHref(v.id) } : undefined,
    body: html`<h1>${v.model_id} <small>version ${short(v.id)}</small></h1>
    <p class="status">${badge(v.state)} verdict ${badge(v.verdict)} risk ${badge(v.risk)}${v.state_reason ? html` <span class="muted">${v.state_reason}</span>` : ''}</p>
    <section id="facts"><dl class="facts">
      <dt>Version</dt><dd><code>${v.id}</code></dd>
      <dt>Source</dt><dd>${v.source_kind === 'upload' ? 'upload' : html`${v.source_kind} <code>${v.source_ref}</code>`}${v.source_commit ? html` at <code>${v.source_commit}</code>` : ''}</dd>
      <dt>Root digest</dt><dd><code>${v.root_digest ?? '—'}</code></dd>
      <dt>Submitted</dt><dd>${v.submitted_by}, ${when(v.created_at)}</dd>
      ${v.licence_accepted_by ? html`<dt>Licence accepted by</dt><dd>${v.licence_accepted_by}</dd>` : ''}
    </dl></section>
    ${actionsSection(v, session, findingRules(d.report), now)}
    ${findingsSection(d.report, waived, `/versions/${encodeURIComponent(v.id)}/report.json`)}
    ${reviewSection(d.evidence)}
    ${lineageSection(d)}
    ${detailSections(v)}`,
  });
}
