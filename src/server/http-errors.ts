import type { ErrorCode } from '../core/errors.js';

/** The HTTP status of each error a registry operation throws; anything else is a 500. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  USAGE: 400,
  POLICY_INVALID: 400,
  MALFORMED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  HUB_ACCESS: 403,
  NOT_FOUND: 404,
  HUB_NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  VERIFY_MISMATCH: 422,
  SIGNATURE_INVALID: 422,
  LIMIT_ENTRIES: 422,
  HUB_RATE_LIMIT: 503,
  NETWORK: 502,
};

export function statusOf(code: string | undefined): number {
  return (code && STATUS[code as ErrorCode]) || 500;
}
