import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT } from '../exit-codes.js';
import { RegistryError, type RegistryClient } from './client.js';
import { fields } from './table.js';
import type { VersionView } from './types.js';

/** States the registry's pipeline moves on its own (REGISTRY.md): waiting means waiting these out. */
const AUTOMATIC_STATES = new Set(['submitted', 'scanning']);
/** States a version waits in for people: the scan let it through. */
const PASSED_STATES = new Set(['review', 'approval', 'approved']);
/** States that refuse it. */
const REFUSED_STATES = new Set(['rejected', 'revoked']);

/** First and longest pause between two looks: quick for a small model, gentle on a long scan. */
const FIRST_POLL_MS = 200;
const MAX_POLL_MS = 2000;

/** Looks at a version until it leaves the automatic states, or TIMEOUT. */
export async function waitForVerdict(client: RegistryClient, id: string, timeoutMs: number): Promise<VersionView> {
  const deadline = Date.now() + timeoutMs;
  let pause = FIRST_POLL_MS;
  for (;;) {
    const view = await client.request<VersionView>('GET', `/api/versions/${encodeURIComponent(id)}`);
    if (!AUTOMATIC_STATES.has(view.state)) return view;
    if (Date.now() + pause > deadline)
      throw new RegistryError(
        'TIMEOUT',
        `version ${id} is still ${view.state} after ${Math.round(timeoutMs / 1000)} s (look again with: modelgate inventory --version ${id})`,
      );
    await sleep(pause);
    pause = Math.min(pause * 1.5, MAX_POLL_MS);
  }
}

/** 0 when the scan let the version through to people, 1 when it was refused, 2 otherwise. */
export function verdictExit(state: string): number {
  if (PASSED_STATES.has(state)) return EXIT.OK;
  if (REFUSED_STATES.has(state)) return EXIT.FINDINGS;
  return EXIT.ERROR;
}

/** Approvals a version of this risk needs (REGISTRY.md: high risk needs two distinct approvers). */
export function approversNeeded(risk: string | null): string {
  return risk === 'low' ? 'one approver' : 'two approvers';
}

/** The outcome of a scan, for people. */
export function renderVerdict(view: VersionView): string {
  return fields([
    ['version', view.id],
    ['model', view.model_id],
    ['state', view.state],
    ['verdict', view.verdict],
    ['risk', view.risk && `${view.risk} (needs ${approversNeeded(view.risk)})`],
    ['reason', view.state_reason],
    ['digest', view.root_digest],
  ]);
}
