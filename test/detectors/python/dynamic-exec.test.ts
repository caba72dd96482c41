import { deflateSync } from 'node:zlib';
import { dynamicExec } from '../../../src/detectors/python/dynamic-exec.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PYTHON } from './adapter.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const zhex = (s: string): string => deflateSync(Buffer.from(s)).toString('hex');

ruleTester(dynamicExec, PYTHON, {
  valid: [
    { name: 'model.eval() is a method', input: 'model = Net()\nmodel.eval()\n' },
    { name: 'torch.compile and re.compile', input: 'import re, torch\nm = torch.compile(model)\np = re.compile(r"\\d+")\n' },
    { name: 'pandas eval', input: 'import pandas as pd\npd.eval("a + b")\ndf.eval("c = a + b")\n' },
    { name: 'ast.literal_eval', input: 'import ast\nv = ast.literal_eval(text)\n' },
    { name: 'a local function named exec', input: 'def exec(q):\n    return db.run(q)\nexec(query)\n' },
    { name: 'cursor.execute', input: 'cursor.execute("SELECT 1")\n' },
    { name: 'ordinary shell commands', input: "import os, subprocess\nos.system('nvidia-smi')\nsubprocess.run(cmd, shell=True)\n" },
    {
      name: 'an IPython magic that is not code',
      input: "get_ipython().run_line_magic('matplotlib', 'inline')\nget_ipython().run_cell_magic('writefile', 'x.txt', 'hello')\n",
    },
    { name: 'a local object with a run_cell method', input: 'class Runner:\n    def run_cell(self, c):\n        return c\nRunner().run_cell(code)\n' },
    { name: 'a plain shell command through get_ipython', input: "get_ipython().system('pip install -q transformers')\n" },
    { name: 'a decoded secret handed to a script as an argument', input: 'import os\nos.system(\'python train.py --key "$(echo a2V5 | base64 -d)"\')\n' },
    { name: 'a decoded file written, not run', input: "import os\nos.system('echo aWQ= | base64 -d > out.txt; cat out.txt')\n" },
    { name: 'a decoded variable only printed', input: 'import os\nos.system(\'L=$(echo aWQ= | base64 -d); echo "$L"\')\n' },
    { name: 'get_ipython() held only for its namespace', input: "ip = get_ipython()\nns = ip.user_ns\nip.run_line_magic('matplotlib', 'inline')\n" },
  ],
  invalid: [
    {
      name: 'exec of base64 (MalHug obfuscation)',
      input: `import base64\nexec(base64.b64decode('${b64("import os\nos.system('id')\n")}'))\n`,
      errors: [{ severity: 'critical', message: 'base64', at: 'exec(' }],
    },
    {
      name: 'exec of zlib over hex through a module alias',
      input: `import zlib as _z\nexec(_z.decompress(bytes.fromhex('${zhex('print(1)')}')))\n`,
      errors: [{ severity: 'critical', message: 'zlib (zlib.decompress), hex (builtins.bytes.fromhex): print(1)' }],
    },
    { name: 'from-import alias of b64decode', input: 'from base64 import b64decode as d\neval(d(s))\n', errors: [{ severity: 'critical', message: 'base64' }] },
    { name: 'marshal code object', input: 'import marshal\nexec(marshal.loads(blob))\n', errors: [{ severity: 'critical', message: 'marshal' }] },
    {
      name: 'rot13 through codecs',
      input: "import codecs\nexec(codecs.decode('vzcbeg bf', 'rot13'))\n",
      errors: [{ severity: 'critical', message: 'rot13 (codecs rot13): import os' }],
    },
    { name: 'Python 2 str.decode("base64")', input: "exec(payload.decode('base64'))\n", errors: [{ severity: 'critical', message: 'base64' }] },
    { name: 'decoded into a variable first', input: 'import base64\np = base64.b64decode(x)\nexec(p)\n', errors: [{ severity: 'critical', at: 'exec(' }] },
    {
      name: 'exec reached through an alias',
      input: 'import base64\nrun = exec\nrun(base64.b64decode(x))\n',
      errors: [{ severity: 'critical', message: 'alias run', at: 'run(' }],
    },
    {
      name: 'exec reached through getattr',
      input: "import base64\ngetattr(__builtins__, 'exec')(base64.b64decode(x))\n",
      errors: [{ severity: 'critical', message: 'getattr' }],
    },
    {
      name: 'code fetched over the network',
      input: 'import requests\nexec(requests.get(URL).text)\n',
      errors: [{ severity: 'critical', message: 'network (requests.get)' }],
    },
    {
      name: 'exec(compile(...)) is one finding',
      input: "import base64\nexec(compile(base64.b64decode(x), '<s>', 'exec'))\n",
      errors: [{ severity: 'critical', at: 'exec(' }],
    },
    { name: 'a byte-wise XOR', input: 'KEY = 7\nexec(bytes(b ^ KEY for b in DATA))\n', errors: [{ severity: 'critical', message: 'xor' }] },
    { name: 'chr codes joined', input: "exec(''.join(chr(c) for c in [105, 100]))\n", errors: [{ severity: 'high', message: 'hides the names id: id' }] },
    {
      name: 'a shell pipes decoded text into sh',
      input: "import os\nos.system('echo aWQ= | base64 -d | sh')\n",
      errors: [{ severity: 'critical', message: 'os.system at line 2, column 1 pipes data decoded by base64 -d into sh', at: 'os.system' }],
    },
    {
      name: 'a shell evals a variable assigned decoded text (red team)',
      input: 'import subprocess\nsubprocess.run(\'export L=$(echo aWQ= | base64 -d)\\neval "$L"\', shell=True)\n',
      errors: [{ severity: 'critical', message: 'runs $L, decoded by base64 -d, with eval' }],
    },
    {
      name: 'sh -c of a hex-decoded substitution',
      input: 'import os\nos.system(\'sh -c "$(echo 6964 | xxd -r -p)"\')\n',
      errors: [{ severity: 'critical', message: 'runs the output of xxd -r with sh' }],
    },
    {
      name: 'run_cell through a held shell of code joined from pieces that split its names (red team)',
      input: "ip = get_ipython()\ncode = ''.join(['im','port os; os.sys','tem(\"touch /tmp/x\")'])\nip.run_cell(code)\n",
      errors: [
        {
          severity: 'high',
          message: 'get_ipython().run_cell at line 3, column 1 runs code assembled at run time that hides the names import, system',
          at: 'ip.run_cell',
        },
      ],
    },
    {
      name: 'exec of a name cut in two by +',
      input: "src = 'import subpro' + 'cess'\nexec(src)\n",
      errors: [{ severity: 'high', message: 'hides the names subprocess' }],
    },
    {
      name: 'code lines joined whole stay a literal',
      input: "lines = ['import math', 'x = math.pi']\nexec('\\n'.join(lines))\n",
      errors: [{ severity: 'low', message: 'literal: import math' }],
    },
    { name: 'eval of computed data', input: 'expr = input()\nprint(eval(expr))\n', errors: [{ severity: 'medium', message: 'run time', at: 'eval(' }] },
    { name: 'exec of an f-string', input: 'exec(f"x = {y}")\n', errors: [{ severity: 'medium' }] },
    { name: 'exec of a literal', input: 'exec("x = 1")\n', errors: [{ severity: 'low', message: 'literal: x = 1' }] },
    {
      name: 'exec of a named local file (setup.py version idiom)',
      input: "exec(open('pkg/version.py').read(), about)\n",
      errors: [{ severity: 'low', message: 'local file' }],
    },
    {
      name: 'a parameter is not the decoded variable of another function',
      input: 'import base64\ndef load():\n    s = base64.b64decode(x)\n    return s\ndef run(s):\n    exec(s)\n',
      errors: [{ severity: 'medium' }],
    },
    {
      name: 'a shell command hidden by base64',
      input: `import base64, os\nos.system(base64.b64decode('${b64('rm -rf ~')}').decode())\n`,
      errors: [{ severity: 'critical', message: 'os.system at line 2, column 1 runs a shell command decoded by base64 (base64.b64decode): rm -rf ~' }],
    },
    {
      name: 'a shell command downloaded',
      input: 'import subprocess, urllib.request\nsubprocess.run(urllib.request.urlopen(U).read(), shell=True)\n',
      errors: [{ severity: 'critical', message: 'urllib.request.urlopen' }],
    },
    {
      name: 'columns count characters, offsets count UTF-8 bytes',
      input: '# é\nexec(x)\n',
      errors: [{ severity: 'medium', message: 'line 2, column 1', at: 'exec(' }],
    },
    {
      name: 'run_cell of decoded code',
      input: `import base64\nget_ipython().run_cell(base64.b64decode('${b64("import os\nos.system('id')")}').decode())\n`,
      errors: [{ severity: 'critical', message: 'get_ipython().run_cell at line 2', at: 'get_ipython()' }],
    },
    {
      name: 'InteractiveShell.instance().ex of downloaded code',
      input: 'import requests\nfrom IPython.core.interactiveshell import InteractiveShell\nsh = InteractiveShell.instance()\nsh.ex(requests.get(URL).text)\n',
      errors: [{ severity: 'critical', message: 'get_ipython().ex', at: 'sh.ex' }],
    },
    {
      name: 'ev through a held shell and an alias',
      input: 'from IPython import get_ipython as gi\nip = gi()\nip.ev(data)\n',
      errors: [{ severity: 'medium', message: 'get_ipython().ev' }],
    },
    {
      name: 'a %%capture cell of decoded code',
      input: `import base64\nget_ipython().run_cell_magic('capture', '', base64.b64decode('${b64('print(1)')}').decode())\n`,
      errors: [{ severity: 'critical', message: 'run_cell_magic' }],
    },
    {
      name: 'get_ipython().system of a decoded command',
      input: `import base64\nget_ipython().system(base64.b64decode('${b64('id')}').decode())\n`,
      errors: [{ severity: 'critical', message: 'runs a shell command decoded by base64' }],
    },
    {
      name: 'IPython.utils.process.system of a decoded command',
      input: `import base64\nfrom IPython.utils.process import system\nsystem(base64.b64decode('${b64('id')}').decode())\n`,
      errors: [{ severity: 'critical', message: 'IPython.utils.process.system' }],
    },
  ],
});
