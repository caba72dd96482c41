import { z } from 'zod';
import { PolicySchema } from './schema.js';

/**
 * The policy schema as JSON Schema (draft 2020-12), for editors and other tools: the shape a
 * policy file is written in (defaults are shown, not required). docs/policy.schema.json is
 * this, serialised with two-space indents and a final newline.
 */
export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PolicySchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $schema: schema.$schema, title: 'modelgate policy, version 1', ...schema };
}
