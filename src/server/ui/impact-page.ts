import { html } from 'hono/html';
import type { Impact, IncidentRecord, ModelRecord } from '../../app/registry/index.js';
import { modelGraph } from './graph.js';
import { badge, page, short, versionHref, when, type Html } from './layout.js';
import { lineageSvg } from './lineage-svg.js';
import type { Session } from './session.js';

/** Everything the impact page shows of a model's blast radius. */
export interface ImpactData {
  model: string;
  impact: Impact;
  owners: ModelRecord[];
  incidents: IncidentRecord[];
}

function pickModel(session: Session, query: string): Html {
  return page({
    title: 'Impact',
    session,
    body: html`<h1>Impact</h1><form method="get" action="/impact" class="search"><input name="model" value="${query}" placeholder="org/name" required /><button>Show blast radius</button></form>`,
  });
}

/** The blast radius of a model: every version deriving from it, their live deployments, owners and incidents. */
export function impactPage(session: Session, d: ImpactData | undefined, query = ''): Html {
  if (!d) return pickModel(session, query);
  const { impact } = d;
  const graph = modelGraph(impact);
  const depthOf = new Map(impact.versions.map((v) => [v.version.id, v.depth]));
  const versions = [...impact.versions]
    .sort((a, b) => a.depth - b.depth)
    .map(
      (
        v,
      ) => html`<tr><td><a href="${versionHref(v.version.id)}">${v.version.model_id}</a> ${short(v.version.id)}</td><td>${badge(v.version.state)}</td><td class="num">${v.depth}</td>
        <td>${v.via ? html`${v.via.relation} of ${v.via.parent_model_id} ${badge(v.via.status)}` : html`<span class="muted">the model itself</span>`}</td></tr>`,
    );
  const deployments = impact.deployments.map(
    (x) => html`<tr><td>${x.environment}</td><td>${badge(x.status)}</td><td><a href="${versionHref(x.version_id)}">${x.model_id}</a> ${short(x.version_id)}</td>
      <td>${(depthOf.get(x.version_id) ?? 0) === 0 ? 'direct' : 'derived'}</td><td>${x.owner}</td><td>${x.business_owner ?? ''}</td><td>${when(x.deployed_at)}</td></tr>`,
  );
  const incidents = d.incidents.map(
    (i) =>
      html`<tr><td>${badge(i.kind === 'revoked' ? 'revoked' : 'flagged')} ${i.kind}</td><td><a href="${versionHref(i.version_id)}">${short(i.version_id)}</a></td><td>${i.deployment_id ? short(i.deployment_id) : '—'}</td><td>${when(i.opened_at)}</td></tr>`,
  );
  const empty = (text: string) => html`<p class="empty">${text}</p>`;
  return page({
    title: `Impact of ${d.model}`,
    session,
    body: html`<h1>Impact of ${d.model} <small>${impact.versions.length} versions, ${impact.deployments.length} live deployments</small></h1>
    <section id="graph"><h2>Lineage</h2>${graph.nodes.length ? lineageSvg(graph.nodes, graph.edges, `blast radius of ${d.model}`) : empty('No versions.')}</section>
    <div class="grid">
    <section id="versions"><h2>Versions</h2>${versions.length ? html`<table><thead><tr><th>Version</th><th>State</th><th>Depth</th><th>Derived as</th></tr></thead><tbody>${versions}</tbody></table>` : empty('No versions.')}</section>
    <section id="owners"><h2>Owners</h2>${
      d.owners.length
        ? html`<table><thead><tr><th>Model</th><th>Owner</th><th>Business owner</th></tr></thead><tbody>${d.owners.map((o) => html`<tr><td>${o.id}</td><td>${o.owner ?? '—'}</td><td>${o.business_owner ?? '—'}</td></tr>`)}</tbody></table>`
        : empty('No models.')
    }</section>
    </div>
    <section id="deployments"><h2>Live deployments</h2>${
      deployments.length
        ? html`<table><thead><tr><th>Environment</th><th>Status</th><th>Version</th><th>Via</th><th>Owner</th><th>Business owner</th><th>Since</th></tr></thead><tbody>${deployments}</tbody></table>`
        : empty('None live.')
    }</section>
    <section id="incidents"><h2>Incidents</h2>${
      incidents.length
        ? html`<table><thead><tr><th>Kind</th><th>Version</th><th>Deployment</th><th>Opened</th></tr></thead><tbody>${incidents}</tbody></table>`
        : empty('No incidents.')
    }</section>`,
  });
}
