import { html } from 'hono/html';
import type { AuditRecord } from '../../app/registry/index.js';
import { page, short, when, type Html } from './layout.js';
import type { Session } from './session.js';

/** What the chain check found (the app layer's AuditCheck). */
export interface ChainCheck {
  ok: boolean;
  records: number;
  head: string;
  problem?: { seq: number; message: string };
}

/** Version, deployment and webhook ids: shown short, whole on hover. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Characters of a record's details shown in the table; the API serves them whole. */
const MAX_DETAILS_CHARS = 400;

/** The audit log for auditors: the chain check first, then the records newest first, a page at a time. */
export function auditPage(session: Session, check: ChainCheck, records: readonly AuditRecord[], pageSize: number): Html {
  const oldest = records.at(-1)?.seq;
  const rows = records.map(
    (
      r,
    ) => html`<tr><td class="num">${r.seq}</td><td>${when(r.at)}</td><td>${r.actor}</td><td><code>${r.action}</code></td><td>${UUID.test(r.subject) ? short(r.subject) : html`<code>${r.subject}</code>`}</td>
      <td><code class="wrap">${r.details.length > MAX_DETAILS_CHARS ? `${r.details.slice(0, MAX_DETAILS_CHARS)}…` : r.details}</code></td><td>${short(r.hash)}</td></tr>`,
  );
  return page({
    title: 'Audit log',
    session,
    body: html`<h1>Audit log</h1>
    <section class="chain ${check.ok ? 'ok' : 'broken'}" id="chain">
      <h2>Hash chain: ${check.ok ? html`<span class="badge ok">valid</span>` : html`<span class="badge broken">broken</span>`}</h2>
      <p>${check.records} records checked from the first to the last${check.ok ? '' : html`; record ${check.problem?.seq} ${check.problem?.message}`}. Head <code>${check.head}</code></p>
    </section>
    <section><table><thead><tr><th>Seq</th><th>Time</th><th>Actor</th><th>Action</th><th>Subject</th><th>Details</th><th>Hash</th></tr></thead><tbody>${rows}</tbody></table>
    ${oldest !== undefined && oldest > 1 && records.length === pageSize ? html`<p><a href="/audit?before=${oldest}">Older records</a></p>` : ''}</section>`,
  });
}
