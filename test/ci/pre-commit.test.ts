import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { ROOT, flagsIn, models, scanFlags } from './ci-helpers.js';

interface Hook {
  id: string;
  name: string;
  language: string;
  entry: string;
  files: string;
  pass_filenames: boolean;
  require_serial: boolean;
  args?: string[];
}

const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const hook = hooks.find((h) => h.id === 'modelgate-scan')!;
const EXTENSIONS = ['pkl', 'pickle', 'pt', 'pth', 'bin', 'ckpt', 'joblib', 'npy', 'npz', 'safetensors', 'gguf', 'onnx', 'h5', 'keras', 'pb'];

describe('.pre-commit-hooks.yaml', () => {
  it('has the modelgate-scan hook: node, one serial process over the staged files', () => {
    expect(hook).toMatchObject({ language: 'node', entry: 'modelgate scan', pass_filenames: true, require_serial: true });
    expect(hook.name).toBeTruthy();
    // The entry names the package's own bin.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(Object.keys(pkg.bin)).toContain(hook.entry.split(' ')[0]);
  });

  it('matches the model extensions, and not other files', () => {
    const files = new RegExp(hook.files); // pre-commit's `files` is a Python regex searched in the path
    for (const ext of EXTENSIONS) expect(files.test(`models/sub/model.${ext}`), ext).toBe(true);
    for (const path of ['README.md', 'model.py', 'config.json', 'model.pkl.txt', 'pt', 'binary/readme']) {
      expect(files.test(path), path).toBe(false);
    }
  });

  it('passes only flags that `modelgate scan --help` lists', () => {
    const known = scanFlags();
    for (const flag of flagsIn([hook.entry, ...(hook.args ?? [])].join(' '))) expect(known, flag).toContain(flag);
  });

  it('runs as pre-commit runs it: the entry, then the matching file names', () => {
    const m = models();
    const files = new RegExp(hook.files);
    const staged = ['benign/model.pkl', 'malicious/model.pkl', 'notes.md'].filter((f) => files.test(f));
    const argv = [...hook.entry.split(' ').slice(1), ...(hook.args ?? [])];
    expect(runCli([...argv, 'benign/model.pkl'], { cwd: m.dir }).status).toBe(0);
    const r = runCli([...argv, ...staged], { cwd: m.dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('malicious/model.pkl');
  });
});
