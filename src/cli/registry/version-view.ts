/** `modelgate inventory --version ID` in text: everything a reviewer and an auditor read of one version. */
import { deploymentTable } from './render.js';
import { count, fields, table, when } from './table.js';
import type { VersionView } from './types.js';
import { approversNeeded } from './wait.js';

/** Bytes for people: 1.5 MB. */
export function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function section(title: string, body: string): string {
  return `\n${title}\n${body}`;
}

export function renderVersion(v: VersionView): string {
  const ref = v.source_ref === v.source_kind ? v.source_kind : `${v.source_kind} ${v.source_ref}`;
  const source = v.source_commit ? `${ref} (commit ${v.source_commit})` : ref;
  const total = v.files.reduce((sum, f) => sum + f.size, 0);
  const lineage = [
    ...v.parents.map((l) => ['parent', l.parent_version_id ? `${l.parent_model_id}@${l.parent_version_id}` : l.parent_model_id, l.relation, l.status]),
    ...v.children.map((l) => ['child', l.child_version_id, l.relation, l.status]),
  ];
  return (
    fields([
      ['version', v.id],
      ['model', v.model_id],
      ['state', v.state_reason ? `${v.state} (${v.state_reason})` : v.state],
      ['verdict', v.verdict],
      ['risk', v.risk && `${v.risk} (needs ${approversNeeded(v.risk)})`],
      ['source', source],
      ['digest', v.root_digest],
      ['submitted', `by ${v.submitted_by} at ${when(v.created_at)}`],
      ['licence', v.licence_accepted_by && `accepted by ${v.licence_accepted_by}`],
      ['policy', v.policy_digest && `sha256:${v.policy_digest}`],
    ]) +
    section(
      `files (${count(v.files.length, 'file')}, ${bytes(total)})`,
      table(
        ['path', 'size', 'sha256'],
        v.files.map((f) => [f.path, bytes(f.size), f.sha256]),
        '  ',
      ),
    ) +
    section(
      'history',
      table(
        ['at', 'from', 'to', 'by', 'reason'],
        v.transitions.map((t) => [when(t.at), t.from_state, t.to_state, t.actor, t.reason]),
        '  ',
      ),
    ) +
    section(
      'approvals',
      table(
        ['approver', 'at', 'reason'],
        v.approvals.map((a) => [a.approver, when(a.at), a.reason]),
        '  ',
      ),
    ) +
    section(
      'waivers',
      table(
        ['rule', 'owner', 'expires', 'by', 'reason'],
        v.waivers.map((w) => [w.rule, w.owner, when(w.expires_at), w.created_by, w.reason]),
        '  ',
      ),
    ) +
    section(
      'evidence',
      table(
        ['kind', 'sha256', 'issued'],
        v.attestations.map((a) => [a.kind, a.sha256, when(a.created_at)]),
        '  ',
      ),
    ) +
    section('deployments', deploymentTable(v.deployments, '  ')) +
    section('lineage', table(['link', 'version', 'relation', 'lineage'], lineage, '  ')) +
    section(
      'incidents',
      table(
        ['kind', 'deployment', 'opened', 'closed'],
        v.incidents.map((i) => [i.kind, i.deployment_id, when(i.opened_at), when(i.closed_at)]),
        '  ',
      ),
    )
  );
}
