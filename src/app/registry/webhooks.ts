import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { ModelgateError } from '../../core/errors.js';
import type { WebhooksTable } from '../../store/index.js';
import { audited, type RegistryContext } from './context.js';
import { requireRole, type Principal } from './roles.js';

import { WEBHOOK_EVENTS } from './outbox.js';

export { WEBHOOK_EVENTS };

/** Attempts before a delivery is given up (marked failed, kept for the audit). */
export const MAX_DELIVERY_ATTEMPTS = 6;
/** Backoff before attempt n+1: 1 s, 2 s, 4 s … */
const BASE_BACKOFF_MS = 1000;
/** A receiver gets this long to answer. */
const DELIVERY_TIMEOUT_MS = 10_000;

/** Registers a webhook (admin); its secret signs every payload (HMAC-SHA256) and is shown once. */
export async function addWebhook(ctx: RegistryContext, who: Principal, url: string, events: readonly string[]): Promise<WebhooksTable> {
  requireRole(who, 'admin');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ModelgateError('USAGE', `not a URL: ${url}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ModelgateError('USAGE', 'a webhook URL is http or https');
  const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (events.length === 0 || unknown.length) throw new ModelgateError('USAGE', `events are some of ${WEBHOOK_EVENTS.join(', ')}`);
  const row: WebhooksTable = { id: randomUUID(), url, secret: randomBytes(32).toString('hex'), events: events.join(','), created_at: ctx.now() };
  await audited(ctx, { actor: who.name, action: 'webhook.create', subject: row.id, details: { url, events } }, (trx) =>
    trx.insertInto('webhooks').values(row).execute(),
  );
  return row;
}

/** The signature header a receiver checks: `sha256=` HMAC of the raw body with the webhook's secret. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Sends the deliveries that are due, each at most once at a time; failures are retried with
 * exponential backoff up to MAX_DELIVERY_ATTEMPTS. Returns how many were sent.
 */
export async function deliverDue(ctx: RegistryContext): Promise<number> {
  const db = ctx.db.kysely;
  const due = await db
    .selectFrom('deliveries')
    .innerJoin('webhooks', 'webhooks.id', 'deliveries.webhook_id')
    .selectAll('deliveries')
    .select(['webhooks.url', 'webhooks.secret'])
    .where('deliveries.state', '=', 'pending')
    .where('deliveries.next_at', '<=', ctx.now())
    .limit(50)
    .execute();
  let sent = 0;
  for (const d of due) {
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-modelgate-event': d.event,
          'x-modelgate-delivery': d.id,
          'x-modelgate-signature': webhookSignature(d.secret, d.payload),
        },
        body: d.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
      await res.body?.cancel();
    } catch (e) {
      error = (e as Error).message;
    }
    const attempts = d.attempts + 1;
    const state = error === null ? 'delivered' : attempts >= MAX_DELIVERY_ATTEMPTS ? 'failed' : 'pending';
    const next = new Date(Date.parse(ctx.now()) + BASE_BACKOFF_MS * 2 ** (attempts - 1)).toISOString();
    await db.updateTable('deliveries').set({ attempts, state, last_error: error, next_at: next }).where('id', '=', d.id).execute();
    if (error === null) sent++;
  }
  return sent;
}
