import { deflateSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, staticString } from '../../../src/formats/python/evaluate.js';
import { walkFlow } from '../../../src/formats/python/flow.js';
import type { Call, Expr, PythonModule } from '../../../src/formats/python/model.js';
import { resolve } from '../../../src/formats/python/resolve.js';
import { initPython } from '../../../src/formats/python/runtime.js';
import { model } from './helpers.js';

beforeAll(initPython);

/** The outermost call of the last statement (the expression a test is about). */
const lastCall = (m: PythonModule): Call => m.calls.reduce((a, b) => (b.end > a.end || (b.end === a.end && b.at < a.at) ? b : a));
const valueOf = (code: string): unknown => {
  const m = model(code);
  const v = evaluate(m, lastCall(m).args[0]!)?.value;
  return v?.k === 'bytes' ? v.v.toString('latin1') : v?.v;
};

describe('lowering', () => {
  it('collects calls, imports, bindings, scopes and strings', () => {
    const m = model(
      'import os.path\nfrom a.b import c as d\nfrom .rel import x\nfrom m import *\ndef f(p):\n    q = p\n    return q\nclass K: pass\n"doc"\nf(1)\n',
    );
    expect(m.bindings.get('os')?.[0]).toMatchObject({ kind: 'import', path: 'os' });
    expect(m.bindings.get('d')?.[0]).toMatchObject({ kind: 'import', path: 'a.b.c' });
    expect(m.bindings.get('x')?.[0]).toMatchObject({ kind: 'import', path: '.rel.x' });
    expect(m.starImports).toEqual(['m']);
    expect(m.bindings.get('f')?.[0]).toMatchObject({ kind: 'def', scope: -1 });
    expect(m.bindings.get('p')?.[0]).toMatchObject({ kind: 'param', scope: 0 });
    expect(m.bindings.get('K')?.[0]).toMatchObject({ kind: 'class' });
    expect(m.scopes).toHaveLength(1);
    expect(m.strings).toEqual([expect.objectContaining({ value: 'doc', statement: true })]);
    expect(m.calls).toHaveLength(1);
  });

  it('joins adjacent literals and keeps f-string parts', () => {
    const m = model("x = ('gAS' 'VAA')\ny = f'a{b}c'\n");
    expect(m.strings.map((s) => s.value)).toEqual(['gASVAA', 'ac']);
  });

  it('positions are UTF-8 byte offsets, columns are characters', () => {
    const code = "s = 'é😀'\nexec(x)\n";
    const m = model(code);
    expect(m.locate(lastCall(m).at)).toEqual({ offset: Buffer.from(code).indexOf('exec'), where: 'line 2, column 1' });
  });

  it('a byte order mark and a declared Latin-1 encoding keep offsets exact', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('exec(x)\n')]);
    const mb = model(bom);
    expect(mb.locate(lastCall(mb).at).offset).toBe(3);
    const latin = Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\ns = "'), Buffer.from([0xe9, 0xe9]), Buffer.from('"\nexec(x)\n')]);
    const ml = model(latin);
    expect(ml.locate(lastCall(ml).at).offset).toBe(latin.indexOf('exec'));
  });

  it('a declared multi-byte legacy encoding maps characters back to bytes', () => {
    const sjis = Buffer.concat([Buffer.from('# coding: shift_jis\ns = "'), Buffer.from([0x82, 0xa0, 0x82, 0xa2]), Buffer.from('"\nexec(x)\n')]);
    const m = model(sjis);
    expect(m.strings[0]!.value).toBe('あい');
    expect(m.locate(lastCall(m).at).offset).toBe(sjis.indexOf('exec'));
  });
});

describe('resolve', () => {
  const path = (code: string): string | undefined => {
    const m = model(code);
    return resolve(m, lastCall(m).callee)?.path;
  };
  it.each([
    ['import subprocess as sp\nsp.run(x)', 'subprocess.run'],
    ['from os import system as s\ns(x)', 'os.system'],
    ['import posix\nposix.system(x)', 'os.system'],
    ['from os import *\nsystem(x)', 'os.system'],
    ['e = eval\ne(x)', 'builtins.eval'],
    ["getattr(__import__('os'), 'system')(x)", 'os.system'],
    ["import importlib\nimportlib.import_module('sub' + 'process').Popen(x)", 'subprocess.Popen'],
    ["globals()['__builtins__']['exec'](x)", 'builtins.exec'],
    ["import sys\nsys.modules['os'].popen(x)", 'os.popen'],
    ['import requests\ns = requests.Session()\ns.post(x)', 'requests.Session().post'],
    ['def eval(x): pass\neval(x)', undefined],
    ['def f(exec):\n    exec(x)', undefined],
  ])('%s', (code, expected) => {
    expect(path(code)).toBe(expected);
  });

  it('says how a name was reached', () => {
    const m = model("getattr(__builtins__, 'exec')(x)");
    expect(resolve(m, lastCall(m).callee)).toMatchObject({ path: 'builtins.exec', via: ['__builtins__', 'getattr'] });
  });

  it('self-referential bindings end', () => {
    const m = model('a = b\nb = a.x\na(1)\n');
    expect(resolve(m, lastCall(m).callee)).toBeUndefined();
  });
});

describe('evaluate', () => {
  it.each([
    ["f('ab' + 'cd')", 'abcd'],
    ["f(''.join(['ex', 'ec']))", 'exec'],
    ["f('cexe'[::-1])", 'exec'],
    ['f(chr(101) + chr(120))', 'ex'],
    ["f(''.join(map(chr, [111, 115])))", 'os'],
    ["import base64\nf(base64.b64decode('aGk='))", 'hi'],
    ["import base64\nf(base64.b32decode('NBUQ===='))", 'hi'],
    ["f(bytes.fromhex('6869'))", 'hi'],
    ["import binascii\nf(binascii.unhexlify(b'6869').decode())", 'hi'],
    ["import codecs\nf(codecs.decode('uv', 'rot13'))", 'hi'],
    ["import codecs\nf(codecs.decode('\\\\x68i', 'unicode_escape'))", 'hi'],
    [`import zlib\nf(zlib.decompress(bytes.fromhex('${deflateSync('hi').toString('hex')}')))`, 'hi'],
    [`import gzip, base64\nf(gzip.decompress(base64.b64decode('${gzipSync('hi').toString('base64')}')))`, 'hi'],
    ["s = 'h' + 'i'\nf(s.encode('utf-8'))", 'hi'],
    ['f(bytes([104, 105]))', 'hi'],
    ["f(''.join(chr(c) for c in [104, 105]))", 'hi'],
    ["f(bytes([b ^ 1 for b in b'ih']))", 'hi'],
    ["f(''.join([chr(ord(c) - 1) for c in 'ij']))", 'hi'],
  ])('%s', (code, expected) => {
    expect(valueOf(code)).toBe(expected);
  });

  it('records the decoders applied', () => {
    const m = model("import base64\nf(base64.b64decode('aGk=').decode())");
    expect(evaluate(m, lastCall(m).args[0]!)?.steps.map((s) => s.label)).toEqual(['base64']);
  });

  it('run-time values, reassigned names and bombs are not static', () => {
    expect(valueOf('f(input())')).toBeUndefined();
    expect(valueOf("s = 'a'\ns = 'b'\nf(s)")).toBeUndefined();
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024)).toString('hex');
    expect(valueOf(`import zlib\nf(zlib.decompress(bytes.fromhex('${bomb}')))`)).toBeUndefined();
  });

  it('staticString reads bytes as Latin-1', () => {
    const m = model("f(b'\\xe9')");
    expect(staticString(m, lastCall(m).args[0]!)).toBe('\u00e9');
  });
});

describe('scopes and flow', () => {
  it('a function sees its own bindings before module ones (LEGB)', () => {
    const m = model("s = 'module'\ndef f():\n    s = 'local'\n    g(s)\ndef h():\n    g(s)\n");
    const [inF, inH] = m.calls;
    expect(staticString(m, inF!.args[0]!)).toBe('local');
    expect(staticString(m, inH!.args[0]!)).toBe('module');
  });

  it('flows through names and the returns of local functions', () => {
    const m = model('def get():\n    return secret()\nx = get()\nsend(x)\n');
    const seen: string[] = [];
    walkFlow(m, lastCall(m).args[0]!, (e: Expr) => void (e.k === 'call' && e.callee.k === 'name' && seen.push(e.callee.id)));
    expect(seen).toEqual(['get', 'secret']);
  });
});
