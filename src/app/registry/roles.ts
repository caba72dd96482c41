import { ModelgateError } from '../../core/errors.js';

/** What a token may do (docs/design/REGISTRY.md, "Roles"). */
export const ROLES = ['submitter', 'reviewer', 'approver', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the principal a token names, and its roles. */
export interface Principal {
  name: string;
  roles: readonly Role[];
}

/** The principal of the registry's own background work (pipeline, re-scans). */
export const SYSTEM: Principal = { name: 'modelgate', roles: ['admin'] };

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Throws FORBIDDEN unless the principal has one of the roles (admin has them all, save four-eyes). */
export function requireRole(who: Principal, ...roles: Role[]): void {
  if (who.roles.includes('admin') || roles.some((r) => who.roles.includes(r))) return;
  throw new ModelgateError('FORBIDDEN', `${who.name} needs the role ${roles.join(' or ')}`);
}
