import type { ScanResult } from '../../../core/report-types.js';
import { DEFAULT_EXEMPT_FORMATS } from '../formats.js';
import type { Policy } from '../schema.js';
import type { Reasons } from './reasons.js';

/**
 * `formats.allow`: every file whose format is not exempt (configs, text, images, code...: see
 * DEFAULT_EXEMPT_FORMATS, or the policy's own `formats.exempt`) must have an allowed format.
 * Unknown and new format names are judged, not exempt: the list fails closed.
 */
export function checkFormats(result: ScanResult, policy: Policy, out: Reasons): void {
  if (!policy.formats) return;
  const { allow } = policy.formats;
  const exempt = new Set(policy.formats.exempt ?? DEFAULT_EXEMPT_FORMATS);
  const allowed = allow.length === 0 ? 'the policy allows no model format' : `the policy allows only ${allow.join(', ')}`;
  for (const file of result.files) {
    if (exempt.has(file.format) || allow.includes(file.format)) continue;
    out.deny.push({ rule: 'formats.allow', path: file.path, message: `${file.path} is ${file.format}; ${allowed}` });
  }
}
