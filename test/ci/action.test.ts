import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, flagsIn, models, runScript, scanFlags, type Models } from './ci-helpers.js';

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const SCRIPT = join(ROOT, 'scripts/ci/action-scan.sh');
const scanStep = action.runs.steps.find((s) => s.id === 'scan')!;

/** The scan step's environment with the action's defaults, then `inputs`, as the runner would give it. */
function scanEnv(inputs: Record<string, string>): Record<string, string> {
  const values = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? '']));
  Object.assign(values, inputs);
  return Object.fromEntries(
    Object.entries(scanStep.env!).map(([name, expr]) => {
      const m = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(expr);
      if (!m) throw new Error(`${name} is not an input: ${expr}`);
      return [name, values[m[1]!]!];
    }),
  );
}

describe('action.yml', () => {
  it('is a composite action with the documented inputs and outputs', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.name).toBeTruthy();
    expect(action.description).toBeTruthy();
    for (const input of ['targets', 'policy', 'format', 'fail-on', 'sarif-root', 'upload-sarif', 'output', 'args']) {
      expect(action.inputs[input], input).toBeDefined();
      expect(action.inputs[input]!.description).toBeTruthy();
      expect(action.inputs[input]!.required ?? false).toBe(false);
    }
    expect(action.inputs['format']!.default).toBe('sarif');
    expect(action.inputs['fail-on']!.default).toBe('medium');
    expect(action.inputs['upload-sarif']!.default).toBe('false');
    expect(action.outputs['exit-code']!.value).toBe('${{ steps.scan.outputs.exit-code }}');
  });

  it('needs no secrets and pins every third-party action by full commit SHA', () => {
    const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
    expect(text).not.toMatch(/secrets\./);
    const uses = action.runs.steps.filter((s) => s.uses).map((s) => s.uses!);
    expect(uses.some((u) => u.startsWith('github/codeql-action/upload-sarif@'))).toBe(true);
    expect(uses.some((u) => u.startsWith('actions/setup-node@'))).toBe(true);
    for (const u of uses) expect(u, u).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
  });

  it('passes inputs to run scripts through env, never spliced into the script', () => {
    for (const step of action.runs.steps.filter((s) => s.run)) {
      expect(step.run, step.name).not.toMatch(/\$\{\{/);
      expect(step.shell).toBe('bash');
    }
  });

  it('uploads SARIF only when asked, and fails the job last with the scan exit code', () => {
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.if).toBe("${{ inputs.upload-sarif == 'true' && steps.scan.outputs.report-exists == 'true' }}");
    expect(upload.with).toMatchObject({ sarif_file: '${{ inputs.output }}', category: '${{ inputs.sarif-category }}' });
    const steps = action.runs.steps;
    expect(steps.indexOf(upload)).toBeGreaterThan(steps.indexOf(scanStep));
    const last = steps.at(-1)!;
    expect(last.env).toMatchObject({ MG_EXIT_CODE: '${{ steps.scan.outputs.exit-code }}' });
    expect(last.run).toContain('exit "${MG_EXIT_CODE');
    // The scan step records the code and does not stop the action before the upload.
    expect(scanStep.run).toContain('set +e');
    expect(scanStep.run).toContain('scripts/ci/action-scan.sh');
    expect(scanStep.run).toContain('exit-code=$code');
  });

  it('passes only flags that `modelgate scan --help` lists', () => {
    const known = scanFlags();
    const used = flagsIn(readFileSync(SCRIPT, 'utf8').replace(/^#.*$/gm, ''));
    expect(used).toEqual(expect.arrayContaining(['--format', '--fail-on', '--output', '--policy', '--sarif-root']));
    for (const flag of used) expect(known, flag).toContain(flag);
  });
});

describe("the action's scan command line", () => {
  let m: Models;
  beforeAll(() => {
    m = models();
  });
  const run = (inputs: Record<string, string>) => runScript('bash', SCRIPT, [], scanEnv(inputs), m.dir);

  it('exits 0 on a benign model and writes the SARIF report', () => {
    const r = run({ targets: 'benign' });
    expect(r.stderr).not.toMatch(/Error|at /);
    expect(r.status).toBe(0);
    const sarif = JSON.parse(readFileSync(join(m.dir, 'modelgate.sarif'), 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results).toEqual([]);
  });

  it('exits 1 on a malicious model, with the finding in the SARIF at its path from the root', () => {
    const r = run({ targets: 'benign\n  malicious  \n\n', output: 'out.sarif', 'upload-sarif': 'true' });
    expect(r.status).toBe(1);
    const sarif = JSON.parse(readFileSync(join(m.dir, 'out.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const results = sarif.runs[0]!.results;
    expect(results.map((x) => x.ruleId)).toContain('pickle/dangerous-callable');
    expect(results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri)).toContain('malicious/model.pkl');
  });

  it('runs as the runner runs its steps: scan (always passes), then the last step exits with the code', () => {
    // GitHub runs `shell: bash` steps as `bash --noprofile --norc -eo pipefail {0}`.
    const step = (run: string, env: Record<string, string>) => {
      const file = join(m.dir, `step-${Math.random().toString(36).slice(2)}.sh`);
      writeFileSync(file, run);
      return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
        cwd: m.dir,
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
    };
    for (const [targets, code, exists] of [
      ['benign', 0, true],
      ['malicious', 1, true],
      ['gone', 2, false],
    ] as const) {
      const output = join(m.dir, 'github-output');
      writeFileSync(output, '');
      writeFileSync(join(m.dir, 'modelgate.sarif'), 'stale');
      const scan = step(scanStep.run!, { ...scanEnv({ targets, 'upload-sarif': 'true' }), GITHUB_ACTION_PATH: ROOT, GITHUB_OUTPUT: output });
      expect(scan.status, targets).toBe(0);
      const outputs = readFileSync(output, 'utf8');
      expect(outputs).toContain(`exit-code=${code}\n`);
      expect(outputs.includes('report-exists=true'), targets).toBe(exists);
      const last = action.runs.steps.at(-1)!;
      expect(step(last.run!, { MG_EXIT_CODE: String(code) }).status).toBe(code);
    }
    // A scan step that never ran (no output) fails the job as an internal error.
    expect(step(action.runs.steps.at(-1)!.run!, { MG_EXIT_CODE: '' }).status).toBe(3);
  });

  it('honours fail-on, text output to the log, and extra args', () => {
    const text = run({ targets: 'malicious', format: 'text', output: '', 'fail-on': 'critical' });
    expect(text.status).toBe(1); // os.system is critical
    expect(text.stdout).toContain('MALICIOUS');
    const verbose = run({ targets: 'benign', format: 'text', output: '', args: '--verbose --no-hash' });
    expect(verbose.status).toBe(0);
    expect(verbose.stdout).toMatch(/CLEAN\s+model\.pkl/);
  });

  it('judges against a policy file', () => {
    const policy = join(m.dir, 'policy.yaml');
    writeFileSync(policy, 'version: 1\nformats:\n  allow: [safetensors]\n');
    const denied = run({ targets: 'benign', format: 'json', output: '', policy });
    expect(denied.status).toBe(1); // a clean pickle, but the policy allows safetensors only
    expect((JSON.parse(denied.stdout) as { decision: { allow: boolean } }).decision.allow).toBe(false);
    // A policy file that is missing stops the scan (exit 2), it is not skipped.
    expect(run({ targets: 'benign', format: 'json', output: '', policy: join(m.dir, 'missing.yaml') }).status).toBe(2);
  });

  it('refuses upload-sarif without a SARIF file (exit 2) and an unreadable target is exit 2', () => {
    expect(run({ targets: 'benign', format: 'json', 'upload-sarif': 'true' }).status).toBe(2);
    expect(run({ targets: 'benign', output: '', 'upload-sarif': 'true' }).status).toBe(2);
    expect(run({ targets: 'no-such-folder' }).status).toBe(2);
  });

  it('keeps a target that looks like a flag a target, and does not glob', () => {
    const r = run({ targets: '--version\n*', format: 'json', output: '' });
    expect(r.status).toBe(2); // two unreadable targets, not `--version` and not an expanded `*`
    expect(r.stdout + r.stderr).not.toMatch(/^\d+\.\d+\.\d+\s*$/);
  });
});
