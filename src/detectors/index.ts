import { CONTAINER_RULES } from './container/index.js';
import { PICKLE_RULES } from './pickle/index.js';
import type { RuleMeta } from './rule.js';

/** Metadata of every rule modelgate reports under, sorted by id (for SARIF and docs). */
export const ALL_RULES: readonly RuleMeta[] = [...CONTAINER_RULES, ...PICKLE_RULES.map((r) => r.meta)].sort((a, b) => a.id.localeCompare(b.id));
