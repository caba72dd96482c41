import { describe, expect, it } from 'vitest';
import type { PolicyDecision, ScanResult } from '../../src/core/report-types.js';
import type { Severity } from '../../src/core/severity.js';
import { decide, MAX_REASONS_PER_RULE, type PolicyFacts, type PolicyInput, PolicySchema } from '../../src/app/policy/index.js';
import { fatal, file, finding, hub, safetensorsRepo, scanResult, SHA } from './scan-result.js';

const TODAY = new Date('2026-06-01T12:00:00Z');

interface Case {
  name: string;
  policy: Omit<PolicyInput, 'version'>;
  result: ScanResult;
  facts?: PolicyFacts;
  today?: Date;
  allow: boolean;
  /** Each reason, in order: the policy key, and a pattern or text its message must contain. */
  reasons: { rule: string; message?: RegExp | string; path?: string; ruleId?: string }[];
}

function run(c: Case): PolicyDecision {
  return decide(c.result, PolicySchema.parse({ version: 1, ...c.policy }), c.facts ?? {}, c.today ?? TODAY);
}

function check(c: Case): void {
  const decision = run(c);
  expect(decision.allow, JSON.stringify(decision.reasons, null, 2)).toBe(c.allow);
  expect(decision.reasons.map((r) => r.rule)).toEqual(c.reasons.map((r) => r.rule));
  c.reasons.forEach((want, i) => {
    const got = decision.reasons[i]!;
    if (want.message instanceof RegExp) expect(got.message).toMatch(want.message);
    else if (want.message !== undefined) expect(got.message).toContain(want.message);
    if (want.path !== undefined) expect(got.path).toBe(want.path);
    if (want.ruleId !== undefined) expect(got.ruleId).toBe(want.ruleId);
  });
}

const malicious = (path: string, ruleId = 'pickle/dangerous-callable') => file(path, 'pickle', [finding(path, ruleId, 'critical')]);

describe('decide: maxSeverity', () => {
  it.each<Case>([
    { name: 'a clean repo is allowed', policy: {}, result: scanResult({ files: safetensorsRepo() }), allow: true, reasons: [] },
    {
      name: 'a finding above the default (low) denies',
      policy: {},
      result: scanResult({ files: [file('model.bin', 'pickle', [finding('model.bin', 'pickle/unknown-global', 'medium')])] }),
      allow: false,
      reasons: [
        {
          rule: 'maxSeverity',
          path: 'model.bin',
          ruleId: 'pickle/unknown-global',
          message: "model.bin: pickle/unknown-global (medium) is above the policy's maxSeverity low",
        },
      ],
    },
    {
      name: 'a finding at maxSeverity is allowed',
      policy: { maxSeverity: 'medium' },
      result: scanResult({ files: [file('model.bin', 'pickle', [finding('model.bin', 'pickle/unknown-global', 'medium')])] }),
      allow: true,
      reasons: [],
    },
    {
      name: 'info and low advice is allowed by default',
      policy: {},
      result: scanResult({
        files: [file('m.safetensors', 'safetensors', [finding('m.safetensors', 'safetensors/summary', 'info'), finding('m.safetensors', 'x/advice', 'low')])],
      }),
      allow: true,
      reasons: [],
    },
    {
      name: 'a top-level finding counts too, under its own target',
      policy: { maxSeverity: 'medium' },
      result: scanResult({
        source: hub('meta-Ilama/Llama-2-7b-chat-hf'),
        findings: [finding('hf:meta-Ilama/Llama-2-7b-chat-hf', 'repo/typosquat', 'high')],
        files: safetensorsRepo(),
      }),
      allow: false,
      reasons: [{ rule: 'maxSeverity', path: 'hf:meta-Ilama/Llama-2-7b-chat-hf', ruleId: 'repo/typosquat' }],
    },
    {
      name: 'a severity that is none of the five counts as the worst',
      policy: { maxSeverity: 'critical' },
      result: scanResult({ findings: [finding('model/', 'x/odd', 'severe' as Severity)] }),
      allow: false,
      reasons: [{ rule: 'maxSeverity', ruleId: 'x/odd' }],
    },
    {
      name: 'every finding above is a reason of its own',
      policy: { maxSeverity: 'high' },
      result: scanResult({ files: [malicious('a.pkl'), malicious('b.pkl'), file('c.pkl', 'pickle', [finding('c.pkl', 'pickle/unknown-global', 'high')])] }),
      allow: false,
      reasons: [
        { rule: 'maxSeverity', path: 'a.pkl', message: 'critical' },
        { rule: 'maxSeverity', path: 'b.pkl', message: 'critical' },
      ],
    },
  ])('$name', check);
});

describe('decide: files not fully read (built in, always on)', () => {
  it.each<Case>([
    {
      name: 'a fatal finding denies even under maxSeverity critical',
      policy: { maxSeverity: 'critical' },
      result: scanResult({ files: [file('model.bin', 'pickle', [fatal('model.bin', 'TRUNCATED')])] }),
      allow: false,
      reasons: [{ rule: 'errors', path: 'model.bin', message: /model\.bin was not fully read \(TRUNCATED: .*\); a file that was not fully read is denied/ }],
    },
    {
      name: 'a fatal finding of a malicious file denies as well as its severity',
      policy: {},
      result: scanResult({ files: [file('x.pkl', 'pickle', [finding('x.pkl', 'pickle/dangerous-callable', 'critical'), fatal('x.pkl')])] }),
      allow: false,
      reasons: [
        { rule: 'maxSeverity', ruleId: 'pickle/dangerous-callable' },
        { rule: 'errors', ruleId: 'pickle/malformed-stream' },
      ],
    },
    {
      name: 'an override that names the fatal finding lifts it, with a note',
      policy: {
        overrides: [
          { rule: 'pickle/malformed-stream', paths: ['legacy/*.bin'], reason: 'truncated on purpose by our exporter (TICKET-9)', expires: '2026-12-31' },
        ],
      },
      result: scanResult({ files: [file('legacy/old.bin', 'pickle', [fatal('legacy/old.bin')])] }),
      allow: true,
      reasons: [
        { rule: 'overrides', path: 'legacy/old.bin', message: 'accepted by overrides[0] until 2026-12-31: truncated on purpose by our exporter (TICKET-9)' },
      ],
    },
    {
      name: 'a verdict of error without a fatal finding still denies',
      policy: { maxSeverity: 'critical' },
      result: scanResult({ files: [{ ...file('odd.bin', 'pickle'), verdict: 'error' }] }),
      allow: false,
      reasons: [{ rule: 'errors', path: 'odd.bin' }],
    },
  ])('$name', check);
});

describe('decide: remoteCode', () => {
  const remote = () =>
    file('config.json', 'hf-config', [finding('config.json', 'hfconfig/remote-code', 'low', { message: 'auto_map makes AutoModel import modeling_x.py' })]);
  it.each<Case>([
    {
      name: 'a low remote-code finding denies by default',
      policy: {},
      result: scanResult({ files: [file('model.safetensors', 'safetensors'), remote(), file('modeling_x.py', 'python')] }),
      allow: false,
      reasons: [
        {
          rule: 'remoteCode',
          path: 'config.json',
          ruleId: 'hfconfig/remote-code',
          message: 'auto_map makes AutoModel import modeling_x.py; the policy denies remote code',
        },
      ],
    },
    {
      name: 'remoteCode: allow lets it through',
      policy: { remoteCode: 'allow' },
      result: scanResult({ files: [remote(), file('modeling_x.py', 'python')] }),
      allow: true,
      reasons: [],
    },
    {
      name: 'a python file nothing loads is judged by its own findings only',
      policy: {},
      result: scanResult({ files: [...safetensorsRepo(), file('scripts/convert.py', 'python')] }),
      allow: true,
      reasons: [],
    },
    {
      name: 'remote code is still judged by severity when allowed',
      policy: { remoteCode: 'allow' },
      result: scanResult({ files: [file('config.json', 'hf-config', [finding('config.json', 'hfconfig/remote-code', 'high')])] }),
      allow: false,
      reasons: [{ rule: 'maxSeverity', ruleId: 'hfconfig/remote-code' }],
    },
  ])('$name', check);
});

describe('decide: formats', () => {
  it.each<Case>([
    {
      name: 'safetensors only allows a typical safetensors repo (configs, tokenizer, README)',
      policy: { formats: { allow: ['safetensors'] } },
      result: scanResult({ files: [...safetensorsRepo(), file('chat_template.jinja', 'chat-template'), file('logo.png', 'image')] }),
      allow: true,
      reasons: [],
    },
    {
      name: 'safetensors only denies a pickle, saying what it is and what is allowed',
      policy: { formats: { allow: ['safetensors', 'gguf'] } },
      result: scanResult({ files: [...safetensorsRepo(), file('model.bin', 'pickle')] }),
      allow: false,
      reasons: [{ rule: 'formats.allow', path: 'model.bin', message: 'model.bin is pickle; the policy allows only safetensors, gguf' }],
    },
    {
      name: 'a format the policy never heard of is judged, not exempt',
      policy: { formats: { allow: ['safetensors'] } },
      result: scanResult({ files: [file('m.tflite', 'tflite'), file('w.gz', 'safetensors-gzip'), file('a.zip', 'zip')] }),
      allow: false,
      reasons: [
        { rule: 'formats.allow', path: 'm.tflite' },
        { rule: 'formats.allow', path: 'w.gz' },
        { rule: 'formats.allow', path: 'a.zip' },
      ],
    },
    {
      name: 'an explicit exempt list replaces the default one',
      policy: { formats: { allow: ['safetensors'], exempt: ['json', 'hf-config', 'text'] } },
      result: scanResult({ files: safetensorsRepo() }),
      allow: false,
      reasons: [
        { rule: 'formats.allow', path: 'tokenizer_config.json', message: 'hf-tokenizer-config' },
        { rule: 'formats.allow', path: 'tokenizer.model', message: 'tokenizer.model is other' },
      ],
    },
    {
      name: 'an empty allow list allows no model file',
      policy: { formats: { allow: [] } },
      result: scanResult({ files: [file('m.gguf', 'gguf'), file('README.md', 'text')] }),
      allow: false,
      reasons: [{ rule: 'formats.allow', message: 'the policy allows no model format' }],
    },
  ])('$name', check);
});

describe('decide: organizations', () => {
  const repo = (name: string, extra = {}) => scanResult({ source: hub(name, SHA, extra), files: safetensorsRepo() });
  it.each<Case>([
    {
      name: 'an allowed organisation',
      policy: { organizations: { allow: ['meta-llama', 'google'] } },
      result: repo('meta-llama/Llama-2-7b-hf'),
      allow: true,
      reasons: [],
    },
    {
      name: 'an organisation not in the allow list',
      policy: { organizations: { allow: ['meta-llama', 'google'] } },
      result: repo('evil/Llama-2-7b-hf'),
      allow: false,
      reasons: [
        { rule: 'organizations.allow', message: 'evil/Llama-2-7b-hf matches no allowed organisation or repo; the policy allows only meta-llama, google' },
      ],
    },
    {
      name: 'allow patterns need the same case (a case-only look-alike is not allowed)',
      policy: { organizations: { allow: ['meta-llama'] } },
      result: repo('Meta-Llama/Llama-2-7b-hf'),
      allow: false,
      reasons: [{ rule: 'organizations.allow' }],
    },
    {
      name: 'deny patterns ignore case',
      policy: { organizations: { deny: ['evilorg'] } },
      result: repo('EvilOrg/model'),
      allow: false,
      reasons: [{ rule: 'organizations.deny', message: 'EvilOrg/model matches "evilorg", which the policy denies' }],
    },
    {
      name: 'org/name patterns with a wildcard',
      policy: { organizations: { allow: ['google/gemma-*'] } },
      result: repo('google/gemma-2b'),
      allow: true,
      reasons: [],
    },
    {
      name: 'an org/name pattern does not allow other repos of the organisation',
      policy: { organizations: { allow: ['google/gemma-*'] } },
      result: repo('google/t5-small'),
      allow: false,
      reasons: [{ rule: 'organizations.allow' }],
    },
    {
      name: 'a wildcard organisation pattern',
      policy: { organizations: { deny: ['*-test'] } },
      result: repo('acme-test/m'),
      allow: false,
      reasons: [{ rule: 'organizations.deny' }],
    },
    {
      name: 'a redirect to another organisation is judged too',
      policy: { organizations: { allow: ['meta-llama'] } },
      result: repo('meta-llama/Llama-2-7b-hf', { redirectedTo: 'squatter/Llama-2-7b-hf' }),
      allow: false,
      reasons: [{ rule: 'organizations.allow', message: 'squatter/Llama-2-7b-hf (the Hub redirected meta-llama/Llama-2-7b-hf to it)' }],
    },
    {
      name: 'a local target is not judged, and the decision says so',
      policy: { organizations: { allow: ['meta-llama'] } },
      result: scanResult({ files: safetensorsRepo() }),
      allow: true,
      reasons: [{ rule: 'organizations', message: 'not applied: the target is not a Hugging Face repo' }],
    },
  ])('$name', check);
});

describe('decide: requirePinnedRevision', () => {
  const at = (revision: string, commit = SHA) => scanResult({ source: { repo: 'org/m', revision, commit }, files: safetensorsRepo() });
  it.each<Case>([
    { name: 'a full commit sha', policy: { requirePinnedRevision: true }, result: at(SHA), allow: true, reasons: [] },
    { name: 'a full commit sha in capitals', policy: { requirePinnedRevision: true }, result: at(SHA.toUpperCase()), allow: true, reasons: [] },
    {
      name: 'a branch',
      policy: { requirePinnedRevision: true },
      result: at('main'),
      allow: false,
      reasons: [
        {
          rule: 'requirePinnedRevision',
          message: `org/m was read at revision "main", a branch or tag that can move; the policy requires a full 40-hex commit sha (org/m@${SHA})`,
        },
      ],
    },
    { name: 'a short sha', policy: { requirePinnedRevision: true }, result: at(SHA.slice(0, 7)), allow: false, reasons: [{ rule: 'requirePinnedRevision' }] },
    {
      name: 'a sha that resolved to another commit',
      policy: { requirePinnedRevision: true },
      result: at(SHA, 'f'.repeat(40)),
      allow: false,
      reasons: [{ rule: 'requirePinnedRevision', message: 'but read at commit ffff' }],
    },
    { name: 'not required', policy: {}, result: at('main'), allow: true, reasons: [] },
    {
      name: 'a local target',
      policy: { requirePinnedRevision: true },
      result: scanResult({ files: safetensorsRepo() }),
      allow: true,
      reasons: [{ rule: 'requirePinnedRevision', message: 'not applied' }],
    },
  ])('$name', check);
});

describe('decide: requireLock', () => {
  const result = scanResult({ files: safetensorsRepo() });
  const problems = Array.from({ length: 13 }, (_, i) => `file${i}.bin: sha256 differs`);
  it.each<Case>([
    { name: 'no lock facts', policy: { requireLock: true }, result, allow: false, reasons: [{ rule: 'requireLock', message: 'no lock was checked' }] },
    {
      name: 'a lock not checked',
      policy: { requireLock: true },
      result,
      facts: { lock: { checked: false, ok: false, problems: [] } },
      allow: false,
      reasons: [{ rule: 'requireLock', message: 'no lock was checked' }],
    },
    { name: 'a matching lock', policy: { requireLock: true }, result, facts: { lock: { checked: true, ok: true, problems: [] } }, allow: true, reasons: [] },
    {
      name: 'a lock that does not match lists the problems',
      policy: { requireLock: true },
      result,
      facts: { lock: { checked: true, ok: false, problems: ['model.safetensors: sha256 differs', 'extra.bin: not in the lock'] } },
      allow: false,
      reasons: [{ rule: 'requireLock', message: 'the target does not match its lock: model.safetensors: sha256 differs; extra.bin: not in the lock' }],
    },
    {
      name: 'many problems are counted past ten',
      policy: { requireLock: true },
      result,
      facts: { lock: { checked: true, ok: false, problems } },
      allow: false,
      reasons: [{ rule: 'requireLock', message: /file9\.bin: sha256 differs; and 3 more$/ }],
    },
    { name: 'not required', policy: {}, result, allow: true, reasons: [] },
  ])('$name', check);
});

describe('decide: signature', () => {
  const result = scanResult({ files: safetensorsRepo() });
  const keyless = { checked: true, verified: true, identity: 'release@example.com', issuer: 'https://accounts.google.com' };
  const signers = [{ identity: 'release@example.com', issuer: 'https://accounts.google.com' }, { key: 'SHA256:AbCd' }];
  it.each<Case>([
    {
      name: 'required, but signing facts are absent (signing is not built yet)',
      policy: { signature: {} },
      result,
      allow: false,
      reasons: [{ rule: 'signature', message: 'the policy requires a signature, but no signature was checked' }],
    },
    {
      name: 'required, and no signature was found',
      policy: { signature: { required: true } },
      result,
      facts: { signature: { checked: false, verified: false, error: 'no model.sig at the target root' } },
      allow: false,
      reasons: [{ rule: 'signature', message: 'no signature was checked (no model.sig at the target root)' }],
    },
    {
      name: 'a signature that does not verify',
      policy: { signature: {} },
      result,
      facts: { signature: { checked: true, verified: false, error: 'digest mismatch for model.safetensors' } },
      allow: false,
      reasons: [{ rule: 'signature', message: 'the signature did not verify: digest mismatch for model.safetensors' }],
    },
    { name: 'any verified signature', policy: { signature: {} }, result, facts: { signature: keyless }, allow: true, reasons: [] },
    { name: 'a listed identity and issuer', policy: { signature: { signers } }, result, facts: { signature: keyless }, allow: true, reasons: [] },
    {
      name: 'the right identity from another issuer',
      policy: { signature: { signers } },
      result,
      facts: { signature: { ...keyless, issuer: 'https://evil.example' } },
      allow: false,
      reasons: [
        {
          rule: 'signature.signers',
          message:
            'made by release@example.com (issuer https://evil.example); the policy accepts only release@example.com (issuer https://accounts.google.com), key SHA256:AbCd',
        },
      ],
    },
    {
      name: 'a listed key, ignoring case',
      policy: { signature: { signers } },
      result,
      facts: { signature: { checked: true, verified: true, keyFingerprint: 'sha256:abcd' } },
      allow: true,
      reasons: [],
    },
    { name: 'required: false', policy: { signature: { required: false } }, result, allow: true, reasons: [] },
  ])('$name', check);
});

describe('decide: overrides', () => {
  const legacy = () =>
    scanResult({ files: [file('legacy/old.bin', 'pickle', [finding('legacy/old.bin', 'pickle/unknown-global', 'high')]), ...safetensorsRepo()] });
  const override = { rule: 'pickle/unknown-global', paths: ['legacy/*.bin'], reason: 'reviewed by security (TICKET-123)', expires: '2027-01-31' };
  it.each<Case>([
    {
      name: 'an override in force accepts the finding, with a note',
      policy: { overrides: [override] },
      result: legacy(),
      allow: true,
      reasons: [
        {
          rule: 'overrides',
          path: 'legacy/old.bin',
          ruleId: 'pickle/unknown-global',
          message: 'legacy/old.bin: pickle/unknown-global (high) accepted by overrides[0] until 2027-01-31: reviewed by security (TICKET-123)',
        },
      ],
    },
    {
      name: 'an override applies through its expiry day (UTC)',
      policy: { overrides: [override] },
      result: legacy(),
      today: new Date('2027-01-31T23:59:59Z'),
      allow: true,
      reasons: [{ rule: 'overrides' }],
    },
    {
      name: 'an expired override no longer applies, and the reason says so',
      policy: { overrides: [override] },
      result: legacy(),
      today: new Date('2027-02-01T00:00:00Z'),
      allow: false,
      reasons: [
        {
          rule: 'maxSeverity',
          path: 'legacy/old.bin',
          message: /; overrides\[0\] for pickle\/unknown-global on legacy\/\*\.bin expired on 2027-01-31 and no longer applies$/,
        },
      ],
    },
    {
      name: 'an override for other paths does not apply',
      policy: { overrides: [override] },
      result: scanResult({ files: [file('legacy/sub/old.bin', 'pickle', [finding('legacy/sub/old.bin', 'pickle/unknown-global', 'high')])] }),
      allow: false,
      reasons: [{ rule: 'maxSeverity' }],
    },
    {
      name: '** crosses folders and rule ids take wildcards',
      policy: { overrides: [{ ...override, rule: 'pickle/*', paths: ['legacy/**'] }] },
      result: scanResult({ files: [file('legacy/sub/old.bin', 'pickle', [finding('legacy/sub/old.bin', 'pickle/unknown-global', 'high')])] }),
      allow: true,
      reasons: [{ rule: 'overrides' }],
    },
    {
      name: 'an override for another rule does not apply',
      policy: { overrides: [{ ...override, rule: 'pickle/dynamic-import' }] },
      result: legacy(),
      allow: false,
      reasons: [{ rule: 'maxSeverity' }],
    },
    {
      name: 'an override without paths applies everywhere, and covers remote code',
      policy: { overrides: [{ rule: 'hfconfig/remote-code', reason: 'modeling code reviewed (TICKET-7)', expires: '2026-07-01' }] },
      result: scanResult({ files: [file('config.json', 'hf-config', [finding('config.json', 'hfconfig/remote-code', 'low')])] }),
      allow: true,
      reasons: [{ rule: 'overrides', message: 'modeling code reviewed (TICKET-7)' }],
    },
    {
      name: 'an override does not lift the formats rule',
      policy: { formats: { allow: ['safetensors'] }, overrides: [override] },
      result: legacy(),
      allow: false,
      reasons: [{ rule: 'formats.allow', path: 'legacy/old.bin' }],
    },
  ])('$name', check);
});

describe('decide: the decision', () => {
  it('names the policy file when given a loaded policy, and gives every reason when denying', () => {
    const policy = PolicySchema.parse({ version: 1, formats: { allow: ['safetensors'] }, requirePinnedRevision: true });
    const result = scanResult({ source: hub('org/m', 'main'), files: [malicious('model.bin')] });
    const decision = decide(result, { policy, path: '/etc/modelgate/policy.yaml', warnings: [] }, {}, TODAY);
    expect(decision.policy).toBe('/etc/modelgate/policy.yaml');
    expect(decision.allow).toBe(false);
    expect(decision.reasons.map((r) => r.rule)).toEqual(['maxSeverity', 'formats.allow', 'requirePinnedRevision']);
    expect(decide(result, policy, {}, TODAY).policy).toBeUndefined();
  });

  it(`lists at most ${MAX_REASONS_PER_RULE} reasons per key, then counts the rest`, () => {
    const files = Array.from({ length: MAX_REASONS_PER_RULE + 25 }, (_, i) => malicious(`m${i}.pkl`));
    const decision = decide(scanResult({ files }), PolicySchema.parse({ version: 1 }), {}, TODAY);
    expect(decision.reasons).toHaveLength(MAX_REASONS_PER_RULE + 1);
    expect(decision.reasons.at(-1)).toEqual({ rule: 'maxSeverity', message: '25 more reasons under maxSeverity are not listed' });
  });

  it('does not change the scan result', () => {
    const result = scanResult({ files: [malicious('model.bin')] });
    const before = structuredClone(result);
    decide(result, PolicySchema.parse({ version: 1 }), {}, TODAY);
    expect(result).toEqual(before);
  });
});
