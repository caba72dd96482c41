import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS, groupsFor, type LazyCommands } from '../../src/cli/main.js';
import { CLI } from '../helpers/cli.js';
import { plainPickle } from '../helpers/pickles.js';

/*
 * Start-up (issue 16, point 3): a pre-commit hook pays the CLI's start-up for every call, so
 * commands, formats and heavy dependencies load on first use. These tests run the built CLI
 * with a hook that lists every ES module it loads, so that an import added at the top of a
 * command or of the CLI, which would load the engine again for `--version`, fails here.
 */

const DIST = resolve('dist');
const HOOK = resolve('test/helpers/loaded-modules.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mg-startup-'));
const tiny = join(dir, 'tiny.pkl');
writeFileSync(tiny, plainPickle());
// No policy from the user's config folder: a policy would load the YAML parser, as it should.
const env = { ...process.env, XDG_CONFIG_HOME: dir, MODELGATE_POLICY: '' };

/** The modules of dist/ (relative paths) and of packages that one run of the built CLI loads. */
function loadedBy(...args: string[]): { status: number | null; dist: string[]; packages: string[] } {
  const out = join(dir, `loaded-${args.join('-').replace(/[^a-z]+/gi, '_')}.txt`);
  writeFileSync(out, '');
  const run = spawnSync(process.execPath, ['--import', HOOK, CLI, ...args], { encoding: 'utf8', env: { ...env, MODELGATE_TEST_LOADED: out } });
  const files = readFileSync(out, 'utf8')
    .split('\n')
    .filter((url) => url !== '')
    .map((url) => fileURLToPath(url));
  return {
    status: run.status,
    dist: files.filter((f) => f.startsWith(DIST)).map((f) => relative(DIST, f)),
    packages: files.filter((f) => f.includes('/node_modules/')),
  };
}

describe('start-up', () => {
  it('`--version` loads the CLI and commander, no command and nothing of the engine', () => {
    const run = loadedBy('--version');
    expect(run.status).toBe(0);
    expect(run.dist.sort()).toEqual(['app/version.js', 'cli/exit-codes.js', 'cli/main.js', 'core/errors.js', 'core/severity.js', 'main.js']);
    expect(run.packages.every((p) => p.includes('/node_modules/commander/'))).toBe(true);
  });

  it("a sandboxed scan's parent loads no format, detector, engine, source or server module: the child scans", () => {
    const run = loadedBy('scan', tiny);
    expect(run.status).toBe(0);
    // The private temporary folder's module is the one module of formats/ that the parent needs.
    const heavy = run.dist.filter(
      (f) => /^(engine|detectors|server|store|sources\/local)\//.test(f) || (f.startsWith('formats/') && f !== 'formats/hdf5/temp-dir.js'),
    );
    expect(heavy).toEqual([]);
    expect(run.dist.length).toBeLessThan(40);
    expect(run.packages.filter((p) => !/\/node_modules\/(commander|picocolors)\//.test(p))).toEqual([]);
  });

  it('a scan of one small file starts no scan worker; asked for workers, it does', () => {
    const small = loadedBy('scan', '--no-sandbox', tiny);
    expect(small.status).toBe(0);
    expect(small.dist).toContain('engine/index.js');
    expect(small.dist).not.toContain('app/scan-worker.js');
    const pooled = loadedBy('scan', '--no-sandbox', '--workers', '1', tiny);
    expect(pooled.status).toBe(0);
    expect(pooled.dist).toContain('app/scan-worker.js');
  });

  it('`scan --help` loads the scan command alone', () => {
    const run = loadedBy('scan', '--help');
    expect(run.status).toBe(0);
    expect(run.dist.filter((f) => f.startsWith('cli/') && f.endsWith('-command.js'))).toEqual(['cli/scan-command.js']);
    expect(run.dist.filter((f) => /^(engine|detectors|formats|server)\//.test(f) && f !== 'formats/hdf5/temp-dir.js')).toEqual([]);
  });
});

/** Runs an ES module script under plain node against the built engine; returns what it prints, parsed. */
function withBuiltEngine(script: string): unknown {
  const file = join(dir, `engine-${Math.random().toString(36).slice(2)}.mjs`);
  const dist = (path: string) => JSON.stringify(pathToFileURL(join(DIST, path)).href);
  writeFileSync(
    file,
    `const engine = await import(${dist('engine/index.js')});
    const lazy = await import(${dist('engine/lazy.js')});
    const { BufferSource } = await import(${dist('core/byte-source.js')});
    const { DEFAULT_LIMITS } = await import(${dist('core/limits.js')});
    const dist = (path) => new URL(path, ${dist('engine/')}).href;
    ${script}`,
  );
  const run = spawnSync(process.execPath, [file], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as unknown;
}

describe("the built engine's handlers", () => {
  it('load on first use: a pickle loads the pickle handler alone', () => {
    const loaded = withBuiltEngine(`
      const findings = [];
      const format = engine.scanSource('tiny.pkl', new BufferSource(Buffer.from(${JSON.stringify([...plainPickle()])})), DEFAULT_LIMITS, findings);
      console.log(JSON.stringify({ format, findings: findings.length, lazy: lazy.LOADS_ON_FIRST_USE, loaded: lazy.loadedModules() }));`);
    expect(loaded).toEqual({ format: 'pickle', findings: 0, lazy: process.features.require_module === true, loaded: ['./handlers/pickle.js'] });
  });

  it('each loads by its path the module its import names', () => {
    const same = withBuiltEngine(`
      const result = {};
      for (const [name, get] of Object.entries(lazy.handlers)) result[name] = get() === (await import(dist('./handlers/' + name + '.js')));
      result.allRules = lazy.allRules() === (await import(dist('../detectors/index.js')));
      console.log(JSON.stringify(result));`);
    expect(Object.values(same as Record<string, boolean>).every(Boolean), JSON.stringify(same)).toBe(true);
    expect(Object.keys(same as object).length).toBeGreaterThan(20);
  });
});

describe('the lazy command table', () => {
  it('names the commands each group adds, once each', { timeout: 120_000 }, async () => {
    const seen: string[] = [];
    for (const group of COMMANDS) {
      const names = (await group.load()).map((c) => c.name());
      expect(names).toEqual(group.names);
      seen.push(...names);
    }
    expect(new Set(seen).size).toBe(seen.length);
  });

  const a: LazyCommands = { names: ['scan'], load: async () => [] };
  const b: LazyCommands = { names: ['lock', 'verify'], load: async () => [] };
  const argv = (...args: string[]) => ['node', 'modelgate', ...args];
  it.each([
    { args: ['--version'], loads: [] },
    { args: ['-V'], loads: [] },
    { args: ['scan', 'x.pkl'], loads: [a] },
    { args: ['verify', '--lock', 'l'], loads: [b] },
    { args: ['scan', '--help'], loads: [a] },
    { args: [], loads: [a, b] },
    { args: ['--help'], loads: [a, b] },
    { args: ['--version', '--help'], loads: [a, b] },
    { args: ['help', 'scan'], loads: [a, b] },
    { args: ['scna'], loads: [a, b] },
  ])('$args loads $loads.length group(s)', ({ args, loads }) => {
    expect(groupsFor(argv(...args), [a, b])).toEqual(loads);
  });
});
