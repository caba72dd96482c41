import { html } from 'hono/html';
import { approvalsNeeded, type Role, type VersionView } from '../../app/registry/index.js';
import { csrfField, type Html } from './layout.js';
import type { Session } from './session.js';

/** Days a waiver runs unless the approver picks another date (the app layer allows up to a year). */
const DEFAULT_WAIVER_DAYS = 90;

/** What each successful action says on the page it returns to, by the `done` key of the redirect. */
export const DONE: Record<string, string> = {
  submitted: 'Submitted: the files are being scanned.',
  accepted: 'Review recorded: the version goes on to approval.',
  rejected: 'Rejected, with your reason.',
  approval: 'Approval recorded: another approver is needed.',
  approved: 'Approved: the signed evidence is issued.',
  waived: 'Waiver recorded.',
  deployed: 'Deployment recorded.',
  revoked: 'Revoked: every descendant and live deployment is flagged.',
};

function can(session: Session, ...roles: Role[]): boolean {
  const mine = session.principal.roles;
  return mine.includes('admin') || roles.some((r) => mine.includes(r));
}

function form(session: Session, id: string, action: string, title: string, fields: Html, button: Html): Html {
  return html`<form method="post" action="/versions/${encodeURIComponent(id)}/${action}" class="stack" data-action="${action}">
    ${csrfField(session)}<h3>${title}</h3>${fields}<div class="row">${button}</div></form>`;
}

const reasonField = (required: boolean, label = 'Reason'): Html =>
  html`<label>${label}<textarea name="reason" maxlength="4000"${required ? html` required` : ''}></textarea></label>`;

/**
 * The forms a person may use on this version: by their roles and the version's state. Four-eyes
 * is not decided here: the app layer refuses the submitter or the reviewer, and the page shows why.
 */
export function actionsSection(view: VersionView, session: Session, rules: readonly string[], now: Date): Html {
  const id = view.id;
  const forms: Html[] = [];
  const s = view.state;
  if (s === 'review' && can(session, 'reviewer'))
    forms.push(
      form(
        session,
        id,
        'review',
        'Review',
        reasonField(false, 'Reason (required to reject)'),
        html`<button name="decision" value="accept">Accept for approval</button><button name="decision" value="reject" class="danger">Reject</button>`,
      ),
    );
  if (s === 'approval' && can(session, 'approver'))
    forms.push(
      form(
        session,
        id,
        'approve',
        `Approve (${view.approvals.length} of ${approvalsNeeded(view)} approvals)`,
        reasonField(false, 'Note (optional)'),
        html`<button>Approve</button>`,
      ),
    );
  // A reviewer rejects through the review form; this one is for a version awaiting approval, or an approver at review.
  if ((s === 'approval' && can(session, 'reviewer', 'approver')) || (s === 'review' && can(session, 'approver') && !can(session, 'reviewer')))
    forms.push(form(session, id, 'reject', 'Reject', reasonField(true), html`<button class="danger">Reject</button>`));
  if ((s === 'review' || s === 'approval' || s === 'rejected') && rules.length > 0 && can(session, 'approver')) {
    const expiry = new Date(now.getTime() + DEFAULT_WAIVER_DAYS * 86400e3).toISOString().slice(0, 10);
    forms.push(
      form(
        session,
        id,
        'waive',
        'Waive a rule',
        html`<div class="row"><label>Rule<input name="rule" list="rules-${id}" required maxlength="200" /></label>
          <label>Expires<input type="date" name="expires" value="${expiry}" required /></label></div>
          <datalist id="rules-${id}">${rules.map((r) => html`<option value="${r}"></option>`)}</datalist>
          <label>Owner<input name="owner" required maxlength="200" /></label>${reasonField(true)}`,
        html`<button class="secondary">Add waiver</button>`,
      ),
    );
  }
  if (s === 'approved' && can(session, 'submitter', 'approver'))
    forms.push(
      form(
        session,
        id,
        'deploy',
        'Record a deployment',
        html`<div class="row"><label>Environment<input name="environment" required maxlength="200" placeholder="prod-eu" /></label>
          <label>Owner<input name="owner" required maxlength="200" placeholder="team" /></label></div>
          <label>Business owner<input name="business_owner" maxlength="200" /></label>`,
        html`<button>Record deployment</button>`,
      ),
    );
  if (s === 'approved' && can(session, 'approver'))
    forms.push(form(session, id, 'revoke', 'Revoke', reasonField(true), html`<button class="danger">Revoke and flag descendants</button>`));
  return html`<section id="actions"><h2>Actions</h2>${
    forms.length
      ? html`<div class="actions">${forms}</div>`
      : html`<p class="empty">Nothing for ${session.principal.roles.join(', ')} to do on a version in state ${s}.</p>`
  }</section>`;
}
