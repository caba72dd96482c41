import { spawn } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelgateError } from '../core/errors.js';
import type { ScanResult } from '../core/report-types.js';
import { entryAbove, sandboxTemp } from '../app/pre-scan.js';
import { EXIT } from './exit-codes.js';

/**
 * `modelgate scan --sandbox`: the scan of local targets re-run in a child Node process under
 * Node's permission model (Node 20: --experimental-permission). The child may read the targets
 * (and the folder of a file target, whose neighbours the engine may read) and modelgate's own
 * installation (its dist/ code, data/, package.json and the node_modules
 * folders it resolves modules from, which hold the WebAssembly it loads), write only to the
 * process's private temporary folder (HDF5 content copied out of archives, temp-dir.ts), start
 * worker threads (the scan, hash and HDF5 threads), and nothing else: no child process, no
 * other file, and no native addon unless the scan needs one (needsAddons: then it runs again
 * with --allow-addons, which only modelgate's own code can use, as only it runs there). The network is not fenced by Node 20's permission model; the
 * child opens no connection, as it scans local targets only.
 *
 * The child prints its ScanResult as JSON; this process then applies the policy (lock,
 * signature: files of the user's choosing, never of the target), renders the report, writes
 * the output file and sets the exit code, so the child writes nothing of the user's.
 */

/** The built CLI's entry (dist/main.js), which the child runs; only the built CLI can sandbox. */
const ENTRY = fileURLToPath(new URL('../main.js', import.meta.url));
/** The installation folder: the package root, above dist/. */
const ROOT = dirname(dirname(ENTRY));

/** Node's flags: the permission model's was --experimental-permission until it became stable. */
const FLAGS = process.allowedNodeEnvironmentFlags;
const PERMISSION_FLAG = ['--permission', '--experimental-permission'].find((f) => FLAGS.has(f));

/**
 * True when Node has the permission model and this is the built CLI (under tsx the sources
 * run, which the child cannot load).
 */
export function sandboxAvailable(): boolean {
  return PERMISSION_FLAG !== undefined && import.meta.url.endsWith('.js') && existsSync(ENTRY);
}

/** A path and, when links lead elsewhere, the path they lead to: Node checks both. */
function withReal(path: string): string[] {
  const absolute = resolve(path);
  try {
    const real = realpathSync(absolute);
    return real === absolute ? [absolute] : [absolute, real];
  } catch {
    return [absolute];
  }
}

/** The node_modules folders module resolution looks in from the installation: the root's and its ancestors'. */
function moduleFolders(): string[] {
  const found: string[] = [];
  for (let dir = ROOT; ; dir = dirname(dir)) {
    const folder = join(dir, 'node_modules');
    if (existsSync(folder)) found.push(...withReal(folder));
    if (dirname(dir) === dir) return found;
  }
}

/**
 * What of a target the child may read: a folder, or a file and the folder holding it, since the
 * engine reads files beside a file it scans, as a loader would (an OpenVINO .bin's .xml, an ONNX
 * model's external data, the files a config names); and the whole Hugging Face cache entry
 * (`models--org--name/`) the target is in, when it is in one.
 */
function targetPaths(target: string): string[] {
  const paths = withReal(target);
  let file = false;
  try {
    file = !statSync(target).isDirectory();
  } catch {
    // A missing target: the child says so.
  }
  // In a Hugging Face cache entry, the snapshot's links lead to the entry's blobs and refs name its revisions.
  const entry = entryAbove(resolve(target));
  return [...(file ? [...paths, ...paths.map((p) => dirname(p))] : paths), ...(entry ? withReal(entry.dir) : [])];
}

/** What the child may read and write. */
export function sandboxGrants(targets: readonly string[], tempDir: string): { read: string[]; write: string[] } {
  const install = [join(ROOT, 'dist'), join(ROOT, 'data'), join(ROOT, 'package.json')].filter((p) => existsSync(p)).flatMap(withReal);
  const read = [...new Set([...targets.flatMap(targetPaths), ...install, ...moduleFolders(), ...withReal(tempDir)])];
  const write = withReal(tempDir);
  // Node reads `*` in a granted path as a wildcard: such a path would grant more than itself.
  const wild = [...read, ...write].find((p) => p.includes('*'));
  if (wild !== undefined) throw new ModelgateError('USAGE', `--sandbox cannot grant a path with * in it (${wild}): rename it, or pass --no-sandbox`);
  return { read, write };
}

/** The Node options that run the child under the permission model with these grants (and native addons only when asked). */
export function permissionArgs(grants: { read: string[]; write: string[] }, options: { addons?: boolean } = {}): string[] {
  // The child's stderr is the user's: not the warnings that the permission model is on.
  const quiet = FLAGS.has('--disable-warning') ? ['--disable-warning=ExperimentalWarning', '--disable-warning=SecurityWarning'] : [];
  return [
    PERMISSION_FLAG ?? '--experimental-permission',
    ...quiet,
    '--allow-worker',
    ...(options.addons ? ['--allow-addons'] : []),
    ...grants.read.map((p) => `--allow-fs-read=${p}`),
    ...grants.write.map((p) => `--allow-fs-write=${p}`),
  ];
}

/**
 * Runs `modelgate scan --sandbox-child ARGS -- TARGETS` under the permission model and returns
 * the child's ScanResult. The child's standard error (progress, messages) is this process's.
 * Throws SandboxExit when the child fails, whose `exitCode` is 2 when the child refused the
 * scan itself (an unreadable target; it said why), else 3 (INTERNAL): never 1, which is findings.
 */
export async function runSandboxedScan(targets: readonly string[], childArgs: readonly string[]): Promise<ScanResult> {
  const result = await runChild(targets, childArgs, false);
  return needsAddons(result) ? runChild(targets, childArgs, true) : result;
}

/**
 * What a native addon refused to load says (Node's ERR_DLOPEN_DISABLED, and the message of
 * @napi-rs/lzma's loader, which wraps it): the error a file gets under the sandbox when its
 * content needs the native xz decoder (a filter chain other than LZMA2 alone), which the engine
 * loads only then.
 */
const ADDON_REFUSED = /ERR_DLOPEN_DISABLED|loading addons is disabled|Cannot find native binding|native addon/i;

/**
 * True when a fatal finding of the result is an addon that was refused. The scan is then run
 * again with --allow-addons: native addons are allowed only to a scan that needs one.
 */
export function needsAddons(result: ScanResult): boolean {
  const refused = (f: { fatal?: boolean; message: string }) => f.fatal === true && ADDON_REFUSED.test(f.message);
  return result.findings.some(refused) || result.files.some((file) => file.findings.some(refused));
}

/**
 * The environment variables the child is given, an allow-list: what Node and a terminal need
 * (temporary folder, locale, time zone, terminal size and colour, NODE_OPTIONS), nothing else.
 * The scan of local targets reads no other variable, and tokens (HF_TOKEN, a registry's) and
 * secrets stay out of a process that reads hostile bytes (Node 20's permission model does not
 * fence the network).
 */
const CHILD_ENV = /^(PATH|HOME|TMPDIR|TMP|TEMP|LANG|LANGUAGE|LC_[A-Z_]+|TZ|TERM|COLUMNS|LINES|NO_COLOR|FORCE_COLOR|NODE_OPTIONS)$/;

/** `env` with only the variables the sandboxed child may see, plus `extra`. */
export function sandboxEnv(env: NodeJS.ProcessEnv, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(env).filter(([name]) => CHILD_ENV.test(name))), ...extra };
}

async function runChild(targets: readonly string[], childArgs: readonly string[], addons: boolean): Promise<ScanResult> {
  const temp = sandboxTemp();
  const env = sandboxEnv(process.env, temp.env);
  const permissions = permissionArgs(sandboxGrants(targets, temp.dir), { addons });
  const args = [...permissions, ENTRY, 'scan', '--sandbox-child', ...childArgs, '--', ...targets];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  // A signal that stops this process stops the scan, and then this process, by that signal.
  let received: NodeJS.Signals | undefined;
  const forward = (signal: NodeJS.Signals): void => {
    received ??= signal;
    child.kill(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, forward);
  const chunks: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.on('error', fail);
    child.on('close', (c, s) => done([c, s]));
  }).finally(() => signals.forEach((s) => process.off(s, forward)));
  if (received !== undefined && process.listenerCount(received) === 0) {
    // The private folder's own handler has removed it already (temp-dir.ts).
    process.kill(process.pid, received);
    await new Promise(() => undefined);
  }
  if (code === EXIT.ERROR) throw new SandboxExit(EXIT.ERROR, undefined);
  if (code !== 0) {
    const how = signal ? `was stopped by ${signal}` : `exited with code ${String(code)}`;
    throw new SandboxExit(EXIT.INTERNAL, `the sandboxed scan ${how}`);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as ScanResult;
  } catch (e) {
    throw new SandboxExit(EXIT.INTERNAL, `the sandboxed scan's result could not be read: ${(e as Error).message}`);
  }
}

/** How the scan command exits when the sandboxed child failed; `message` unless the child said why. */
export class SandboxExit extends Error {
  constructor(
    readonly exitCode: number,
    readonly why: string | undefined,
  ) {
    super(why ?? 'the sandboxed scan failed');
  }
}
