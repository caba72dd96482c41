import { describe, expect, it } from 'vitest';
import { isModelgateError } from '../../src/core/errors.js';
import { parsePolicy, PolicyError, type PolicyIssue } from '../../src/app/policy/index.js';

const TODAY = new Date('2026-06-01T12:00:00Z');

/** The issues of an invalid policy (fails the test when it parses). */
function issuesOf(text: string): PolicyIssue[] {
  try {
    parsePolicy(text, 'policy.yaml', TODAY);
  } catch (e) {
    expect(isModelgateError(e, 'POLICY_INVALID')).toBe(true);
    expect(e).toBeInstanceOf(PolicyError);
    return [...(e as PolicyError).issues];
  }
  throw new Error('the policy parsed, but an error was expected');
}

describe('parsePolicy: valid files', () => {
  it('fills in the defaults of a minimal policy', () => {
    const { policy, warnings } = parsePolicy('version: 1\n', 'p.yaml', TODAY);
    expect(policy).toEqual({ version: 1, maxSeverity: 'low', remoteCode: 'deny', requirePinnedRevision: false, requireLock: false, overrides: [] });
    expect(warnings).toEqual([]);
  });

  it('reads every key', () => {
    const text = [
      'version: 1',
      'name: strict',
      'maxSeverity: medium',
      'remoteCode: allow',
      'formats: {allow: [safetensors, gguf], exempt: [json]}',
      'organizations: {allow: [meta-llama, "google/*"], deny: ["*-test"]}',
      'requirePinnedRevision: true',
      'requireLock: true',
      'signature:',
      '  signers:',
      '    - {identity: release@example.com, issuer: "https://accounts.google.com"}',
      '    - key: SHA256:abc',
      'overrides:',
      '  - {rule: pickle/unknown-global, paths: ["legacy/*.bin"], reason: reviewed, expires: 2026-12-31}',
    ].join('\n');
    const { policy } = parsePolicy(text, 'p.yaml', TODAY);
    expect(policy.formats).toEqual({ allow: ['safetensors', 'gguf'], exempt: ['json'] });
    expect(policy.signature).toEqual({
      required: true,
      signers: [{ identity: 'release@example.com', issuer: 'https://accounts.google.com' }, { key: 'SHA256:abc' }],
    });
    expect(policy.overrides[0]).toEqual({ rule: 'pickle/unknown-global', paths: ['legacy/*.bin'], reason: 'reviewed', expires: '2026-12-31' });
    expect(policy.organizations?.deny).toEqual(['*-test']);
  });

  it.each([
    ['an override far ahead', 'overrides: [{rule: a/b, reason: r, expires: 2028-01-01}]', /expires on 2028-01-01, more than a year ahead/],
    ['an expired override', 'overrides: [{rule: a/b, reason: r, expires: 2026-05-31}]', /expired on 2026-05-31/],
    ['a format never reported', 'formats: {allow: [safetensor]}', /formats.allow: "safetensor" is not a format/],
  ])('warns about %s', (_name, body, warning) => {
    const { warnings } = parsePolicy(`version: 1\n${body}\n`, 'p.yaml', TODAY);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(warning);
  });

  it('does not warn about an override that expires within the year, or a compressed format', () => {
    const text = 'version: 1\nformats: {allow: [safetensors, pickle-gzip]}\noverrides: [{rule: a/b, reason: r, expires: 2027-05-31}]\n';
    expect(parsePolicy(text, 'p.yaml', TODAY).warnings).toEqual([]);
  });
});

describe('parsePolicy: invalid files', () => {
  const cases: { name: string; text: string; issues: Partial<PolicyIssue>[]; more?: true }[] = [
    {
      name: 'an unknown top-level key, with a suggestion',
      text: 'version: 1\nmaxSeverty: high\n',
      issues: [{ path: 'maxSeverty', line: 2, column: 1, message: 'unknown key "maxSeverty" (did you mean "maxSeverity"?)' }],
    },
    {
      name: 'an unknown nested key',
      text: 'version: 1\nformats:\n  allow: [safetensors]\n  alow: [pickle]\n',
      issues: [{ path: 'formats.alow', line: 4, column: 3 }],
    },
    {
      name: 'an unknown key in an override',
      text: 'version: 1\noverrides:\n  - rule: a/b\n    reason: r\n    expires: 2026-12-01\n    path: [x]\n',
      issues: [{ path: 'overrides[0].path', line: 6, column: 5, message: 'unknown key "path" (did you mean "paths"?)' }],
    },
    {
      name: 'a wrong type',
      text: 'version: 1\nrequireLock: "yes"\n',
      issues: [{ path: 'requireLock', line: 2, column: 14, message: 'expected boolean, received string' }],
    },
    {
      name: 'a list where a mapping belongs',
      text: 'version: 1\nformats: [safetensors]\n',
      issues: [{ path: 'formats', line: 2, column: 10 }],
    },
    { name: 'a severity that does not exist', text: 'version: 1\nmaxSeverity: severe\n', issues: [{ path: 'maxSeverity', line: 2, column: 14 }] },
    { name: 'version 2', text: 'version: 2\n', issues: [{ path: 'version', line: 1, column: 10, message: 'expected 1' }] },
    { name: 'no version', text: 'maxSeverity: low\n', issues: [{ path: 'version', message: 'required', line: 1 }] },
    {
      name: 'an override without a reason',
      text: 'version: 1\noverrides:\n  - rule: pickle/unknown-global\n    expires: 2026-12-01\n',
      issues: [{ path: 'overrides[0].reason', message: 'required', line: 3, column: 5 }],
    },
    {
      name: 'an override with an empty reason',
      text: 'version: 1\noverrides:\n  - {rule: a/b, reason: "  ", expires: 2026-12-01}\n',
      issues: [{ path: 'overrides[0].reason', message: 'must not be empty', line: 3 }],
    },
    {
      name: 'an override without an expiry',
      text: 'version: 1\noverrides:\n  - {rule: a/b, reason: r}\n',
      issues: [{ path: 'overrides[0].expires', message: 'required', line: 3 }],
    },
    {
      name: 'a date that is no calendar day',
      text: 'version: 1\noverrides:\n  - rule: a/b\n    reason: r\n    expires: 2027-02-30\n',
      issues: [{ path: 'overrides[0].expires', message: 'not a calendar date', line: 5, column: 14 }],
    },
    {
      name: 'a date in another shape',
      text: 'version: 1\noverrides:\n  - rule: a/b\n    reason: r\n    expires: 31/01/2027\n',
      issues: [{ path: 'overrides[0].expires', message: 'expected a date written YYYY-MM-DD', line: 5 }],
    },
    {
      name: 'a signer with an identity but no issuer',
      text: 'version: 1\nsignature:\n  signers:\n    - identity: a@example.com\n',
      issues: [{ path: 'signature.signers[0].issuer', message: 'required with identity', line: 4 }],
    },
    {
      name: 'a signer with both a key and an identity',
      text: 'version: 1\nsignature:\n  signers:\n    - {identity: a, issuer: b, key: c}\n',
      issues: [{ path: 'signature.signers[0]', line: 4 }],
    },
    {
      name: 'a duplicate key',
      text: 'version: 1\nmaxSeverity: critical\nmaxSeverity: low\n',
      issues: [{ path: '', line: 3, message: 'Map keys must be unique' }],
    },
    { name: 'broken YAML', text: 'version: 1\nformats: {allow: [safetensors}\n', issues: [{ path: '', line: 2 }], more: true },
    { name: 'two documents', text: 'version: 1\n---\nversion: 1\n', issues: [{ path: '' }] },
    { name: 'an empty file', text: '', issues: [{ path: '', line: 1 }] },
    { name: 'a list at the top', text: '- version: 1\n', issues: [{ path: '', line: 1 }] },
  ];

  it.each(cases)('reports $name', ({ text, issues, more }) => {
    const found = issuesOf(text);
    if (more) expect(found.length).toBeGreaterThanOrEqual(issues.length);
    else expect(found).toHaveLength(issues.length);
    issues.forEach((want, i) => expect(found[i]).toMatchObject(want));
  });

  it('reports every problem at once, in file order, and names file, line and key in the message', () => {
    const text = 'version: 1\nremoteCode: maybe\nformats: {allow: [safetensors], alow: []}\noverrides:\n  - {rule: a/b, expires: 2026-12-01}\n';
    const found = issuesOf(text);
    expect(found.map((i) => [i.path, i.line])).toEqual([
      ['remoteCode', 2],
      ['formats.alow', 3],
      ['overrides[0].reason', 5],
    ]);
    expect(() => parsePolicy(text, 'conf/policy.yaml', TODAY)).toThrow(/conf\/policy\.yaml:2:13: remoteCode: expected one of "deny"\|"allow"/);
  });

  it('follows an alias to locate a problem in what it points at', () => {
    const text = 'version: 1\nx-shared: &shared {allow: [safetensors], alow: []}\n';
    expect(issuesOf(text).map((i) => i.path)).toEqual(['x-shared']);
    const aliased = 'version: 1\nname: &n 5\ndescription: *n\n';
    expect(issuesOf(aliased)).toEqual([expect.objectContaining({ path: 'name', line: 2 }), expect.objectContaining({ path: 'description', line: 3 })]);
  });

  it('refuses an alias bomb before expanding it', () => {
    const bomb = [
      'version: 1',
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefg'.split('').map(
        (k, i) =>
          `${k}: &${k} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
    ].join('\n');
    expect(issuesOf(bomb)).toEqual([expect.objectContaining({ path: '', message: expect.stringMatching(/alias/i) })]);
  });
});
