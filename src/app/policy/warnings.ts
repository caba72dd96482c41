import { isKnownFormat } from './formats.js';
import { isExpired, utcDay } from './overrides.js';
import type { Policy } from './schema.js';

/** Exceptions should be reviewed at least this often: a later expiry earns a warning. */
const MAX_OVERRIDE_DAYS = 366;

/**
 * What is valid but worth a person's attention: overrides that have expired or expire more
 * than a year ahead, and format names the engine never reports (likely typos; they make the
 * policy stricter, not weaker, so they are not errors).
 */
export function policyWarnings(policy: Policy, today: Date): string[] {
  const warnings: string[] = [];
  const horizon = utcDay(new Date(today.getTime() + MAX_OVERRIDE_DAYS * 86_400_000));
  policy.overrides.forEach((o, i) => {
    if (isExpired(o, today)) warnings.push(`overrides[${i}] (${o.rule}) expired on ${o.expires} and no longer applies`);
    else if (o.expires > horizon)
      warnings.push(`overrides[${i}] (${o.rule}) expires on ${o.expires}, more than a year ahead: review exceptions at least yearly`);
  });
  for (const key of ['allow', 'exempt'] as const) {
    for (const name of policy.formats?.[key] ?? []) {
      if (!isKnownFormat(name)) warnings.push(`formats.${key}: "${name}" is not a format modelgate reports (see docs/policy.md)`);
    }
  }
  return warnings;
}
