import { nativeCode } from '../../../src/detectors/python/native-code.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PYTHON } from './adapter.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

ruleTester(nativeCode, PYTHON, {
  valid: [
    {
      name: 'CUDA found through find_library',
      input: "import ctypes, ctypes.util\nname = ctypes.util.find_library('cudart')\nlib = ctypes.CDLL(name)\nlib.cudaGetDeviceCount(ctypes.byref(n))\n",
    },
    { name: 'libc by bare name', input: "import ctypes\nlibc = ctypes.CDLL('libc.so.6')\nlibc.malloc_trim(0)\nk = ctypes.windll.LoadLibrary('nvcuda.dll')\n" },
    { name: 'the main program', input: 'import ctypes\nlib = ctypes.CDLL(None)\nlib.getpid()\n' },
    {
      name: 'a Python callback through CFUNCTYPE',
      input: 'import ctypes\nCB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)\ndef on_event(x):\n    return 0\ncb = CB(on_event)\n',
    },
    { name: 'a memmove between arrays', input: 'import ctypes\nctypes.memmove(dst.ctypes.data, src.ctypes.data, src.nbytes)\n' },
    {
      name: 'a read-only mmap of a weights file',
      input: "import mmap\nwith open('model.bin', 'rb') as f:\n    m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)\n",
    },
    { name: 'a local function named system', input: 'def system(x):\n    return x\nsystem("ls")\n' },
  ],
  invalid: [
    {
      name: 'a library loaded from a path',
      input: "import ctypes, os\nlib = ctypes.CDLL(os.path.join(os.path.dirname(__file__), 'libops.so'))\n",
      errors: [
        {
          severity: 'low',
          message: 'ctypes.CDLL at line 2, column 7 loads a native library from a path computed at run time (…/libops.so)',
          at: 'ctypes.CDLL',
        },
      ],
    },
    {
      name: 'a library from /tmp through cdll.LoadLibrary',
      input: "from ctypes import cdll\ncdll.LoadLibrary('/tmp/.x/libz.so')\n",
      errors: [{ severity: 'medium', message: '/tmp/.x/libz.so, a temporary or hidden folder' }],
    },
    {
      name: 'a library written to a temporary file',
      input: "import ctypes, tempfile\nf = tempfile.NamedTemporaryFile(suffix='.so', delete=False)\nf.write(blob)\nctypes.CDLL(f.name)\n",
      errors: [{ severity: 'medium', message: 'a temporary or hidden folder' }],
    },
    {
      name: 'a library in a hidden folder under home',
      input: "import ctypes, os\nctypes.CDLL(os.path.expanduser('~/.x11/libgl.so'))\n",
      errors: [{ severity: 'medium', message: '~/.x11/libgl.so' }],
    },
    {
      name: 'a torch extension built in the cache',
      input: "import ctypes, os\nctypes.CDLL(os.path.expanduser('~/.cache/torch_extensions/op/op.so'))\n",
      errors: [{ severity: 'low' }],
    },
    {
      name: 'a downloaded library',
      input: "import ctypes, urllib.request\np, _ = urllib.request.urlretrieve(URL, '/tmp/l.so')\nctypes.CDLL(p)\n",
      errors: [{ severity: 'critical', message: 'fetched over the network' }],
    },
    {
      name: "libc's system through ctypes",
      input: "import ctypes\nlibc = ctypes.CDLL('libc.so.6')\nlibc.system(b'id')\n",
      errors: [{ severity: 'critical', message: 'ctypes.CDLL().system at line 3' }],
    },
    {
      name: 'WinExec through windll',
      input: "import ctypes\nctypes.windll.kernel32.WinExec(b'calc.exe', 1)\n",
      errors: [{ severity: 'critical', message: 'native WinExec' }],
    },
    {
      name: 'cffi dlopen and system',
      input: "import cffi\nffi = cffi.FFI()\nffi.cdef('int system(const char *);')\nC = ffi.dlopen(None)\nC.system(b'id')\n",
      errors: [{ severity: 'critical', message: 'cffi.FFI().dlopen().system' }],
    },
    {
      name: 'shellcode: VirtualAlloc, memmove, CreateThread',
      input:
        "import ctypes\nsc = bytes.fromhex('9090c3')\nk = ctypes.windll.kernel32\nbuf = k.VirtualAlloc(0, len(sc), 0x3000, 0x40)\nctypes.memmove(buf, sc, len(sc))\nk.CreateThread(0, 0, buf, 0, 0, 0)\n",
      errors: [
        { severity: 'high', message: 'makes memory executable (VirtualAlloc)' },
        { severity: 'critical', message: 'copies decoded or downloaded bytes into memory' },
        { severity: 'critical', message: 'starts running code at an address (CreateThread)' },
      ],
    },
    {
      name: 'shellcode: mmap PROT_EXEC and a CFUNCTYPE over it',
      input:
        'import ctypes, mmap\nm = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)\nctypes.memmove(ctypes.addressof(buf), code, n)\naddr = ctypes.addressof(ctypes.c_char.from_buffer(m))\nf = ctypes.CFUNCTYPE(ctypes.c_int)(addr)\nf()\n',
      errors: [
        { severity: 'high', message: 'maps executable memory' },
        { severity: 'high', message: 'copies bytes into memory in code that makes memory executable' },
        { severity: 'critical', message: 'function pointer over raw memory' },
      ],
    },
    {
      name: 'a cast of memory to a function type',
      input: 'import ctypes\nFT = ctypes.CFUNCTYPE(None)\nfn = ctypes.cast(ptr, FT)\n',
      errors: [{ severity: 'high', message: 'casts raw memory to a function pointer' }],
    },
    {
      name: 'memmove of decoded bytes',
      input: `import ctypes, base64\nctypes.memmove(dst, base64.b64decode('${b64('\x90\x90')}'), 2)\n`,
      errors: [{ severity: 'critical', message: 'decoded or downloaded' }],
    },
    {
      name: 'PyRun_SimpleString through pythonapi',
      input: 'import ctypes\nctypes.pythonapi.PyRun_SimpleString(b\'import os; os.system("id")\')\n',
      errors: [{ severity: 'critical', message: 'PyRun_SimpleString' }],
    },
    {
      name: 'another C API call',
      input: 'import ctypes\nctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_long(tid), ctypes.py_object(SystemExit))\n',
      errors: [{ severity: 'low', message: 'PyThreadState_SetAsyncExc' }],
    },
  ],
});
