import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../../store/index.js';

/** Events a webhook can ask for. */
export const WEBHOOK_EVENTS = ['version.approved', 'version.rejected', 'version.revoked', 'version.verdict-changed', 'incident.opened'] as const;

/** Queues an event for every webhook that wants it, in the caller's transaction (it is sent only if that commits). */
export async function queueEvent(ctx: { now(): string }, trx: Transaction<Database>, event: string, payload: Record<string, unknown>): Promise<void> {
  const hooks = await trx.selectFrom('webhooks').selectAll().execute();
  for (const hook of hooks) {
    if (!hook.events.split(',').includes(event)) continue;
    const body = JSON.stringify({ id: randomUUID(), event, at: ctx.now(), data: payload });
    await trx
      .insertInto('deliveries')
      .values({ id: randomUUID(), webhook_id: hook.id, event, payload: body, attempts: 0, next_at: ctx.now(), state: 'pending', last_error: null })
      .execute();
  }
}
