import { z } from 'zod';
import { SEVERITIES } from '../../core/severity.js';

/**
 * The policy file, version 1 (docs/policy.md documents every key; docs/policy.schema.json is
 * generated from this). Every object is strict: an unknown key, such as a misspelt
 * `maxSeverty`, is an error, because a typo in a security policy must not silently weaken it.
 */

/** `YYYY-MM-DD`, a real calendar day (UTC). */
const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date written YYYY-MM-DD', abort: true })
  .refine((day) => {
    const parsed = new Date(`${day}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day);
  }, 'not a calendar date');

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const Formats = z
  .strictObject({
    allow: z.array(nonEmpty).describe('Formats (as reported in files[].format) a model file may have, e.g. [safetensors, gguf].'),
    exempt: z
      .array(nonEmpty)
      .optional()
      .describe('Formats not judged by `allow` (configs, text, images...). Replaces the default list in docs/policy.md when given.'),
  })
  .describe('Which formats model files may have.');

const Organizations = z
  .strictObject({
    allow: z.array(nonEmpty).optional().describe('Patterns (`*` is a wildcard): `org` or `org/name`. A Hub repo must match one, with the same case.'),
    deny: z.array(nonEmpty).optional().describe('Patterns (`*` is a wildcard): `org` or `org/name`. A Hub repo that matches one, ignoring case, is denied.'),
  })
  .describe('Which Hugging Face organisations and repos are allowed. Does not apply to local targets.');

const Signer = z
  .strictObject({
    identity: nonEmpty.optional().describe('Keyless (Sigstore) certificate identity, e.g. an e-mail or a workflow URI. Needs `issuer`.'),
    issuer: nonEmpty.optional().describe('OIDC issuer of the identity, e.g. https://accounts.google.com. Needs `identity`.'),
    key: nonEmpty.optional().describe('Fingerprint of a signing key, compared ignoring case.'),
  })
  .superRefine((signer, ctx) => {
    const keyless = signer.identity !== undefined || signer.issuer !== undefined;
    if (keyless && signer.key !== undefined) ctx.addIssue({ code: 'custom', message: 'a signer is either identity + issuer or key, not both' });
    else if (signer.identity !== undefined && signer.issuer === undefined)
      ctx.addIssue({ code: 'custom', path: ['issuer'], message: 'required with identity' });
    else if (signer.issuer !== undefined && signer.identity === undefined)
      ctx.addIssue({ code: 'custom', path: ['identity'], message: 'required with issuer' });
    else if (!keyless && signer.key === undefined) ctx.addIssue({ code: 'custom', message: 'a signer needs identity + issuer, or key' });
  });

const Signature = z
  .strictObject({
    required: z.boolean().default(true).describe('Whether a verified signature is required (default true once `signature` is given).'),
    signers: z.array(Signer).optional().describe('When given, the signature must come from one of these; otherwise any verified signature will do.'),
  })
  .describe('Require a signature that verifies (model.sig at the target root, or --signature FILE).');

const Override = z
  .strictObject({
    rule: nonEmpty.describe('Rule id of the findings it covers, e.g. pickle/unknown-global; `*` is a wildcard.'),
    paths: z
      .array(nonEmpty)
      .optional()
      .describe('Glob patterns of file paths in the report (`*` within a folder, `**` across folders). All paths when absent.'),
    reason: nonEmpty.describe('Why the exception is acceptable: who reviewed what. Mandatory.'),
    expires: isoDay.describe('Last day (UTC, YYYY-MM-DD) the override applies; after it the findings count again.'),
  })
  .describe('An accepted finding: it no longer counts against maxSeverity, remoteCode or the not-fully-read rule.');

/** The schema of a version 1 policy file. */
export const PolicySchema = z
  .strictObject({
    version: z.literal(1).describe('Schema version of the policy file; must be 1.'),
    name: nonEmpty.optional().describe('A name for people, e.g. production.'),
    description: z.string().optional().describe('Free text for people.'),
    maxSeverity: z.enum(SEVERITIES).default('low').describe('Highest finding severity allowed; any finding above it denies. Default low.'),
    remoteCode: z
      .enum(['deny', 'allow'])
      .default('deny')
      .describe('Whether repos that need trust_remote_code (hfconfig/remote-code findings) are denied. Default deny.'),
    formats: Formats.optional(),
    organizations: Organizations.optional(),
    requirePinnedRevision: z.boolean().default(false).describe('A Hub target must be read at a full 40-hex commit sha. Default false.'),
    requireLock: z.boolean().default(false).describe('The target must have been checked against a lock, and match it. Default false.'),
    signature: Signature.optional(),
    overrides: z.array(Override).default([]).describe('Accepted findings, each with a reason and an expiry date.'),
  })
  .describe('A modelgate policy: which scan results are allowed (docs/policy.md).');

/** A validated policy, with defaults filled in. */
export type Policy = z.output<typeof PolicySchema>;
/** A policy as written in the file, before defaults. */
export type PolicyInput = z.input<typeof PolicySchema>;
/** One override of a validated policy. */
export type PolicyOverride = Policy['overrides'][number];
/** One signer of a validated policy's `signature.signers`. */
export type PolicySigner = NonNullable<NonNullable<Policy['signature']>['signers']>[number];
