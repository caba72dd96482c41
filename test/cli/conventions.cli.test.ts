import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { osSystemPickle, plainPickle } from '../helpers/pickles.js';

/*
 * Issue 17, points 3 and 5: the CLI's error paths and conventions (report files, EPIPE, colour,
 * one wording per input error, --format from -o), and the flags for CI (--exit-zero, the
 * summary line, sizes with units, --exclude). The built CLI runs, as a user runs it.
 */

const dir = mkdtempSync(join(tmpdir(), 'mg-conv-'));
const bad = join(dir, 'bad.pkl');
const good = join(dir, 'good.pkl');
const broken = join(dir, 'broken.pkl');
writeFileSync(bad, osSystemPickle());
writeFileSync(good, plainPickle());
writeFileSync(broken, plainPickle().subarray(0, 6));
const missingFile = join(dir, 'missing.bin');

// No colour or policy settings of the machine running the tests.
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NO_COLOR|FORCE_COLOR|MODELGATE_.*)$/.test(k)));
const env = { ...baseEnv, XDG_CONFIG_HOME: dir, MODELGATE_POLICY: '' };
const run = (args: string[], extra: Record<string, string> = {}) => runCli(args, { env: { ...env, ...extra } });

/** True when `stderr` is exactly one line starting with `modelgate: ` (no stack trace). */
const oneLine = (stderr: string) => /^modelgate: [^\n]+\n$/.test(stderr);

describe('report files (-o)', () => {
  it('into a missing folder: one line, exit 2, before any scan', () => {
    const out = join(dir, 'no', 'such', 'report.json');
    const r = run(['scan', good, '-o', out]);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toBe(true);
    expect(r.stderr).toBe(`modelgate: cannot write ${out}: no such file or folder\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('under a file, onto a folder, onto a full device: one line each, exit 2', () => {
    const cases: Array<[string, RegExp]> = [
      [join(good, 'report.json'), /: a part of the path is not a folder\n$/],
      [dir, /: is a folder\n$/],
      // Linux's /dev/full refuses every write with ENOSPC: the failure comes at write time.
      ['/dev/full', /: no space left on the device\n$/],
    ];
    for (const [out, why] of cases) {
      const r = run(['scan', good, '-o', out]);
      expect(r.status, out).toBe(2);
      expect(oneLine(r.stderr), r.stderr).toBe(true);
      expect(r.stderr).toMatch(why);
    }
  });

  it('--format follows the extension of -o when not given; --format wins when given', () => {
    const formats: Array<[string, (text: string) => void]> = [
      ['r.json', (t) => expect(JSON.parse(t).schema).toBe('modelgate/report@1')],
      ['r.sarif', (t) => expect(JSON.parse(t).version).toBe('2.1.0')],
      ['r.sarif.json', (t) => expect(JSON.parse(t).version).toBe('2.1.0')],
      ['r.html', (t) => expect(t.toLowerCase()).toMatch(/^<!doctype html>/)],
      ['r.HTM', (t) => expect(t.toLowerCase()).toMatch(/^<!doctype html>/)],
      ['r.txt', (t) => expect(t).toMatch(/^MALICIOUS /m)],
      ['r.out', (t) => expect(t).toMatch(/^MALICIOUS /m)],
    ];
    for (const [name, check] of formats) {
      const out = join(dir, name);
      const r = run(['scan', '-q', bad, '-o', out]);
      expect(r.status, name).toBe(1);
      check(readFileSync(out, 'utf8'));
    }
    const out = join(dir, 'forced.txt');
    expect(run(['scan', '-q', '-f', 'json', bad, '-o', out]).status).toBe(1);
    expect(JSON.parse(readFileSync(out, 'utf8')).schema).toBe('modelgate/report@1');
  });

  it('prints one summary line on standard error when -o writes the report, none with -q', () => {
    const out = join(dir, 'summary.json');
    const r = run(['scan', bad, good, broken, '-o', out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`modelgate: 3 files: 1 malicious, 0 suspicious, 1 error, 1 clean; json report written to ${out}\n`);
    expect(run(['scan', '-q', bad, '-o', out]).stderr).toBe('');
    // Without -o the report is on standard output, and standard error says nothing.
    expect(run(['scan', good]).stderr).toBe('');
  });
});

describe('report files of screen and strip', () => {
  it('into a missing folder, or as sarif: one line, exit 2, before the model is read', () => {
    const out = join(dir, 'no', 'such', 'report.json');
    const commands = [
      ['screen', missingFile, '--samples', missingFile, '--labels', missingFile],
      ['strip', missingFile, '--samples', missingFile, '--inputs', missingFile],
    ];
    for (const args of commands) {
      const r = run([...args, '-o', out]);
      expect(r.status, args[0]).toBe(2);
      expect(r.stderr).toBe(`modelgate: cannot write ${out}: no such file or folder\n`);
      const sarif = run([...args, '-o', join(dir, 'r.sarif')]);
      expect(sarif.status, args[0]).toBe(2);
      expect(oneLine(sarif.stderr), sarif.stderr).toBe(true);
    }
  });
});

describe('input errors', () => {
  it('"no such file" has one wording in every command, and exits 2', () => {
    const commands = [
      ['scan', missingFile],
      ['scan', '--no-sandbox', missingFile],
      ['inspect', missingFile],
      ['bom', missingFile, '-o', join(dir, 'bom.json')],
      ['lock', missingFile],
      ['convert', missingFile, '-o', join(dir, 'out.safetensors')],
    ];
    for (const args of commands) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toBe(`modelgate: cannot read ${missingFile}: no such file or folder\n`);
    }
  });
});

describe('standard output closed early', () => {
  it('`scan | head -c 1` and `scan | true` end quietly, with the scan exit code', () => {
    const many = join(dir, 'many');
    mkdirSync(many);
    // Enough report (about 100 kB of JSON) that the pipe fills after head has gone.
    for (let i = 0; i < 400; i++) writeFileSync(join(many, `f${i}.pkl`), plainPickle());
    writeFileSync(join(many, 'bad.pkl'), osSystemPickle());
    for (const reader of ['head -c 1 >/dev/null', 'true']) {
      const script = `"${process.execPath}" "${CLI}" scan -f json "${many}" | ${reader}; echo "status=\${PIPESTATUS[0]}"`;
      const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env });
      expect(r.stderr, reader).toBe('');
      expect(r.stdout, reader).toBe('status=1\n');
    }
  });
});

describe('colour', () => {
  const ESC = '\u001b[';
  it('NO_COLOR and --no-color turn colour off, FORCE_COLOR turns it on off a terminal', () => {
    const cases: Array<[string[], Record<string, string>, boolean]> = [
      [[], {}, false],
      [[], { FORCE_COLOR: '1' }, true],
      [[], { FORCE_COLOR: '' }, true],
      [[], { FORCE_COLOR: '0' }, false],
      [[], { FORCE_COLOR: 'false' }, false],
      [[], { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
      // An empty NO_COLOR is no request (no-color.org).
      [[], { NO_COLOR: '', FORCE_COLOR: '1' }, true],
      [['--no-color'], { FORCE_COLOR: '1' }, false],
    ];
    for (const [flags, extra, coloured] of cases) {
      const r = run(['scan', ...flags, bad], extra);
      expect(r.status).toBe(1);
      expect(r.stdout.includes(ESC), JSON.stringify([flags, extra])).toBe(coloured);
    }
  });

  it('a report file is never coloured', () => {
    const out = join(dir, 'forced.txt');
    run(['scan', '-q', bad, '-o', out], { FORCE_COLOR: '1' });
    expect(readFileSync(out, 'utf8')).not.toContain(ESC);
  });
});

describe('--exit-zero', () => {
  it('findings exit 0; a file with verdict error and usage errors still exit 2', () => {
    expect(run(['scan', bad]).status).toBe(1);
    expect(run(['scan', '--exit-zero', bad]).status).toBe(0);
    expect(run(['scan', '--exit-zero', good]).status).toBe(0);
    expect(run(['scan', '--exit-zero', broken]).status).toBe(2);
    expect(run(['scan', '--exit-zero', bad, broken]).status).toBe(2);
    expect(run(['scan', '--exit-zero', missingFile]).status).toBe(2);
    expect(run(['scan', '--exit-zero', '--max-opcodes', 'zero', bad]).status).toBe(2);
  });

  it('a policy deny exits 0 too, and the report still says deny', () => {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, 'version: 1\nmaxSeverity: low\n');
    const denied = run(['scan', '-f', 'json', '--policy', policy, bad]);
    expect(denied.status).toBe(1);
    const r = run(['scan', '-f', 'json', '--exit-zero', '--policy', policy, bad]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).decision.allow).toBe(false);
  });
});

describe('sizes with units', () => {
  it('accepts bytes, binary and decimal units; refuses anything else with exit 2', () => {
    for (const size of ['1048576', '2GiB', '512MB', '1.5G', '64k', '1TiB']) {
      expect(run(['scan', '--max-member-bytes', size, good]).status, size).toBe(0);
    }
    for (const size of ['2XB', '0', '-1', '1.5.5', 'GiB', '1 GiB B', '0.1B', '1e3']) {
      const r = run(['scan', '--max-member-bytes', size, good]);
      expect(r.status, size).toBe(2);
      expect(oneLine(r.stderr), r.stderr).toBe(true);
    }
  });

  it('reaches the sandboxed scan in bytes: a string over --max-string-bytes 1K is a limit, under 2K is not', () => {
    const long = join(dir, 'long.pkl');
    // A 1500-byte string: over 1 KiB, under 2 KiB.
    const text = 'x'.repeat(1500);
    const body = Buffer.concat([Buffer.from([0x80, 2, 0x58]), Buffer.from(new Uint32Array([text.length]).buffer), Buffer.from(text), Buffer.from('.')]);
    writeFileSync(long, body);
    for (const sandbox of ['--sandbox', '--no-sandbox']) {
      const over = JSON.parse(run(['scan', sandbox, '-f', 'json', '--max-string-bytes', '1K', long]).stdout);
      const under = JSON.parse(run(['scan', sandbox, '-f', 'json', '--max-string-bytes', '2KiB', long]).stdout);
      expect(JSON.stringify(over.files[0].findings), sandbox).toMatch(/LIMIT_STRING/);
      expect(JSON.stringify(under.files[0].findings), sandbox).not.toMatch(/LIMIT_STRING/);
    }
  });
});

describe('--exclude', () => {
  const tree = join(dir, 'tree');
  for (const [path, bytes] of [
    ['a.pkl', plainPickle()],
    ['sub/b.pkl', plainPickle()],
    ['sub/c.bin', osSystemPickle()],
    ['cache/d.pkl', osSystemPickle()],
    ['deep/cache/e.pkl', osSystemPickle()],
  ] as const) {
    mkdirSync(join(tree, path, '..'), { recursive: true });
    writeFileSync(join(tree, path), bytes);
  }
  const paths = (stdout: string) => (JSON.parse(stdout) as { files: Array<{ path: string }> }).files.map((f) => f.path);

  it('leaves out matching files of a folder target, from the scan and the report, in and out of the sandbox', () => {
    for (const sandbox of ['--sandbox', '--no-sandbox']) {
      const all = run(['scan', sandbox, '-f', 'json', tree]);
      expect(paths(all.stdout)).toEqual(['a.pkl', 'cache/d.pkl', 'deep/cache/e.pkl', 'sub/b.pkl', 'sub/c.bin']);
      const r = run(['scan', sandbox, '-f', 'json', '--exclude', '*.bin', '--exclude', 'cache/', tree]);
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(paths(r.stdout)).toEqual(['a.pkl', 'sub/b.pkl']);
      expect(report.summary.files).toBe(2);
      // Not scanned, and said so: never mistaken for clean.
      expect(report.excluded).toEqual(['cache/d.pkl', 'deep/cache/e.pkl', 'sub/c.bin']);
      expect(run(['scan', sandbox, '--exclude', '*.bin', tree]).stdout).toMatch(/excluded\s+1 \(--exclude: not scanned\)/);
      expect(run(['scan', sandbox, '-f', 'json', '--exclude', '/cache', tree]).stdout).toContain('deep/cache/e.pkl');
      expect(paths(run(['scan', sandbox, '-f', 'json', '--exclude', 'sub/**', tree]).stdout)).toEqual(['a.pkl', 'cache/d.pkl', 'deep/cache/e.pkl']);
    }
  });

  it('never leaves out a file named as a target', () => {
    const r = run(['scan', '-f', 'json', '--exclude', '*.bin', join(tree, 'sub', 'c.bin')]);
    expect(r.status).toBe(1);
    expect(paths(r.stdout)).toEqual([join(tree, 'sub', 'c.bin')]);
  });

  it('is refused for a Hugging Face repo, with exit 2', () => {
    const r = run(['scan', '--exclude', '*.bin', 'hf:org/name'], { HF_HUB_OFFLINE: '1', HF_HOME: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--exclude is for local targets/);
  });
});

describe('scan --help', () => {
  it('documents the conventions, the new flags and examples', () => {
    const help = run(['scan', '--help']).stdout;
    for (const word of ['--exit-zero', '--exclude', 'NO_COLOR', 'FORCE_COLOR', 'GiB', 'Examples:', "-o's extension"]) expect(help).toContain(word);
  });
});
