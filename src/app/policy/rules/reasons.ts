import type { PolicyReason } from '../../../core/report-types.js';

/** What the checks say: reasons to deny, and notes for an allowed decision. */
export interface Reasons {
  deny: PolicyReason[];
  notes: PolicyReason[];
}

/** A finding's message is quoted in reasons; past this it is cut (the report has it whole). */
const MAX_QUOTE_CHARS = 240;

/** `text`, cut to MAX_QUOTE_CHARS with an ellipsis. */
export function quote(text: string): string {
  return text.length <= MAX_QUOTE_CHARS ? text : `${text.slice(0, MAX_QUOTE_CHARS - 1)}…`;
}
