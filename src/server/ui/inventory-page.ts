import { html } from 'hono/html';
import type { ModelView } from '../../app/registry/index.js';
import { badge, impactHref, page, short, versionHref, when, type Html } from './layout.js';
import type { Session } from './session.js';

/** The inventory: models matching the search, each with its versions, their state, verdict, risk and live deployments. */
export function inventoryPage(
  session: Session,
  query: string,
  models: readonly ModelView[],
  deployments: ReadonlyMap<string, { live: number; flagged: number }>,
): Html {
  const rows = models.map(
    (
      m,
    ) => html`<tr class="model"><th colspan="7"><a href="${impactHref(m.id)}">${m.id}</a> <span class="muted">· owner ${m.owner ?? '—'}${m.business_owner ? html`, business ${m.business_owner}` : ''} · ${m.versions.length} version${m.versions.length === 1 ? '' : 's'}</span></th></tr>
    ${m.versions.map((v) => {
      const d = deployments.get(v.id);
      return html`<tr data-version="${v.id}"><td><a href="${versionHref(v.id)}">${short(v.id)}</a></td><td>${badge(v.state)}</td><td>${badge(v.verdict)}</td><td>${badge(v.risk)}</td>
        <td class="num">${d ? html`${d.live}${d.flagged ? html` <span class="badge flagged">${d.flagged} flagged</span>` : ''}` : '0'}</td><td>${v.submitted_by}</td><td>${when(v.created_at)}</td></tr>`;
    })}`,
  );
  return page({
    title: 'Inventory',
    session,
    body: html`<h1>Inventory</h1>
    <form method="get" action="/" class="search"><input type="search" name="q" value="${query}" placeholder="Search models by id (org/name)" maxlength="200" /><button>Search</button></form>
    <section>${
      rows.length
        ? html`<table><thead><tr><th>Version</th><th>State</th><th>Verdict</th><th>Risk</th><th>Deployments</th><th>Submitted by</th><th>When</th></tr></thead><tbody>${rows}</tbody></table>`
        : html`<p class="empty">${query ? html`No model id contains “${query}”.` : 'No models yet.'}</p>`
    }</section>`,
  });
}
