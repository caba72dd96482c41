import { createHash } from 'node:crypto';
import type { Limits } from '../core/limits.js';
import type { Provenance } from '../core/report-types.js';
import { allowListDigest } from '../detectors/pickle/allowlist.js';
import { allRules } from './lazy.js';
import { formatVersions } from './registry.js';

/**
 * Imports what `provenance` reads (every rule) without blocking this thread, which a caller
 * whose files scan in workers does while they scan; else `provenance` loads it on first use.
 */
export function prepareProvenance(): Promise<void> {
  return allRules.preload();
}

/**
 * What produced a result: the tool version, every format's and rule's version, the pickle
 * allow-list's digest and the limits, with `key`, the SHA-256 of all of it. Two scans of the
 * same bytes with the same key report the same findings, so the key is the cache and job key.
 */
export function provenance(toolVersion: string, limits: Limits): Provenance {
  const rules = Object.fromEntries(allRules().ALL_RULES.map((r) => [r.id, r.version ?? 1]));
  const record = { tool: toolVersion, formats: formatVersions(), rules, allowList: allowListDigest(), limits: { ...limits } };
  const key = createHash('sha256').update(JSON.stringify(record)).digest('hex');
  return { key, ...record };
}
