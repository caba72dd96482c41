import { spawnSync } from 'node:child_process';
import { existsSync, lchownSync, lstatSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startPostgres } from './helpers/postgres.js';

/*
 * The CLI tests spawn the built CLI, dist/main.js (test/helpers/cli.ts). Before any test runs,
 * however vitest was started (`npm test`, `npx vitest run one.test.ts`, watch mode), this rebuilds
 * dist when it is missing or older than a file under src/ (the .ts files and the JSON that tsc
 * copies, such as src/detectors/pickle/allowlist.json) or than the tsconfig that builds it. A fresh
 * dist costs a walk of src/ and no tsc run. `npm ci` builds dist already (prepare).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILT = join(ROOT, 'dist', 'main.js');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json'];

/** The newest modification time of a file at or under `path`. */
function newestFile(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestFile(join(path, name)));
  return newest;
}

/** Why dist must be rebuilt, or undefined when it is fresh. */
function staleness(): string | undefined {
  if (!existsSync(BUILT)) return 'dist/main.js is missing';
  const built = statSync(BUILT).mtimeMs;
  const changed = INPUTS.find((input) => newestFile(join(ROOT, input)) > built);
  return changed && `${changed === 'src' ? 'a file under src/' : changed} is newer than dist/main.js`;
}

function build(reason: string): void {
  process.stderr.write(`global-setup: ${reason}; building dist (tsc -p tsconfig.build.json)\n`);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  // From empty, as `npm run build` does: tsc never removes the output of a source that was
  // deleted or left out of the build (the builders), and dist/ is what the package ships
  // (test/package/pack.test.ts). tsc compiles every file on each run anyway.
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`.trim();
  if (run.error) throw new Error(`global-setup: could not run tsc: ${run.error.message}`);
  if (run.status === 0) return;
  // tsc emits despite type errors: the tests run what it wrote, as tsx would, and the typecheck
  // (npm run typecheck, CI) reports the errors. Nothing written at all is a failure.
  if (!staleness()) {
    process.stderr.write(`global-setup: tsc reported errors (dist was written anyway):\n${output}\n`);
    return;
  }
  throw new Error(`global-setup: tsc -p tsconfig.build.json failed (exit ${run.status}):\n${output}`);
}

/**
 * Root building dist in a checkout someone else owns gives the built files to that owner, as if
 * they had built it: test/engine/files.test.ts runs the CLI as the checkout's owner, who must read
 * dist (under a umask of 077 a root-owned dist would be closed to them), and can later rebuild or
 * remove it.
 */
function giveToOwner(path: string, uid: number, gid: number): void {
  lchownSync(path, uid, gid);
  if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) giveToOwner(join(path, name), uid, gid);
}

function ensureFreshDist(): void {
  const reason = staleness();
  if (reason) build(reason);
  const owner = statSync(ROOT);
  if (process.getuid?.() === 0 && owner.uid !== 0 && statSync(BUILT).uid !== owner.uid) giveToOwner(join(ROOT, 'dist'), owner.uid, owner.gid);
}

/**
 * The test services: a throwaway PostgreSQL server (test/helpers/postgres.ts), or the one
 * MODELGATE_TEST_DATABASE_URL already names. Its URL goes to the tests (test/setup-env.ts sets
 * MODELGATE_TEST_DATABASE_URL in each test process); when it cannot start, the reason does, and the
 * database tests fail with it while the others run.
 */
async function startServices(project: TestProject): Promise<() => void> {
  const given = process.env.MODELGATE_TEST_DATABASE_URL;
  if (given) {
    project.provide('postgres', { url: given });
    return () => {};
  }
  try {
    const postgres = await startPostgres();
    project.provide('postgres', { url: postgres.url });
    return postgres.stop;
  } catch (e) {
    const problem = `global-setup: no PostgreSQL for the tests: ${(e as Error).message}`;
    process.stderr.write(`${problem}\n`);
    project.provide('postgres', { problem });
    return () => {};
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  ensureFreshDist();
  // In watch mode a rerun follows an edit, under src/ perhaps.
  project.onTestsRerun(() => ensureFreshDist());
  return startServices(project);
}
