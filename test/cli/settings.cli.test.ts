import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickle } from '../../src/formats/pickle/builder.js';
import { runCli } from '../helpers/cli.js';
import { osSystemPickle, plainPickle } from '../helpers/pickles.js';

/*
 * Issue 17, point 3: scan's flags from MODELGATE_* variables and a config file
 * (.modelgate.yaml in the current folder, or --config FILE); the command line wins over the
 * environment, which wins over the file, which wins over the defaults.
 */

const dir = mkdtempSync(join(tmpdir(), 'mg-settings-'));
const tree = join(dir, 'tree');
mkdirSync(join(tree, 'sub'), { recursive: true });
writeFileSync(join(tree, 'good.pkl'), plainPickle());
writeFileSync(join(tree, 'sub', 'bad.bin'), osSystemPickle());
const bad = join(tree, 'sub', 'bad.bin');
// A pickle that imports a class outside the allow-list: medium, so exit 1 at --fail-on medium, 0 at high.
const odd = join(dir, 'odd.pkl');
writeFileSync(odd, pickle().proto(2).global('mypkg.models', 'Net').emptyTuple().newobj().stop().bytes());

const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NO_COLOR|FORCE_COLOR|MODELGATE_.*)$/.test(k)));
const env = { ...baseEnv, XDG_CONFIG_HOME: dir, MODELGATE_POLICY: '' };

/** Runs the CLI in `cwd` with extra environment variables. */
function run(cwd: string, args: string[], extra: Record<string, string> = {}) {
  return runCli(args, { cwd, env: { ...env, ...extra } });
}

/** A folder holding a .modelgate.yaml with `text`. */
function withConfig(text: string): string {
  const folder = mkdtempSync(join(dir, 'cwd-'));
  writeFileSync(join(folder, '.modelgate.yaml'), text);
  return folder;
}

const paths = (stdout: string) => (JSON.parse(stdout) as { files: Array<{ path: string }> }).files.map((f) => f.path);

describe('settings from the environment and .modelgate.yaml', () => {
  it('reads .modelgate.yaml of the current folder', () => {
    const cwd = withConfig("exit-zero: true\nformat: json\nexclude:\n  - '*.bin'\n");
    const r = run(cwd, ['scan', tree]);
    expect(r.status, r.stderr).toBe(0);
    expect(paths(r.stdout)).toEqual(['good.pkl']);
  });

  it("says on stderr what a settings file set (it may be the scanned repository's own), unless -q is on the command line", () => {
    const cwd = withConfig("exit-zero: true\nquiet: true\nexclude:\n  - '*.bin'\n");
    const r = run(cwd, ['scan', '-f', 'json', tree]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`modelgate: settings from ${join(cwd, '.modelgate.yaml')}: `);
    expect(r.stderr).toMatch(/exit-zero/);
    expect(r.stderr).toMatch(/exclude/);
    expect(JSON.parse(r.stdout).excluded).toEqual(['sub/bad.bin']);
    expect(run(cwd, ['scan', '-q', '-f', 'json', tree]).stderr).not.toMatch(/settings from/);
  });

  it('reads MODELGATE_* variables: booleans, lists (comma-separated), values', () => {
    const r = run(dir, ['scan', tree], { MODELGATE_FORMAT: 'json', MODELGATE_EXCLUDE: 'nothing, *.bin', MODELGATE_EXIT_ZERO: 'yes' });
    expect(r.status, r.stderr).toBe(0);
    expect(paths(r.stdout)).toEqual(['good.pkl']);
    expect(run(dir, ['scan', bad], { MODELGATE_EXIT_ZERO: '0' }).status).toBe(1);
    // An empty variable is unset.
    expect(run(dir, ['scan', bad], { MODELGATE_EXIT_ZERO: '' }).status).toBe(1);
    expect(run(dir, ['scan', odd]).status).toBe(1);
    expect(run(dir, ['scan', odd], { MODELGATE_FAIL_ON: 'high' }).status).toBe(0);
  });

  it('precedence: command line, then environment, then file, then defaults', () => {
    const cwd = withConfig('fail-on: high\nformat: json\n');
    // The file over the default (medium), the environment over the file, the command line over both.
    expect(run(cwd, ['scan', odd]).status).toBe(0);
    expect(run(cwd, ['scan', odd], { MODELGATE_FAIL_ON: 'medium' }).status).toBe(1);
    expect(run(cwd, ['scan', '--fail-on', 'high', odd], { MODELGATE_FAIL_ON: 'medium' }).status).toBe(0);
    expect(run(cwd, ['scan', join(tree, 'good.pkl')]).stdout).toMatch(/^\{/);
    // The environment over the file, the command line over both.
    const text = run(cwd, ['scan', join(tree, 'good.pkl')], { MODELGATE_FORMAT: 'text' });
    expect(text.stdout).not.toMatch(/^\{/);
    const sarif = run(cwd, ['scan', '-f', 'sarif', join(tree, 'good.pkl')], { MODELGATE_FORMAT: 'text' });
    expect(JSON.parse(sarif.stdout).version).toBe('2.1.0');
    const excluded = withConfig("exclude: ['*.bin']\nformat: json\n");
    expect(paths(run(excluded, ['scan', tree], { MODELGATE_EXCLUDE: '*.pkl' }).stdout)).toEqual(['sub/bad.bin']);
    expect(paths(run(excluded, ['scan', '--exclude', 'sub', tree], { MODELGATE_EXCLUDE: '*.pkl' }).stdout)).toEqual(['good.pkl']);
  });

  it('negatable flags are NAME: false, and reach the sandboxed child (hash, sizes)', () => {
    const cwd = withConfig('hash: false\nformat: json\nmax-member-bytes: 1GiB\n');
    const r = run(cwd, ['scan', join(tree, 'good.pkl')]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).files[0].sha256).toBeUndefined();
    expect(JSON.parse(run(cwd, ['scan', '--sandbox', join(tree, 'good.pkl')], { MODELGATE_HASH: 'true' }).stdout).files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('--config FILE and MODELGATE_CONFIG name another file', () => {
    const file = join(dir, 'other.yaml');
    writeFileSync(file, 'exit-zero: true\n');
    expect(run(dir, ['scan', '--config', file, bad]).status).toBe(0);
    expect(run(dir, ['scan', bad], { MODELGATE_CONFIG: file }).status).toBe(0);
  });

  it('refuses, with exit 2 and one line: an unknown key, a wrong value, a file that is not YAML or missing', () => {
    const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
      [withConfig('fail-of: high\n'), [], {}, /unknown setting "fail-of"/],
      [withConfig('fail-on: severe\n'), [], {}, /fail-on: "severe" is not one of/],
      [withConfig('exit-zero: maybe\n'), [], {}, /exit-zero: not a boolean/],
      [withConfig('max-member-bytes: 2XB\n'), [], {}, /--max-member-bytes 2XB: not a size/],
      [withConfig('- a\n- b\n'), [], {}, /not a mapping of settings/],
      [withConfig('a: [\n'), [], {}, /not YAML/],
      [dir, ['--config', join(dir, 'missing.yaml')], {}, /cannot read .*missing\.yaml: no such file or folder/],
      [dir, [], { MODELGATE_EXIT_ZERO: 'perhaps' }, /MODELGATE_EXIT_ZERO: not a boolean/],
      [dir, [], { MODELGATE_FORMAT: 'yaml' }, /MODELGATE_FORMAT: "yaml" is not one of/],
    ];
    for (const [cwd, flags, extra, why] of cases) {
      const r = run(cwd, ['scan', ...flags, join(tree, 'good.pkl')], extra);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^modelgate: [^\n]+\n$/);
      expect(r.stderr).toMatch(why);
    }
  });

  it('leaves unknown MODELGATE_* variables alone, and MODELGATE_POLICY keeps its rule over the file', () => {
    expect(run(dir, ['scan', join(tree, 'good.pkl')], { MODELGATE_SOMETHING_ELSE: 'x' }).status).toBe(0);
    const policy = join(dir, 'deny-all.yaml');
    writeFileSync(policy, 'version: 1\nmaxSeverity: info\n');
    const cwd = withConfig(`policy: ${policy}\n`);
    // Without MODELGATE_POLICY in the environment at all, the file's policy applies.
    const noPolicyEnv = runCli(['scan', bad], { cwd, env: { ...baseEnv, XDG_CONFIG_HOME: dir } });
    expect(noPolicyEnv.stdout).toMatch(/deny/i);
    // MODELGATE_POLICY set (here: empty, no policy) wins over the file's policy.
    expect(run(cwd, ['scan', bad], { MODELGATE_POLICY: '' }).stdout).not.toMatch(/deny/i);
  });

  it('--help says where settings come from and their precedence', () => {
    const help = run(dir, ['scan', '--help']).stdout;
    for (const word of ['--config', '.modelgate.yaml', 'MODELGATE_FAIL_ON', 'Precedence: the command line, then the']) expect(help).toContain(word);
  });
});
