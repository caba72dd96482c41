import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickle } from '../../src/formats/pickle/builder.js';
import { runCli } from '../helpers/cli.js';
import { osSystemPickle, plainPickle } from '../helpers/pickles.js';

const run = (...args: string[]) => runCli(args);

const dir = mkdtempSync(join(tmpdir(), 'mg-cli-'));
const bad = join(dir, 'bad.bin');
const good = join(dir, 'good.bin');
const broken = join(dir, 'broken.pkl');
const odd = join(dir, 'odd.pkl');
writeFileSync(bad, osSystemPickle());
writeFileSync(good, plainPickle());
writeFileSync(broken, plainPickle().subarray(0, 6));
// An import outside the allow-list: medium.
writeFileSync(odd, pickle().proto(2).global('mypkg.models', 'Net').emptyTuple().newobj().stop().bytes());

describe('modelgate scan', () => {
  it('exits 0 on clean files', () => {
    expect(run('scan', '--no-hash', good).status).toBe(0);
  });
  it('exits 1 on a finding at or above --fail-on', () => {
    expect(run('scan', bad).status).toBe(1);
    expect(run('scan', odd).status).toBe(1);
    expect(run('scan', '--fail-on', 'high', odd).status).toBe(0);
  });
  it('exits 2 on a file with verdict error, and 1 wins over 2', () => {
    expect(run('scan', broken).status).toBe(2);
    expect(run('scan', broken, bad).status).toBe(1);
  });
  it('exits 2 on usage errors and unreadable targets', () => {
    expect(run('scan').status).toBe(2);
    expect(run('scan', '--format', 'yaml', good).status).toBe(2);
    expect(run('scan', '--bogus', good).status).toBe(2);
    expect(run('scan', join(dir, 'missing.bin')).status).toBe(2);
    expect(run('scan', '--max-opcodes', 'zero', good).status).toBe(2);
  });
  it('documents verdicts and exit codes in --help', () => {
    const help = run('scan', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:/);
    expect(help.stdout).toMatch(/--fail-on/);
    expect(help.stdout).toMatch(/--no-hash/);
  });
  it('prints the report@1 JSON contract, with sha256 unless --no-hash', () => {
    const out = run('scan', '-f', 'json', bad, good);
    const report = JSON.parse(out.stdout);
    expect(report.schema).toBe('modelgate/report@1');
    expect(Object.keys(report)).toEqual(['schema', 'tool', 'targets', 'summary', 'findings', 'files']);
    expect(report.summary).toMatchObject({ files: 2, malicious: 1, clean: 1, suspicious: 0, error: 0, maxSeverity: 'critical' });
    expect(report.files[0]).toMatchObject({ path: bad, format: 'pickle', targetIndex: 0, verdict: 'malicious', sha256Source: 'computed' });
    expect(report.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.files[0].findings[0]).toMatchObject({
      ruleId: 'pickle/dangerous-callable',
      severity: 'critical',
      target: bad,
      evidence: "os.system('echo test')",
    });
    const noHash = JSON.parse(run('scan', '-f', 'json', '--no-hash', bad).stdout);
    expect(noHash.files[0].sha256).toBeUndefined();
  });
  it('writes --output files, and SARIF', () => {
    const file = join(dir, 'out.sarif');
    expect(run('scan', '-f', 'sarif', '-o', file, bad).status).toBe(1);
    const sarif = JSON.parse(readFileSync(file, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results[0].ruleId).toBe('pickle/dangerous-callable');
  });
  it('prints a readable text report without colour when not on a terminal', () => {
    const out = run('scan', bad).stdout;
    expect(out).toMatch(/MALICIOUS/);
    expect(out).toMatch(/os\.system\('echo test'\)/);
    expect(out).not.toMatch(/\x1b\[/);
  });
});

describe('modelgate inspect', () => {
  it('prints what unpickling would do, and a disassembly with --opcodes', () => {
    const out = run('inspect', '--opcodes', bad);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/from os import system/);
    expect(out.stdout).toMatch(/os\.system\('echo test'\)/);
    expect(out.stdout).toMatch(/GLOBAL os system/);
    expect(out.stdout).toMatch(/REDUCE/);
  });
});
