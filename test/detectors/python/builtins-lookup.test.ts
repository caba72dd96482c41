import { builtinsLookup } from '../../../src/detectors/python/builtins-lookup.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PYTHON } from './adapter.js';

ruleTester(builtinsLookup, PYTHON, {
  valid: [
    { name: 'getattr of a dtype', input: "import torch\ndtype = getattr(torch, 'float16')\n" },
    { name: 'getattr of a configured activation', input: 'from torch import nn\nact = getattr(nn, config.act)()\n' },
    { name: 'import_module of a computed model name', input: 'import importlib\nm = importlib.import_module(f"transformers.models.{name}")\n' },
    { name: 'builtins.print replaced', input: 'import builtins\nbuiltins.print = logger.info\nbuiltins.print("x")\n' },
    { name: 'namespace package idiom', input: "__import__('pkg_resources').declare_namespace(__name__)\n" },
    { name: 'the current module', input: 'import sys\nthis = sys.modules[__name__]\n' },
    {
      name: 'saving the original __import__ (test monkeypatch)',
      input: 'import builtins\noriginal_import = builtins.__import__\nbuiltins.__import__ = fake_import\n',
    },
    { name: 'globals() by a computed name', input: 'cls = globals()[class_name]\n' },
    { name: 'dunder reads on objects', input: 'name = x.__class__.__name__\nw = layer.__dict__["weight"]\n' },
    { name: 'optional socket constant', input: "import socket\nV6 = getattr(socket, 'IPPROTO_IPV6', 41)\n" },
    { name: 'setattr of a harmless function', input: "import os\nclass C:\n    pass\nc = C()\nsetattr(c, 'join', os.path.join)\nc.join('a', 'b')\n" },
    { name: 'setattr with a computed name', input: 'import os\nsetattr(cfg, name, os.system)\n' },
    { name: 'get_ipython() held only for its namespace', input: 'ip = get_ipython()\nns = ip.user_ns\n' },
    { name: 'a held shell calling system by its name', input: "ip = get_ipython()\nip.system('nvidia-smi')\n" },
    { name: 'writing into a globals dict', input: 'g = {}\ng["__builtins__"] = {}\nfn.__globals__["__builtins__"] = safe\n' },
  ],
  invalid: [
    {
      name: "getattr(__builtins__, 'exec')",
      input: "getattr(__builtins__, 'exec')(code)\n",
      errors: [{ severity: 'high', message: 'builtins.exec through __builtins__, getattr', at: 'getattr' }],
    },
    {
      name: "globals()['__builtins__']",
      input: "b = globals()['__builtins__']\n",
      errors: [{ severity: 'high', message: 'builtins namespace through globals()' }],
    },
    {
      name: "__import__('os').system is one finding",
      input: "__import__('os').system('id')\n",
      errors: [{ severity: 'high', message: 'os.system through __import__', at: '__import__' }],
    },
    {
      name: "a bare __import__('subprocess')",
      input: "sp = __import__('subprocess')\n",
      errors: [{ severity: 'high', message: 'imports subprocess dynamically' }],
    },
    {
      name: 'import_module of a decoded name',
      input: "import base64, importlib\nm = importlib.import_module(base64.b64decode('b3M=').decode())\n",
      errors: [{ severity: 'high', message: 'hidden by base64' }],
    },
    {
      name: "vars(builtins)['eval']",
      input: "import builtins\nf = vars(builtins)['eval']\n",
      errors: [{ severity: 'high', message: 'builtins.eval through vars()' }],
    },
    {
      name: 'vars(builtins) by a computed name',
      input: 'import builtins\nf = vars(builtins)[name]\n',
      errors: [{ severity: 'low', message: 'computed at run time in builtins' }],
    },
    {
      name: 'a lookup is reported where it is written, not at each use',
      input: "import builtins\nop = getattr(builtins, 'eval')\nop(a)\nop(b)\n",
      errors: [{ severity: 'high', at: 'getattr' }],
    },
    { name: 'exec aliased', input: 'e = exec\ne(code)\n', errors: [{ severity: 'high', message: 'alias e', at: 'e(code)' }] },
    { name: 'class hierarchy walk', input: 'subs = ().__class__.__base__.__subclasses__()\n', errors: [{ severity: 'high', message: '__subclasses__' }] },
    {
      name: 'attribute name built by concatenation',
      input: "import os\ngetattr(os, 'sys' + 'tem')('id')\n",
      errors: [{ severity: 'high', message: 'os.system through getattr' }],
    },
    {
      name: 'sys.modules lookup',
      input: "import sys\nsys.modules['os'].system('id')\n",
      errors: [{ severity: 'high', message: 'os.system through sys.modules' }],
    },
    {
      name: '__builtins__.__dict__ with a folded key',
      input: "f = __builtins__.__dict__['ex' + 'ec']\n",
      errors: [{ severity: 'high', message: 'builtins.exec' }],
    },
    {
      name: 'rot13 module name under getattr is one finding',
      input: "import codecs\ngetattr(__import__(codecs.decode('bf', 'rot13')), 'system')('id')\n",
      errors: [{ severity: 'high', message: 'os.system' }],
    },
    { name: 'posix spelled for os', input: "getattr(__import__('posix'), 'system')('id')\n", errors: [{ severity: 'high', message: 'os.system' }] },
    {
      name: 'the C API reached by getattr',
      input: "import ctypes\nrun = getattr(ctypes.pythonapi, 'PyRun_' + 'SimpleString')\n",
      errors: [{ severity: 'high', message: 'reaches ctypes.pythonapi.PyRun_SimpleString through getattr' }],
    },
    {
      name: 'os.system stored by setattr and called as an attribute (red team)',
      input: "import os as _o\nclass Cfg:\n    pass\ncfg = Cfg()\ncfg.hook = _o.system\nsetattr(cfg, 'h2', cfg.hook)\ncfg.h2('touch /tmp/x')\n",
      errors: [{ severity: 'high', message: 'line 7, column 1: reaches os.system through setattr', at: 'cfg.h2(' }],
    },
    {
      name: 'a setattr-stored os.system read into a plain name, then called',
      input: "import os\nsetattr(cfg, 'x', os.system)\nf = cfg.x\nf('id')\n",
      errors: [{ severity: 'high', message: 'line 4, column 1: reaches os.system through setattr' }],
    },
    {
      name: 'subprocess.Popen stored on self by setattr',
      input: "import subprocess\nclass R:\n    def __init__(self):\n        setattr(self, 'go', subprocess.Popen)\n    def run(self, c):\n        self.go(c)\n",
      errors: [{ severity: 'high', message: 'reaches subprocess.Popen through setattr' }],
    },
    {
      name: 'the kernel shell system method held in a variable (red team)',
      input: "shell = get_ipython().system\nshell('id > /tmp/x')\n",
      errors: [{ severity: 'high', message: 'reaches IPython.get_ipython().system under the alias shell', at: 'shell(' }],
    },
    {
      name: 'run_cell bound through a held shell',
      input: 'ip = get_ipython()\nrun = ip.run_cell\nrun(src)\n',
      errors: [{ severity: 'high', message: 'IPython.get_ipython().run_cell under the alias run' }],
    },
    {
      name: 'run_cell reached by getattr on the kernel',
      input: "f = getattr(get_ipython(), 'run_' + 'cell')\nf(src)\n",
      errors: [{ severity: 'high', message: 'IPython.get_ipython().run_cell' }],
    },
  ],
});
