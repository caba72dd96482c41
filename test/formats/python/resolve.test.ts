import { beforeAll, describe, expect, it } from 'vitest';
import { normalisePath, resolve } from '../../../src/formats/python/resolve.js';
import { initPython } from '../../../src/formats/python/runtime.js';
import { model } from './helpers.js';

describe('normalisePath', () => {
  it('maps an implementation module to the public one', () => {
    expect(normalisePath('posix.system')).toBe('os.system');
    expect(normalisePath('__builtin__')).toBe('builtins');
  });

  it('leaves a module named like an Object.prototype member as it is', () => {
    // The path comes from the scanned code: `constructor` must not read Object's own constructor.
    for (const path of ['constructor.system', '__proto__.x', 'toString']) expect(normalisePath(path)).toBe(path);
  });
});

describe('resolve: objects held in variables', () => {
  beforeAll(initPython);
  const calleeOf = (code: string, text: string): string | undefined => {
    const m = model(code);
    const call = m.calls.find((c) => m.text.slice(c.at, c.end) === text);
    if (!call) throw new Error(`no call ${text}`);
    return resolve(m, call.callee)?.path;
  };

  it.each([
    [
      'an attribute of self',
      'import os\nclass A:\n    def __init__(self):\n        self.run = os.system\n    def go(self):\n        self.run(cmd)\n',
      'self.run(cmd)',
      'os.system',
    ],
    [
      'an instance held in a variable',
      'import os\nclass A:\n    def __init__(self):\n        self.run = os.system\na = A()\na.run(cmd)\n',
      'a.run(cmd)',
      'os.system',
    ],
    ['tuple unpacking of a display', 'import os, subprocess\na, b = subprocess.Popen, os.system\nb(cmd)\n', 'b(cmd)', 'os.system'],
    ['tuple unpacking of a returned tuple', 'import os\ndef pair():\n    return (os.popen, 1)\nf, n = pair()\nf(cmd)\n', 'f(cmd)', 'os.popen'],
    ['a returned module', 'import subprocess\ndef sp():\n    return subprocess\nsp().run(cmd)\n', 'sp().run(cmd)', 'subprocess.run'],
    [
      'a method returning a module',
      'import subprocess\nclass A:\n    def sp(self):\n        return subprocess\n    def go(self):\n        self.sp().call(cmd)\n',
      'self.sp().call(cmd)',
      'subprocess.call',
    ],
    ['from x import y as z', 'from subprocess import check_output as co\nco(cmd)\n', 'co(cmd)', 'subprocess.check_output'],
    ['getattr with a constant string', "import os\nf = getattr(os, 'sys' + 'tem')\nf(cmd)\n", 'f(cmd)', 'os.system'],
    ['get_ipython in a kernel', 'ip = get_ipython()\nip.run_cell(code)\n', 'ip.run_cell(code)', 'IPython.get_ipython().run_cell'],
  ])('%s', (_name, code, call, path) => {
    expect(calleeOf(code, call)).toBe(path);
  });

  it.each([
    ['a for-loop tuple', 'for k, v in table.items():\n    k(v)\n', 'k(v)'],
    ['an item write is not the attribute', 'import os\nclass A:\n    def go(self):\n        self.d[k] = os.system\n        self.d(cmd)\n', 'self.d(cmd)'],
    ['a local get_ipython', 'def get_ipython():\n    return None\nget_ipython().system(cmd)\n', 'get_ipython().system(cmd)'],
  ])('%s stays unknown', (_name, code, call) => {
    expect(calleeOf(code, call)).toBeUndefined();
  });
});
