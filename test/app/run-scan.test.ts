import { describe, expect, it } from 'vitest';
import { runScan } from '../../src/app/index.js';
import { isModelgateError } from '../../src/core/errors.js';
import { parsePolicy } from '../../src/app/policy/index.js';

const policyOf = (yaml: string) => ({ ...parsePolicy(`version: 1\n${yaml}`, 'test'), path: 'test.yaml' });

describe('runScan with a policy', () => {
  // The gate reads its lock and signature for the first target: with none, the signature check
  // was handed undefined for a path and threw a TypeError, and a plain policy passed a scan of nothing.
  it.each([
    ['a lock', 'requireLock: true\n'],
    ['a signature', 'signature:\n  required: true\n'],
    ['only severities', 'maxSeverity: low\n'],
  ])('refuses no targets as a usage error (a policy requiring %s)', async (_what, yaml) => {
    await expect(runScan({ targets: [], workers: 0, policy: policyOf(yaml) })).rejects.toSatisfy((e: unknown) => isModelgateError(e, 'USAGE'));
  });
});
