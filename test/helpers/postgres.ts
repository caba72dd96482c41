import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * A throwaway PostgreSQL server for the tests (Debian's `postgresql`, installed by
 * scripts/install-test-deps.sh): a fresh cluster in a temporary folder, listening only on
 * 127.0.0.1 on a free port, its unix socket inside that folder, trust authentication, and a
 * database `modelgate_test`. initdb and pg_ctl refuse to run as root, so root runs them as the
 * `postgres` user on a folder that user owns; anyone else runs them as themselves.
 */

/** Folders under the temporary directory that hold a test cluster start with this. */
const PREFIX = 'modelgate-pg-';
/** The database the tests use. */
export const TEST_DATABASE = 'modelgate_test';
/** Tries with a new port when another process takes the free one before the server binds it. */
const START_ATTEMPTS = 3;
/** A folder without an owner file this old is a crash between mkdtemp and the write: stale. */
const ORPHAN_AGE_MS = 10 * 60_000;

/** A running test server; `stop()` stops it and removes its folder, and may be called twice. */
export interface PostgresService {
  url: string;
  folder: string;
  stop(): void;
}

/** The folder of initdb and pg_ctl: MODELGATE_PG_BIN, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBin(): string | undefined {
  const given = process.env.MODELGATE_PG_BIN;
  if (given) return existsSync(join(given, 'initdb')) ? given : undefined;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest && join(root, newest, 'bin');
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL program as the user that owns the cluster; throws with its output on failure. */
function run(bin: string, program: string, args: string[], cwd: string): void {
  const command = asRoot ? ['runuser', '-u', 'postgres', '--', join(bin, program), ...args] : [join(bin, program), ...args];
  const result = spawnSync(command[0]!, command.slice(1), { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.status === 0) return;
  const output = `${result.error?.message ?? ''}${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  throw new Error(`${program} ${args.join(' ')} failed (exit ${result.status}):\n${output}`);
}

/** A port nothing listens on now, chosen by the kernel among the ephemeral ones. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops a cluster's server fast (no checkpoint: the data is thrown away) and removes its folder. */
function destroy(bin: string, folder: string): void {
  const data = join(folder, 'data');
  if (existsSync(join(data, 'postmaster.pid'))) {
    try {
      run(bin, 'pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30'], folder);
    } catch {
      // Already stopped, with a pid file left behind: nothing to stop.
    }
  }
  rmSync(folder, { recursive: true, force: true });
}

/** Removes the clusters of test runs that ended without their teardown (killed, interrupted). */
function removeLeftovers(bin: string): void {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(PREFIX))) {
    const folder = join(tmpdir(), name);
    const owner = join(folder, 'owner');
    const pid = existsSync(owner) ? Number(readFileSync(owner, 'utf8')) : NaN;
    const stale = Number.isInteger(pid) ? !alive(pid) : Date.now() - statSync(folder).mtimeMs > ORPHAN_AGE_MS;
    if (!stale) continue;
    try {
      destroy(bin, folder);
    } catch {
      // Another user's folder: theirs to remove.
    }
  }
}

/** The ids of the `postgres` user, whom root runs PostgreSQL as. */
function postgresUser(): { uid: number; gid: number } {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) throw new Error('running as root, and there is no `postgres` user to run PostgreSQL as');
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/** Settings written to the cluster's postgresql.auto.conf: private and quick, never durable. */
function settings(port: number, folder: string): string {
  return [
    `listen_addresses = '127.0.0.1'`,
    `port = ${port}`,
    `unix_socket_directories = '${folder}'`,
    // Throwaway data: no fsync and no full-page writes make the tests' writes cheap.
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'shared_buffers = 32MB',
    '',
  ].join('\n');
}

/**
 * Starts a throwaway PostgreSQL server (about 1.5 s: initdb, start, create the database) after
 * removing any left by an earlier run that died. Throws when PostgreSQL is not installed.
 */
export async function startPostgres(): Promise<PostgresService> {
  const bin = postgresBin();
  if (!bin) {
    const given = process.env.MODELGATE_PG_BIN;
    throw new Error(
      given
        ? `MODELGATE_PG_BIN=${given} holds no initdb`
        : 'PostgreSQL is not installed (no /usr/lib/postgresql/N/bin/initdb): run scripts/install-test-deps.sh, or set MODELGATE_PG_BIN',
    );
  }
  removeLeftovers(bin);
  const folder = mkdtempSync(join(tmpdir(), PREFIX));
  writeFileSync(join(folder, 'owner'), String(process.pid));
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    destroy(bin, folder);
  };
  process.once('exit', stop);
  try {
    const owner = asRoot ? postgresUser() : undefined;
    if (owner) chownSync(folder, owner.uid, owner.gid);
    const data = join(folder, 'data');
    run(bin, 'initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], folder);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const conf = join(data, 'postgresql.auto.conf');
      writeFileSync(conf, settings(port, folder));
      if (owner) chownSync(conf, owner.uid, owner.gid);
      try {
        run(bin, 'pg_ctl', ['start', '-D', data, '-l', join(folder, 'server.log'), '-w', '-t', '30'], folder);
      } catch (e) {
        if (attempt >= START_ATTEMPTS) throw new Error(`${(e as Error).message}\n${readFileSync(join(folder, 'server.log'), 'utf8')}`);
        continue;
      }
      run(bin, 'createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', TEST_DATABASE], folder);
      return { url: `postgres://postgres@127.0.0.1:${port}/${TEST_DATABASE}`, folder, stop };
    }
  } catch (e) {
    stop();
    throw e;
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The tests' PostgreSQL server (test/global-setup.ts): its URL, or why there is none. */
    postgres: { url?: string; problem?: string };
  }
}
