// @ts-check
/**
 * ESLint flat config. `npm run lint` runs it over src, test, bench and scripts.
 *
 * Three kinds of rule, in this order below:
 *   1. typescript-eslint's recommended set, with the rules that only encode taste relaxed (each
 *      says why); `no-explicit-any` stays an error everywhere (no `any` at module boundaries; a test
 *      that needs one says so in an eslint-disable comment). Not the type-checked set: on this tree
 *      it took 3.5 times the CPU (41 s against 12 s) and 1.6 GB, for ~250 more findings, mostly
 *      no-unsafe-* where tests read parsed JSON.
 *   2. The architecture (STYLE.md, "The shape of the code"): the layer rules and the I/O ban as
 *      errors. They describe the target layout: a folder that does not exist yet simply has no
 *      files, and every rule is already in force for it.
 *   3. No import cycles in src/, type-only imports included (`modelgate/no-import-cycle`, in
 *      scripts/eslint/: import-x/no-cycle skips type-only imports).
 *
 * Tests (test/), benchmarks and scripts are not held to the layer rules: a unit test may import
 * any module it tests, engine internals included.
 */
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import noImportCycle from './scripts/eslint/no-import-cycle.js';

// ---------------------------------------------------------------------------------------------
// Layers. Folder names are relative to src/.

/** Use cases every face calls, the use-case folders (lock, bom, convert, screen…) included. */
const APP = ['app'];
/** The faces: the only callers of app/, never of each other. */
const FACES = ['cli', 'server', 'queue'];

/**
 * What each layer may import from src/ (besides packages and Node built-ins). Anything else in
 * src/, including a top-level file such as src/version.ts, is out of bounds for it.
 * @type {{ layer: string, folders: string[], may: string[], says?: string }[]}
 */
const LAYERS = [
  { layer: 'core', folders: ['core'], may: ['core'] },
  { layer: 'formats', folders: ['formats'], may: ['core', 'formats'] },
  { layer: 'detectors', folders: ['detectors'], may: ['core', 'formats', 'detectors'] },
  { layer: 'engine', folders: ['engine'], may: ['core', 'formats', 'detectors', 'engine'] },
  { layer: 'sources', folders: ['sources'], may: ['core', 'formats', 'detectors', 'sources'] },
  { layer: 'report', folders: ['report'], may: ['core', 'detectors', 'report'] },
  ...FACES.map((face) => ({
    layer: face,
    folders: [face],
    may: [...APP, 'report', 'core', face],
    says: `src/app, src/report, src/core, src/${face}`,
  })),
  { layer: 'store', folders: ['store'], may: ['core', 'store'] },
];

/** Every top-level folder the rules know; a file elsewhere in src/ is only kept away from the engine. */
const KNOWN = [...LAYERS.flatMap((l) => l.folders), ...APP];

/** @type {{ target: string | string[], from: string | string[], except?: string[], message: string }[]} */
const zones = [
  ...LAYERS.map(({ layer, folders, may, says }) => ({
    target: folders.map((f) => `src/${f}`),
    from: 'src',
    except: may.map((f) => `./${f}`),
    message: `[layer] src/${layer} may import only ${says ?? may.map((f) => `src/${f}`).join(', ')}.`,
  })),
  {
    target: APP.map((f) => `src/${f}`),
    from: FACES.map((f) => `src/${f}`),
    message: '[layer] app code never imports a face (src/cli, src/server, src/queue): faces call app/.',
  },
  {
    target: APP.map((f) => `src/${f}`),
    from: 'src/engine',
    except: ['./index.ts'],
    message: '[layer] import the engine through src/engine/index.ts only, never its internals.',
  },
  {
    // The library entry (package.json `exports`) is a face for code that imports modelgate.
    target: 'src/index.ts',
    from: 'src',
    except: ['./app', './report', './core'],
    message: '[layer] src/index.ts, the library entry, may import only src/app, src/report, src/core, as a face does.',
  },
  {
    // Only app/ uses the engine. The layers above already keep it out of their own imports; this
    // covers the rest of src/ (top-level files, folders not listed here yet).
    target: [`src/!(${KNOWN.join('|')})/**`, 'src/*.ts'],
    from: 'src/engine',
    message: '[layer] only src/app may import the engine (through src/engine/index.ts).',
  },
];

// ---------------------------------------------------------------------------------------------
// No I/O in core, formats, detectors and report.

/** Node modules that do I/O. node:zlib, node:crypto, node:buffer and the like are fine. */
const IO_MODULES = ['fs', 'fs/promises', 'net', 'http', 'https', 'child_process', 'worker_threads', 'dgram', 'dns', 'dns/promises'];
const PURE_FOLDERS = ['core', 'formats', 'detectors', 'report'];

/**
 * Files in a pure layer that may use some I/O modules, each with the reason. Keep this short.
 * @type {Record<string, { modules: string[], why: string }>}
 */
const IO_EXCEPTIONS = {
  'src/formats/hdf5/reader.ts': {
    modules: ['fs', 'worker_threads'],
    why: 'libhdf5 (h5wasm) may abort or loop on a hostile file, so it runs in a worker thread, and its Node build reads only real files, so in-memory bytes go to a private temporary file',
  },
  'src/formats/hdf5/temp-dir.ts': {
    modules: ['fs', 'worker_threads'],
    why: 'that private temporary folder: made per process (the main thread names it), removed at exit and on signals, and the folders of killed processes swept',
  },
};

/** @param {string[]} allowed */
function ioBan(allowed = []) {
  const banned = IO_MODULES.filter((m) => !allowed.includes(m));
  const message = '[io] src/core, src/formats, src/detectors and src/report do no I/O: take bytes or a ByteSource from the caller.';
  const names = banned.flatMap((m) => [m, `node:${m}`]);
  return {
    '@typescript-eslint/no-restricted-imports': ['error', { paths: names.map((name) => ({ name, message, allowTypeImports: true })) }],
    'no-restricted-syntax': [
      'error',
      ...names.map((name) => ({ selector: `ImportExpression[source.value='${name}']`, message: `import('${name}'): ${message}` })),
      ...names.map((name) => ({ selector: `CallExpression[callee.name='require'][arguments.0.value='${name}']`, message: `require('${name}'): ${message}` })),
    ],
  };
}

// ---------------------------------------------------------------------------------------------

export default defineConfig(
  {
    ignores: ['dist/**', 'node_modules/**', 'data/**', 'test/fixtures/**', 'docs/**', 'examples/**', 'scripts/allowlist/**', '**/*.d.ts'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX, modelgate: { rules: { 'no-import-cycle': noImportCycle } } },
    settings: {
      // NodeNext: the code imports './x.js' for './x.ts'.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json', '.node'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      // The type checker already does these, with the real types (no-undef as typescript-eslint advises).
      'no-undef': 'off',
      'no-redeclare': 'off',
      // `tsc --noUnusedLocals` (npm run typecheck) reports unused locals and imports.
      '@typescript-eslint/no-unused-vars': 'off',
      // `cond ? a() : b()` and `ok && f()` as statements are the code's idiom (byte builders); a
      // bare expression that does nothing is still an error.
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true, allowShortCircuit: true }],
      // Parsers and walkers loop with `while (true)` and break on a bound.
      'no-constant-condition': ['error', { checkLoops: false }],
      // Byte parsers match control characters (NUL, opcodes) on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones, basePath: import.meta.dirname }],
      'modelgate/no-import-cycle': ['error', { root: `${import.meta.dirname}/src` }],
    },
  },
  {
    files: PURE_FOLDERS.map((f) => `src/${f}/**/*.ts`),
    rules: ioBan(),
  },
  ...Object.entries(IO_EXCEPTIONS).map(([file, { modules }]) => ({ files: [file], rules: ioBan(modules) })),
);
