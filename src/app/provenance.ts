import { withLimits, type Limits } from '../core/limits.js';
import type { Provenance } from '../core/report-types.js';
import { provenance } from '../engine/index.js';
import { TOOL_VERSION } from './version.js';

/**
 * The provenance a scan with these limits would record now (tool, format, rule and allow-list
 * versions, limits): a stored verdict whose key differs was made by another engine.
 */
export function currentProvenance(limits?: Partial<Limits>): Provenance {
  return provenance(TOOL_VERSION, withLimits(limits));
}
