import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osSystemPickle, plainPickle } from '../helpers/pickles.js';

/*
 * The package as users get it (issue 17, points 4 and 8): `npm pack` of this checkout, installed
 * into an empty project with no network, then its CLI through npx and its library through a
 * plain `import { runScan } from 'modelgate'`.
 *
 * What is packed is dist/ as it stands: test/global-setup.ts rebuilt it from empty if any source
 * was newer, so `npm pack --ignore-scripts` skips `prepare` (a second 30 s build).
 *
 * Offline install: the empty project gets a package-lock.json made of this repo's lock entries
 * for the runtime dependencies (those the lock does not mark `dev`), so `npm ci --offline`
 * takes every tarball from the npm cache by its integrity; the `npm ci` that set up this checkout
 * (CI, .ci/run) put them there. A plain `npm install <tarball> --offline` would also need the
 * registry's package documents to resolve version ranges, which `npm ci` does not cache.
 *
 * Install scripts are skipped (`--ignore-scripts`): the one that does any work is
 * better-sqlite3's, which downloads a prebuilt addon from GitHub or else compiles SQLite with
 * node-gyp (2.5 minutes here, no network needed where Node's headers are installed), and serves
 * only the registry server (`modelgate serve`). Scanning, `--help` and the library need none.
 */

const ROOT = resolve('.');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
};
const LOCK = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };

const work = mkdtempSync(join(tmpdir(), 'mg-pack-'));
const project = join(work, 'project');
/**
 * npm and npx never reach the network in this test. Under `npm test` the environment holds the
 * outer npm's settings (npm_config_local_prefix names this checkout): of those only where npm
 * finds its cache and configuration reach the npm runs here, which act on the empty project only.
 */
const KEPT_NPM_SETTINGS = /^npm_config_(cache|userconfig|globalconfig|cafile|registry)$/i;
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !(/^npm_/i.test(name) && !KEPT_NPM_SETTINGS.test(name)) && name !== 'INIT_CWD')),
  npm_config_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  NO_COLOR: '1',
};

/** Runs a command to its end; `timeout` is generous for two cores shared with the rest of the suite. */
function run(command: string, args: string[], cwd: string, timeout = 60_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout });
}

function ok(r: SpawnSyncReturns<string>): string {
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`exit ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

let packed: string[] = [];

beforeAll(() => {
  const out = ok(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT));
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  packed = info!.files.map((f) => f.path);
  const tarball = `file:${join(work, info!.filename)}`;

  // The empty project, and its lock: modelgate from the tarball, its dependencies as this repo pins them.
  mkdirSync(project);
  const dependencies = { [PACKAGE.name]: tarball };
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies },
    [`node_modules/${PACKAGE.name}`]: {
      version: PACKAGE.version,
      resolved: tarball,
      license: PACKAGE.license,
      dependencies: PACKAGE.dependencies,
      bin: PACKAGE.bin,
      engines: PACKAGE.engines,
    },
  };
  for (const [path, entry] of Object.entries(LOCK.packages)) if (path !== '' && !entry.dev) packages[path] = entry;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }));
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }));
  ok(run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], project, 100_000));

  writeFileSync(join(project, 'benign.pkl'), plainPickle());
  writeFileSync(join(project, 'evil.pkl'), osSystemPickle('echo pwned'));
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack', () => {
  it('ships the CLI, the library entry with its declarations, and the data', () => {
    expect(packed).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'dist/main.js', 'dist/index.js', 'dist/index.d.ts', 'dist/app/scan-worker.js']),
    );
    expect(packed.some((p) => p.startsWith('data/'))).toBe(true);
  });

  it('ships no builder, test, benchmark, eval tool or source', () => {
    const testOnly = packed.filter(
      (p) =>
        /(^|\/)builder\.(js|d\.ts|js\.map)$/.test(p) ||
        p.startsWith('dist/formats/protobuf/writer.') ||
        /^dist\/(app\/eval\/|app\/screen\/eval[.-]|cli\/eval-main\.)/.test(p) ||
        /\.test\.|(^|\/)(test|bench|scripts|eval|src)\//.test(p) ||
        (p.endsWith('.ts') && !p.endsWith('.d.ts')),
    );
    expect(testOnly).toEqual([]);
  });

  it('imports at run time only Node built-ins and its dependencies', () => {
    // Static and dynamic imports, require() and resolve() (createRequire, import.meta.resolve).
    const named = packagesNamedIn(
      '.js',
      /^(?:import|export)\b[^\n]*?\sfrom\s+['"]([^'"]+)['"];?$|^import\s+['"]([^'"]+)['"];?$|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\.resolve\(\s*['"]([^'"]+)['"]/gm,
    );
    expect(named).toEqual(expect.arrayContaining(['commander', 'picocolors']));
    // tsx is looked up only when modelgate runs from its .ts sources (src/app/threads.ts), never from dist/.
    expect(named.filter((spec) => !isDependency(spec) && spec !== 'tsx/package.json')).toEqual([]);
  });

  it('declares only types that users install with it', () => {
    // Declarations emit one import or export per line; import("x") types too.
    const named = packagesNamedIn('.d.ts', /^(?:import|export)\b[^\n]*\sfrom\s+['"]([^'"]+)['"];?$|import\("([^"]+)"\)/gm);
    expect(named).toEqual(expect.arrayContaining(['sarif', 'commander']));
    expect(named.filter((spec) => !isDependency(spec))).toEqual([]);
  });
});

/** A Node built-in, or a package (or its `@types`) that package.json lists in `dependencies`. */
function isDependency(spec: string): boolean {
  if (spec.startsWith('node:') || builtinModules.includes(spec)) return true;
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
  const types = name.startsWith('@') ? `@types/${name.slice(1).replace('/', '__')}` : `@types/${name}`;
  return name in PACKAGE.dependencies || types in PACKAGE.dependencies;
}

/** The packages (bare specifiers) that the installed dist/ files ending in `suffix` name, as `pattern`'s groups find them. */
function packagesNamedIn(suffix: string, pattern: RegExp): string[] {
  const dist = join(project, 'node_modules', PACKAGE.name, 'dist');
  const named = new Set<string>();
  for (const file of filesUnder(dist).filter((f) => f.endsWith(suffix) && (suffix === '.d.ts' || !f.endsWith('.d.ts')))) {
    for (const m of readFileSync(join(dist, file), 'utf8').matchAll(pattern)) {
      const spec = m.slice(1).find((group) => group !== undefined)!;
      if (!spec.startsWith('.') && !spec.startsWith('/')) named.add(spec);
    }
  }
  return [...named].sort();
}

describe('the installed package (offline, in an empty project)', () => {
  it('has none of the dev-only packages', () => {
    const modules = readdirSync(join(project, 'node_modules'));
    expect(modules).toContain('modelgate');
    expect(modules).not.toContain('onnxruntime-node');
    expect(modules).not.toContain('protobufjs');
    expect(modules).not.toContain('typescript');
  });

  it('runs `npx modelgate`: --version, and scans a clean and a malicious pickle', () => {
    expect(ok(run('npx', ['--no-install', 'modelgate', '--version'], project)).trim()).toBe(PACKAGE.version);

    const clean = run('npx', ['--no-install', 'modelgate', 'scan', 'benign.pkl', '--format', 'json'], project);
    expect(clean.status, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ summary: { files: 1, clean: 1 }, files: [{ path: 'benign.pkl', verdict: 'clean' }] });

    const evil = run('npx', ['--no-install', 'modelgate', 'scan', 'evil.pkl', '--format', 'json'], project);
    expect(evil.status, evil.stderr).toBe(1);
    expect(JSON.parse(evil.stdout)).toMatchObject({ files: [{ path: 'evil.pkl', verdict: 'malicious' }] });

    // --help loads every command, the registry server's included, without its native addon.
    expect(ok(run('npx', ['--no-install', 'modelgate', '--help'], project))).toContain('scan');
  }, 120_000);

  it("imports { runScan } from 'modelgate', renders its reports and applies a policy", () => {
    writeFileSync(join(project, 'policy.yaml'), 'version: 1\nmaxSeverity: low\n');
    writeFileSync(
      join(project, 'use.mjs'),
      `import { ALL_RULES, isModelgateError, loadPolicy, renderReport, runScan, TOOL_VERSION } from 'modelgate';
const result = await runScan({ targets: ['benign.pkl', 'evil.pkl'] });
const sarif = JSON.parse(renderReport('sarif', result, ALL_RULES));
const gated = await runScan({ targets: ['evil.pkl'], policy: loadPolicy({ file: 'policy.yaml' }) });
let missing;
try { await runScan({ targets: ['no-such-file.pkl'] }); } catch (e) { missing = isModelgateError(e) ? e.code : String(e); }
console.log(JSON.stringify({ version: TOOL_VERSION, verdicts: result.files.map((f) => [f.path, f.verdict]), summary: result.summary, sarifVersion: sarif.version, allowed: gated.decision?.allow, missing }));
`,
    );
    const out = JSON.parse(ok(run(process.execPath, ['use.mjs'], project))) as Record<string, unknown>;
    expect(out).toMatchObject({
      version: PACKAGE.version,
      verdicts: [
        ['benign.pkl', 'clean'],
        ['evil.pkl', 'malicious'],
      ],
      summary: { files: 2, malicious: 1, clean: 1 },
      sarifVersion: '2.1.0',
      allowed: false,
      missing: 'UNREADABLE',
    });
  });

  it('gives TypeScript its types: a consumer type-checks, and a wrong use does not', () => {
    writeFileSync(
      join(project, 'check.ts'),
      `import { runScan, renderReport, type FileResult, type ScanResult, type Verdict } from 'modelgate';
export async function verdicts(paths: string[]): Promise<Verdict[]> {
  const result: ScanResult = await runScan({ targets: paths, workers: 0 });
  const files: FileResult[] = result.files;
  const text: string = renderReport('text', result, []);
  // @ts-expect-error: targets is a list, not one path
  await runScan({ targets: 'model.pt' });
  // @ts-expect-error: the summary counts are numbers
  const count: string = result.summary.malicious;
  void text;
  void count;
  return files.map((f) => f.verdict);
}
`,
    );
    // @types/node as a Node project has it; everything else from the installed package.
    const tsconfig = {
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        types: ['node'],
      },
      files: ['check.ts'],
    };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const checked = run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    expect(`${checked.stdout}${checked.stderr}`).toBe('');
    expect(checked.status).toBe(0);
  });
});
