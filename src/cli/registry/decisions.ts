import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import type { RegistryClient } from './client.js';
import { connect, emit, oneOf, registryCommand, run, type ConnectionOpts } from './command.js';
import { deploymentTable, impactVersionTable } from './render.js';
import { count, fields, when } from './table.js';
import type { RevokeAnswer, VersionRow, Waiver } from './types.js';
import { approversNeeded } from './wait.js';

interface ReasonOpts extends ConnectionOpts {
  reason?: string;
}

const versionPath = (id: string, action: string): string => `/api/versions/${encodeURIComponent(id)}/${action}`;

/** What a decision left the version in. */
function moved(version: VersionRow, extra = ''): string {
  return `${version.model_id} version ${version.id}: ${version.state}${extra}\n`;
}

/** POSTs a decision and prints the version it answers with. */
async function decide(opts: ConnectionOpts, id: string, action: string, body: unknown, after?: (v: VersionRow) => string): Promise<number> {
  const client: RegistryClient = connect(opts);
  const version = await client.request<VersionRow>('POST', versionPath(id, action), { json: body });
  emit(opts.format, version, () => moved(version, after?.(version)));
  return EXIT.OK;
}

const FOUR_EYES = `
Four-eyes: the submitter never reviews, approves, rejects or waives their own version, and the
reviewer who accepted a version cannot also approve it; the registry refuses with FORBIDDEN.`;

/** `modelgate review ID --accept|--reject [--reason R]` */
export function reviewCommand(): Command {
  return registryCommand('review', 'review a scanned version: accept (on to approval) or reject (reviewers)')
    .argument('<id>', 'the version')
    .option('--accept', 'send it on to approval')
    .option('--reject', 'reject it (needs --reason)')
    .option('--reason <text>', 'why')
    .addHelpText('after', FOUR_EYES)
    .action(
      run(async (id: string, opts: ReasonOpts & { accept?: boolean; reject?: boolean }) => {
        const decision = oneOf({ '--accept': opts.accept, '--reject': opts.reject }, 'review') === '--accept' ? 'accept' : 'reject';
        return decide(opts, id, 'review', { decision, reason: opts.reason });
      }),
    );
}

/** `modelgate approve ID [--reason R]` */
export function approveCommand(): Command {
  return registryCommand('approve', 'approve a version awaiting approval (approvers; high risk needs two)')
    .argument('<id>', 'the version')
    .option('--reason <text>', 'why')
    .addHelpText('after', FOUR_EYES)
    .action(
      run(async (id: string, opts: ReasonOpts) =>
        decide(opts, id, 'approve', { reason: opts.reason }, (v) =>
          v.state === 'approval' ? ` (${v.risk} risk needs ${approversNeeded(v.risk)}: waiting for another)` : '',
        ),
      ),
    );
}

/** `modelgate reject ID --reason R` */
export function rejectCommand(): Command {
  return registryCommand('reject', 'reject a version under review or awaiting approval (reviewers, approvers)')
    .argument('<id>', 'the version')
    .requiredOption('--reason <text>', 'why (required)')
    .addHelpText('after', FOUR_EYES)
    .action(run(async (id: string, opts: ReasonOpts) => decide(opts, id, 'reject', { reason: opts.reason })));
}

/** `modelgate waive ID --rule R --reason T --owner O --expires DATE` */
export function waiveCommand(): Command {
  return registryCommand('waive', "waive one rule's findings on a version, with a reason, an owner and an expiry (approvers)")
    .argument('<id>', 'the version')
    .requiredOption('--rule <rule>', 'the rule id whose findings are waived (e.g. pickle/dangerous-callable)')
    .requiredOption('--reason <text>', 'why')
    .requiredOption('--owner <owner>', 'who answers for the waiver')
    .requiredOption('--expires <date>', 'ISO date or time, within a year')
    .addHelpText('after', `\nA version the policy rejected goes back to review (as high risk) once every denying rule is waived.${FOUR_EYES}`)
    .action(
      run(async (id: string, opts: ReasonOpts & { rule: string; owner: string; expires: string }) => {
        const client = connect(opts);
        const body = { rule: opts.rule, reason: opts.reason, owner: opts.owner, expiresAt: opts.expires };
        const waiver = await client.request<Waiver>('POST', versionPath(id, 'waivers'), { json: body });
        emit(opts.format, waiver, () => `waived ${waiver.rule} on version ${waiver.version_id} until ${when(waiver.expires_at)} (owner ${waiver.owner})\n`);
        return EXIT.OK;
      }),
    );
}

function renderRevocation(r: RevokeAnswer): string {
  const descendants = r.impact.versions.filter((v) => v.version.id !== r.version.id);
  return (
    fields([
      ['revoked', `${r.version.model_id} version ${r.version.id}`],
      ['reason', r.version.state_reason],
      ['flagged', `${count(descendants.length, 'descendant version')}, ${count(r.impact.deployments.length, 'deployment')}`],
      ['incidents', r.incidents],
    ]) +
    `\nflagged descendants\n${impactVersionTable(descendants, '  ')}` +
    // The blast radius was measured before the revocation flagged its deployments.
    `\nflagged deployments\n${deploymentTable(
      r.impact.deployments.map((d) => ({ ...d, status: 'flagged' })),
      '  ',
    )}`
  );
}

/** `modelgate revoke ID --reason R` */
export function revokeCommand(): Command {
  return registryCommand('revoke', 'revoke a version: its descendants and every live deployment of them are flagged (approvers)')
    .argument('<id>', 'the version')
    .requiredOption('--reason <text>', 'why (required)')
    .action(
      run(async (id: string, opts: ReasonOpts) => {
        const answer = await connect(opts).request<RevokeAnswer>('POST', versionPath(id, 'revoke'), { json: { reason: opts.reason } });
        emit(opts.format, answer, () => renderRevocation(answer));
        return EXIT.OK;
      }),
    );
}
