import { describe, expect, it } from 'vitest';
import { colorFor, formatOfFile, parseSize, reportFormat, summaryLine } from '../../src/cli/output.js';

describe('parseSize', () => {
  const valid: Array<[string, number]> = [
    ['1', 1],
    ['1048576', 1048576],
    ['10B', 10],
    ['1K', 1024],
    ['64k', 65536],
    ['1KiB', 1024],
    ['1kb', 1000],
    ['1KB', 1000],
    ['512MB', 512e6],
    ['512M', 512 * 2 ** 20],
    ['2MiB', 2 * 2 ** 20],
    ['1.5G', 1.5 * 2 ** 30],
    ['2GiB', 2 * 2 ** 30],
    ['2GB', 2e9],
    ['1T', 2 ** 40],
    ['1TiB', 2 ** 40],
    ['3TB', 3e12],
    [' 2 GiB ', 2 * 2 ** 30],
    // Rounded down to whole bytes.
    ['1.0001K', 1024],
  ];
  const invalid = ['', '0', '0.5', '0.1B', '-1', '+1', '1e3', '0x10', '1.5.5', 'GiB', '2XB', '1 GiB B', '1Gb/s', '1PiB', '1.', '.5G', '9999999999T'];
  it.each(valid)('%s is %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));
  it.each(invalid)('%j is refused', (text) => expect(parseSize(text)).toBeUndefined());
});

describe('report format from -o', () => {
  const cases: Array<[string, string | undefined]> = [
    ['r.json', 'json'],
    ['out/R.JSON', 'json'],
    ['r.sarif', 'sarif'],
    ['r.sarif.json', 'sarif'],
    ['r.html', 'html'],
    ['r.htm', 'html'],
    ['r.txt', 'text'],
    ['r.xml', undefined],
    ['report', undefined],
    ['json', undefined],
  ];
  it.each(cases)('%s → %s', (file, format) => expect(formatOfFile(file)).toBe(format));
  it('--format wins; else the extension; else text', () => {
    expect(reportFormat('json', 'r.html')).toBe('json');
    expect(reportFormat(undefined, 'r.html')).toBe('html');
    expect(reportFormat(undefined, 'r.xml')).toBe('text');
    expect(reportFormat(undefined, undefined)).toBe('text');
  });
});

describe('colorFor', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  const cases: Array<[string, unknown, { isTTY?: boolean }, NodeJS.ProcessEnv, boolean]> = [
    ['a terminal', undefined, tty, {}, true],
    ['a pipe', undefined, pipe, {}, false],
    ['--no-color on a terminal', false, tty, {}, false],
    ['NO_COLOR on a terminal', undefined, tty, { NO_COLOR: '1' }, false],
    ['an empty NO_COLOR', undefined, tty, { NO_COLOR: '' }, true],
    ['FORCE_COLOR on a pipe', undefined, pipe, { FORCE_COLOR: '1' }, true],
    ['an empty FORCE_COLOR on a pipe', undefined, pipe, { FORCE_COLOR: '' }, true],
    ['FORCE_COLOR=0 on a terminal', undefined, tty, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=false on a terminal', undefined, tty, { FORCE_COLOR: 'false' }, false],
    ['NO_COLOR over FORCE_COLOR', undefined, pipe, { NO_COLOR: 'x', FORCE_COLOR: '1' }, false],
    ['--no-color over FORCE_COLOR', false, pipe, { FORCE_COLOR: '3' }, false],
  ];
  it.each(cases)('%s', (_, flag, stream, env, expected) => expect(colorFor(flag, stream, env)).toBe(expected));
});

describe('summaryLine', () => {
  it('counts by verdict, the policy decision when there is one, and where the report went', () => {
    const summary = { files: 1, malicious: 0, suspicious: 1, clean: 0, error: 0, maxSeverity: 'medium' as const, durationMs: 3 };
    expect(summaryLine(summary, 'sarif', 'out.sarif')).toBe(
      'modelgate: 1 file: 0 malicious, 1 suspicious, 0 error, 0 clean; sarif report written to out.sarif\n',
    );
    expect(summaryLine({ ...summary, files: 2 }, 'json', 'r.json', { allow: false })).toBe(
      'modelgate: 2 files: 0 malicious, 1 suspicious, 0 error, 0 clean; policy: deny; json report written to r.json\n',
    );
  });
});
