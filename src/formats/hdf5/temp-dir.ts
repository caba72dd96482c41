import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { ModelgateError } from '../../core/errors.js';

/**
 * The process's private temporary folder, where HDF5 content that is not on disk (an archive
 * member) is copied for libhdf5, which reads only files. One folder per process, mode 700, named
 * `modelgate-<pid>-<random>` under os.tmpdir(): removed at exit and on SIGINT, SIGTERM and SIGHUP,
 * and, when the process was killed outright (SIGKILL, a crash of Node itself), by the next run's
 * sweep, which removes the folders of processes that are gone.
 *
 * The main thread names the folder when this module loads and puts the name in the environment,
 * which worker threads (started later) inherit. A sandboxed child process is handed its
 * parent's folder instead (SANDBOX_TEMP_ENV, which only the sandbox sets), since it may not
 * write anywhere else; the parent removes it. Any other inherited name is ignored: a process
 * started by a modelgate process has a folder of its own. The folder itself is made by
 * whichever thread first needs it.
 */
const PRIVATE_TEMP_ENV = 'MODELGATE_PRIVATE_TMP';
const SANDBOX_TEMP_ENV = 'MODELGATE_SANDBOX_TMP';

const FOLDER = /^modelgate-(\d+)-[0-9a-f]{12}$/;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function remove(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // Nothing more can be done on the way out; the next run's sweep tries again.
  }
}

function claim(): void {
  const path = join(tmpdir(), `modelgate-${process.pid}-${randomBytes(6).toString('hex')}`);
  process.env[PRIVATE_TEMP_ENV] = path;
  process.on('exit', () => remove(path));
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      remove(path);
      // Listening replaced Node's default of dying by the signal: die by it now, unless the
      // program listens too (a server shutting down), which then decides.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

if (isMainThread) {
  const given = process.env[SANDBOX_TEMP_ENV];
  if (given) process.env[PRIVATE_TEMP_ENV] = given;
  else claim();
}

/**
 * The private folder, made (mode 700) if it is not there yet. Throws UNREADABLE when it cannot
 * be made, or when what is there is not a folder of this user that only this user can enter
 * (someone else put it there).
 */
export function privateTempDir(): string {
  const path = process.env[PRIVATE_TEMP_ENV];
  if (!path) throw new ModelgateError('UNREADABLE', 'no private temporary folder was named for this process');
  try {
    mkdirSync(path, { mode: 0o700 });
    // The umask can take bits away; the owner needs all three.
    chmodSync(path, 0o700);
    return path;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ModelgateError('UNREADABLE', `could not make the private temporary folder ${path}: ${(e as Error).message}`, { cause: e });
    }
  }
  const stat = lstatSync(path);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0) {
    throw new ModelgateError('UNREADABLE', `${path} is not a private folder of this user`);
  }
  return path;
}

/** True when process `pid` is gone (a process of another user still counts as there). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes the private folders of processes that are gone (killed before they could remove
 * their own), among this user's; returns the paths removed. Never throws: a folder that cannot
 * be read or removed is left for a later sweep.
 */
export function sweepPrivateTemps(): string[] {
  const removed: string[] = [];
  const base = tmpdir();
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const pid = Number(FOLDER.exec(name)?.[1]);
    if (!pid || pid === process.pid || !gone(pid)) continue;
    const path = join(base, name);
    try {
      const stat = lstatSync(path);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Left for a later sweep.
    }
  }
  return removed;
}

/** This process's private folder (made now), and the environment that hands it to a sandboxed child. */
export function sandboxTemp(): { dir: string; env: Record<string, string> } {
  const dir = privateTempDir();
  return { dir, env: { [SANDBOX_TEMP_ENV]: dir } };
}
