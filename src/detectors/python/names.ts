import type { Call, PythonModule } from '../../formats/python/model.js';
import { resolve } from '../../formats/python/resolve.js';

/**
 * The Python names the python rules judge, by resolved path (see formats/python/resolve.ts:
 * aliases followed, `posix`/`nt` read as `os`, a call's result written `callee()`). Patterns
 * end in `*` to match a prefix.
 */

/** Compiles patterns into one matcher. */
export function pathMatcher(patterns: readonly string[]): (path: string | undefined) => boolean {
  const exact = new Set(patterns.filter((p) => !p.endsWith('*')));
  const prefixes = patterns.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  return (path) => path !== undefined && (exact.has(path) || prefixes.some((p) => path.startsWith(p)));
}

/** Builtins that run Python source or code objects. */
export const isCodeExec = pathMatcher(['builtins.exec', 'builtins.eval', 'builtins.compile', 'builtins.execfile']);

const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'stream', 'send'];
const clients = (prefixes: string[]): string[] => prefixes.flatMap((p) => HTTP_VERBS.map((v) => `${p}.${v}`));

/** Calls that send data to, or fetch data from, another host. */
export const isNetworkCall = pathMatcher([
  ...clients([
    'requests',
    'requests.api',
    'requests.Session()',
    'requests.session()',
    'httpx',
    'httpx.Client()',
    'httpx.AsyncClient()',
    'aiohttp.ClientSession()',
    'aiohttp',
  ]),
  'aiohttp.ClientSession().ws_connect',
  'websocket.create_connection().send*',
  'websocket.WebSocket().send*',
  'urllib.request.urlopen',
  'urllib.request.Request',
  'urllib.request.urlretrieve',
  'urllib.request.build_opener().open',
  'urllib.urlopen',
  'urllib.urlretrieve',
  'urllib2.urlopen',
  'urllib2.Request',
  'urllib3.PoolManager().request',
  'urllib3.PoolManager().urlopen',
  'urllib3.request',
  'http.client.HTTPConnection().request',
  'http.client.HTTPSConnection().request',
  'http.client.HTTPConnection().send',
  'http.client.HTTPSConnection().send',
  'http.client.HTTPConnection().putrequest',
  'http.client.HTTPSConnection().putrequest',
  'httplib.HTTPConnection().request',
  'httplib.HTTPSConnection().request',
  'socket.socket().send*',
  'socket.socket().recv*',
  'socket.socket().makefile',
  'socket.create_connection().send*',
  'socket.create_connection().recv*',
  'ssl.wrap_socket().send*',
  'smtplib.SMTP().send*',
  'smtplib.SMTP_SSL().send*',
  'ftplib.FTP().stor*',
  'telnetlib.Telnet().write',
  'pycurl.Curl().perform',
]);

/** Calls that open a network connection (for reverse-shell shapes). */
export const isSocketOpen = pathMatcher(['socket.socket', 'socket.create_connection', 'socket.fromfd', 'socket.socket().connect*', 'ssl.wrap_socket']);

/** How a shell runner takes its command: which argument, and whether it is an argv. */
export interface ShellRunner {
  /** Index of the argument holding the command (or argv), or -1 for all arguments as argv. */
  arg: number;
  /** Further positional arguments are argv items too (`os.execl(path, arg0, arg1 …)`). */
  rest?: boolean;
}

const RUNNERS: Record<string, ShellRunner> = {
  'os.system': { arg: 0 },
  'os.popen': { arg: 0 },
  'os.popen2': { arg: 0 },
  'os.popen3': { arg: 0 },
  'os.popen4': { arg: 0 },
  'platform.popen': { arg: 0 },
  'subprocess.run': { arg: 0 },
  'subprocess.call': { arg: 0 },
  'subprocess.check_call': { arg: 0 },
  'subprocess.check_output': { arg: 0 },
  'subprocess.Popen': { arg: 0 },
  'subprocess.getoutput': { arg: 0 },
  'subprocess.getstatusoutput': { arg: 0 },
  'commands.getoutput': { arg: 0 },
  'commands.getstatusoutput': { arg: 0 },
  'pty.spawn': { arg: 0 },
  'pexpect.spawn': { arg: 0 },
  'pexpect.run': { arg: 0 },
  'asyncio.create_subprocess_shell': { arg: 0 },
  'asyncio.create_subprocess_exec': { arg: 0, rest: true },
  'os.execl': { arg: 1, rest: true },
  'os.execle': { arg: 1, rest: true },
  'os.execlp': { arg: 1, rest: true },
  'os.execlpe': { arg: 1, rest: true },
  'os.execv': { arg: 1 },
  'os.execve': { arg: 1 },
  'os.execvp': { arg: 1 },
  'os.execvpe': { arg: 1 },
  'os.spawnl': { arg: 2, rest: true },
  'os.spawnlp': { arg: 2, rest: true },
  'os.spawnv': { arg: 2 },
  'os.spawnvp': { arg: 2 },
  'os.posix_spawn': { arg: 1 },
  'os.posix_spawnp': { arg: 1 },
  // IPython's own process helpers (IPython.utils.process re-exports the platform's).
  'IPython.utils.process.system': { arg: 0 },
  'IPython.utils.process.getoutput': { arg: 0 },
  'IPython.utils.process.getoutputerror': { arg: 0 },
  'IPython.utils.process.get_output_error_code': { arg: 0 },
  'IPython.utils._process_posix.system': { arg: 0 },
  'IPython.utils._process_win32.system': { arg: 0 },
};

/** The shell runner a call path names, or undefined. */
export function shellRunner(path: string | undefined): ShellRunner | undefined {
  return path !== undefined && Object.hasOwn(RUNNERS, path) ? RUNNERS[path] : undefined;
}

/**
 * An IPython shell object: what `get_ipython()` returns in a kernel, or an InteractiveShell
 * (`InteractiveShell.instance()`, the terminal and kernel subclasses). Its methods run code
 * (`run_cell`, `ex`, `ev`) and shell commands (`system`, `getoutput`, magics).
 */
const IPYTHON_SHELL = /^(?:IPython\.(?:core\.getipython\.)?get_ipython\(\)|(?:IPython|ipykernel)(?:\.\w+)*\.\w*(?:InteractiveShell|Shell)(?:\.instance)?\(\))$/;

/** The IPython shell method a resolved path names (`IPython.get_ipython().system` → `system`), or undefined. */
export function ipythonShellMethod(path: string | undefined): string | undefined {
  const dot = path === undefined ? -1 : path.lastIndexOf('.');
  if (dot <= 0 || !/^\w+$/.test(path!.slice(dot + 1))) return undefined;
  return IPYTHON_SHELL.test(path!.slice(0, dot)) ? path!.slice(dot + 1) : undefined;
}

/**
 * The IPython shell method a call uses (`run_cell`, `system` …), or undefined: on the shell
 * itself or a name holding it (`ip = get_ipython(); ip.system(…)`), or through a name holding
 * the bound method (`sh = get_ipython().system; sh(…)`), resolved like the call itself.
 */
export function ipythonMethod(model: PythonModule, call: Call): string | undefined {
  if (call.callee.k === 'attr') {
    const shell = resolve(model, call.callee.object)?.path;
    if (shell !== undefined && IPYTHON_SHELL.test(shell)) return call.callee.attr;
  }
  return ipythonShellMethod(resolve(model, call.callee)?.path);
}
