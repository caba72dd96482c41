import type { Severity } from '../../core/severity.js';
import { evaluate, staticString } from '../../formats/python/evaluate.js';
import { walkFlow } from '../../formats/python/flow.js';
import type { Call, Expr, PythonModule } from '../../formats/python/model.js';
import { calleePath, resolve } from '../../formats/python/resolve.js';
import type { Rule } from '../types.js';
import { pathMatcher } from './names.js';
import { pathText } from './paths.js';
import { describeDecoders, provenance } from './provenance.js';
import { place, shorten, snippet } from './report.js';

/** Calls that load a shared library (ctypes' loaders, cffi, the Windows loader through ctypes). */
const isLoader = pathMatcher([
  'ctypes.CDLL',
  'ctypes.PyDLL',
  'ctypes.WinDLL',
  'ctypes.OleDLL',
  'ctypes.cdll.LoadLibrary',
  'ctypes.pydll.LoadLibrary',
  'ctypes.windll.LoadLibrary',
  'ctypes.oledll.LoadLibrary',
  'ctypes.LibraryLoader().LoadLibrary',
  'ctypes._dlopen',
  '_ctypes.dlopen',
  '_ctypes.LoadLibrary',
  'cffi.FFI().dlopen',
  'ctypes.windll.kernel32.LoadLibrary*',
  'ctypes.WinDLL().LoadLibrary*',
]);
/** Calls whose result names a system library by search (ctypes.util.find_library('cudart')). */
const isLibrarySearch = pathMatcher(['ctypes.util.find_library', 'ctypes.util.find_msvcrt']);
/** Roots of names reached through a native library object. */
const NATIVE_ROOT = /^(?:ctypes|_ctypes|cffi)\./;
/** Native functions that start processes or write into other processes. */
const NATIVE_EXEC = new Set([
  'system',
  'popen',
  'execl',
  'execlp',
  'execle',
  'execv',
  'execvp',
  'execve',
  'execvpe',
  'posix_spawn',
  'posix_spawnp',
  'WinExec',
  'ShellExecuteA',
  'ShellExecuteW',
  'ShellExecuteExA',
  'ShellExecuteExW',
  'CreateProcessA',
  'CreateProcessW',
  'CreateRemoteThread',
  'WriteProcessMemory',
]);
/** Native functions that make memory executable. */
const EXEC_MEMORY = new Set([
  'VirtualAlloc',
  'VirtualAllocEx',
  'VirtualProtect',
  'VirtualProtectEx',
  'mprotect',
  'NtAllocateVirtualMemory',
  'NtProtectVirtualMemory',
]);
/** Native functions that start running at an address. */
const RUN_ADDRESS = new Set(['CreateThread', 'QueueUserAPC', 'EnumWindows', 'CallWindowProcA', 'CallWindowProcW']);
/** Function-pointer types: calling one on an address runs the machine code there. */
const isFunctionType = pathMatcher(['ctypes.CFUNCTYPE()', 'ctypes.WINFUNCTYPE()', 'ctypes.PYFUNCTYPE()', '_ctypes.CFuncPtr']);
/** Calls whose result is a raw address or a view of raw memory. */
const ADDRESS_CALLS = pathMatcher([
  'ctypes.addressof',
  'ctypes.c_void_p',
  'ctypes.c_void_p.from_buffer',
  'ctypes.c_char.from_buffer',
  'ctypes.cast',
  'builtins.id',
  'mmap.mmap',
]);
const isAddress = (path: string | undefined): boolean =>
  ADDRESS_CALLS(path) || (path !== undefined && NATIVE_ROOT.test(path) && /\.(?:VirtualAlloc\w*|mmap)$/.test(path));
/** Calls that copy bytes between addresses. */
const isMemoryCopy = (path: string): boolean => path === 'ctypes.memmove' || (NATIVE_ROOT.test(path) && /\.(?:RtlMoveMemory|RtlCopyMemory|memcpy)$/.test(path));
/** Interpreter C API functions that compile or run Python source, beside exec and eval. */
const RUNS_PYTHON = /^(?:PyRun_\w+|Py_CompileString\w*|PyEval_EvalCode\w*|PyImport_ExecCodeModule\w*|PyMarshal_ReadObjectFromString)$/;

/** Temporary, shared-memory and hidden folders: where a dropped library is written before it is loaded. */
const DROP_FOLDERS = /^(?:\/tmp|\/var\/tmp|\/dev\/shm)(?:\/|$)|\/appdata\/local\/temp\/|(?:^|\/)\.(?!\.?\/|cache\/|local\/)[^/]+\/|^%te?mp%/i;

const last = (path: string): string => path.slice(path.lastIndexOf('.') + 1);

/** The mmap call asks for executable pages (`prot=PROT_EXEC`, or the flag among its arguments). */
function mapsExecutable(model: PythonModule, call: Call): boolean {
  const values = [...call.args, ...call.kwargs.map((k) => k.value)];
  return values.some((v) => /\bPROT_EXEC\b|\bPAGE_EXECUTE/.test(model.text.slice(v.at, v.end)));
}

/** True when the value passed to a function-pointer type is a raw address, not a Python callback. */
function isMemory(model: PythonModule, e: Expr): boolean {
  if (evaluate(model, e)?.value.k === 'num') return true;
  let found = false;
  walkFlow(model, e, (x) => {
    if (found) return false;
    if (x.k === 'call' && isAddress(calleePath(model, x))) found = true;
    if (x.k === 'call' && x.callee.k === 'attr' && (x.callee.attr === 'from_address' || x.callee.attr === 'buffer_info')) found = true;
    return !found;
  });
  return found;
}

interface Hit {
  call: Call;
  severity: Severity;
  why: string;
}

/** How serious loading this library is: none for a system library named by search, else by where its path comes from. */
function gradeLoad(model: PythonModule, call: Call): Omit<Hit, 'call'> | undefined {
  const arg = call.args[0] ?? call.kwargs.find((k) => k.name === 'name' || k.name === 'path')?.value;
  if (!arg || model.text.slice(arg.at, arg.end) === 'None') return undefined;
  let searched = false;
  let temporary = false;
  walkFlow(model, arg, (x) => {
    if (x.k !== 'call') return !searched;
    const path = calleePath(model, x);
    // A module's own `find_library` helper (ctypes.util defines one) searches as ctypes.util's does.
    if (isLibrarySearch(path) || (x.callee.k === 'name' && x.callee.id === 'find_library') || (x.callee.k === 'attr' && x.callee.attr === 'find_library'))
      searched = true;
    if (path?.startsWith('tempfile.')) temporary = true;
    return !searched;
  });
  if (searched) return undefined;
  const from = provenance(model, arg);
  if (from.network) return { severity: 'critical', why: `loads a native library fetched over the network (${from.network})` };
  if (from.decoders.size > 0)
    return { severity: 'critical', why: `loads a native library whose name or bytes were decoded by ${describeDecoders(from.decoders)}` };
  const name = staticString(model, arg);
  // A bare name (libc.so.6, nvcuda.dll) is found by the system loader among installed libraries.
  if (name !== undefined && !/[/\\]/.test(name)) return undefined;
  const text = pathText(model, arg);
  // Libraries shipped beside the code (custom CUDA ops, vendored builds) are low; a temporary or hidden folder is where droppers put theirs.
  const dropped = temporary || DROP_FOLDERS.test(text.replace(/\\+/g, '/'));
  return {
    severity: dropped ? 'medium' : 'low',
    why: `loads a native library from ${name === undefined ? `a path computed at run time (${shorten(text, 100)})` : shorten(name, 120)}${dropped ? ', a temporary or hidden folder' : ''}: its machine code runs unscanned`,
  };
}

function judge(model: PythonModule, call: Call, executable: boolean): Omit<Hit, 'call'> | undefined {
  const path = calleePath(model, call);
  if (path === undefined) return undefined;
  if (isLoader(path)) return gradeLoad(model, call);
  if (path === 'mmap.mmap') return mapsExecutable(model, call) ? { severity: 'high', why: 'maps executable memory (PROT_EXEC)' } : undefined;
  if (path.startsWith('ctypes.pythonapi.')) {
    const fn = last(path);
    return RUNS_PYTHON.test(fn)
      ? { severity: 'critical', why: `runs Python source through the interpreter's C API (${fn}), out of sight of exec and eval` }
      : { severity: 'low', why: `calls the interpreter's C API (${fn})` };
  }
  if (isFunctionType(resolve(model, call.callee)?.path) && call.args[0] && isMemory(model, call.args[0]))
    return { severity: executable ? 'critical' : 'high', why: 'makes a function pointer over raw memory and can call the machine code there' };
  if (path === 'ctypes.cast' && call.args[1] && isFunctionType(resolve(model, call.args[1])?.path))
    return { severity: executable ? 'critical' : 'high', why: 'casts raw memory to a function pointer' };
  if (isMemoryCopy(path)) {
    const from = call.args[1] ? provenance(model, call.args[1]) : undefined;
    if (from && (from.decoders.size > 0 || from.network)) return { severity: 'critical', why: 'copies decoded or downloaded bytes into memory' };
    return executable ? { severity: 'high', why: 'copies bytes into memory in code that makes memory executable' } : undefined;
  }
  if (!NATIVE_ROOT.test(path)) return undefined;
  const fn = last(path);
  if (NATIVE_EXEC.has(fn)) return { severity: 'critical', why: `starts a process or writes another process through native ${fn}` };
  if (EXEC_MEMORY.has(fn)) return { severity: 'high', why: `makes memory executable (${fn})` };
  if (RUN_ADDRESS.has(fn)) return { severity: executable ? 'critical' : 'high', why: `starts running code at an address (${fn})` };
  return undefined;
}

/** Native code: shared libraries loaded by path, machine code run from memory, the C API and libc's system. */
export const nativeCode: Rule<PythonModule> = {
  meta: {
    id: 'python/native-code',
    defaultSeverity: 'high',
    title: 'Python runs native code through ctypes, cffi or executable memory',
    description:
      "The code leaves Python for machine code that no scanner reads: it loads a shared library from a path (ctypes.CDLL, cdll.LoadLibrary, windll, cffi dlopen: low beside the code, medium from a temporary or hidden folder, critical when the library or its name is downloaded or decoded), calls libc's system or exec*, WinExec or CreateProcess through ctypes (critical), maps executable memory (mmap PROT_EXEC, VirtualAlloc, mprotect), builds a CFUNCTYPE function pointer over raw memory or casts memory to one (critical next to executable memory), copies decoded bytes with ctypes.memmove, or runs source through ctypes.pythonapi (PyRun_SimpleString: critical; other C API calls: low). Loading a system library by bare name or through ctypes.util.find_library (libc, CUDA) is not reported.",
    docs: 'docs/rules/python-native-code.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-94', 'CWE-114', 'CWE-506'],
  },
  check(model, ctx) {
    const executable = model.calls.some((c) => {
      const path = calleePath(model, c);
      return path !== undefined && ((path === 'mmap.mmap' && mapsExecutable(model, c)) || (NATIVE_ROOT.test(path) && EXEC_MEMORY.has(last(path))));
    });
    for (const call of model.calls) {
      const hit = judge(model, call, executable);
      if (!hit) continue;
      const { location, where } = place(model, call);
      ctx.report({ severity: hit.severity, message: `${calleePath(model, call)} at ${where} ${hit.why}`, location, evidence: snippet(model, call) });
    }
  },
};
