import type { Finding } from '../../core/finding.js';
import { globMatch } from './glob.js';
import type { PolicyOverride } from './schema.js';

/** The UTC day of a date, `YYYY-MM-DD`: expiry dates are compared as UTC days. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** An override is in force through the whole of its `expires` day (UTC). */
export function isExpired(override: PolicyOverride, today: Date): boolean {
  return utcDay(today) > override.expires;
}

/** The overrides that match one finding: the first in force, else the first expired one. */
export interface OverrideMatch {
  active?: { override: PolicyOverride; index: number };
  expired?: { override: PolicyOverride; index: number };
}

/**
 * Finds the overrides of a finding. `path` is the file's path in the report, or, for a
 * top-level finding, the finding's own target. The rule id and the paths are globs.
 */
export function matchOverride(overrides: readonly PolicyOverride[], finding: Finding, path: string, today: Date): OverrideMatch {
  const match: OverrideMatch = {};
  overrides.forEach((override, index) => {
    if (!globMatch(override.rule, finding.ruleId)) return;
    if (override.paths && !override.paths.some((p) => globMatch(p, path))) return;
    if (isExpired(override, today)) match.expired ??= { override, index };
    else match.active ??= { override, index };
  });
  return match;
}

/** "the override for X on Y expired on D", to append to a denying reason. */
export function expiredNote(match: OverrideMatch): string {
  if (!match.expired) return '';
  const { override, index } = match.expired;
  const where = override.paths ? ` on ${override.paths.join(', ')}` : '';
  return `; overrides[${index}] for ${override.rule}${where} expired on ${override.expires} and no longer applies`;
}
