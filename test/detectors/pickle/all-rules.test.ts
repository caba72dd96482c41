import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultAllowList } from '../../../src/detectors/pickle/allowlist.js';
import { PICKLE_RULES } from '../../../src/detectors/pickle/index.js';
import { pickle, type PickleBuilder } from '../../../src/formats/pickle/builder.js';
import { runRule } from '../../helpers/rule-tester.js';
import { PICKLE } from './adapter.js';
import { BENIGN, callWith, protocol0Reconstructor } from './pickles.js';

const runAll = (b: PickleBuilder | Buffer): string[] => PICKLE_RULES.flatMap((rule) => runRule(rule, PICKLE.parse(b))).map((f) => `${f.ruleId}:${f.severity}`);

describe('pickle rules together', () => {
  it('the allow-list holds the entries these tests rely on', () => {
    const list = defaultAllowList();
    expect(list.kindOf('collections.OrderedDict')).toBe('class-call');
    expect(list.kindOf('builtins.set')).toBe('class-call');
    expect(list.kindOf('builtins.object')).toBeDefined();
    expect(list.kindOf('torch._utils._rebuild_tensor_v2')).toBe('function');
    expect(list.kindOf('copyreg._reconstructor')).toBe('function');
    expect(list.kindOf('copyreg.__newobj__')).toBe('function');
    expect(list.kindOf('_codecs.encode')).toBe('function');
  });

  it('every rule has its own test file', () => {
    for (const rule of PICKLE_RULES) {
      const file = new URL(`./${rule.meta.id.replace(/^pickle\//, '')}.test.ts`, import.meta.url);
      expect(existsSync(file), rule.meta.id).toBe(true);
    }
  });

  it.each(BENIGN)('benign look-alike stays clean under every rule: $name', ({ input: built }) => {
    expect(runAll(built)).toEqual([]);
  });

  it.each([
    { name: 'os.system', input: callWith('os', 'system'), expected: ['pickle/dangerous-callable:critical'] },
    { name: 'an invented gadget', input: callWith('somepkg.helpers', 'run'), expected: ['pickle/unknown-global:medium'] },
    {
      name: 'payload, then a bad opcode',
      input: pickle().proto(2).global('os', 'system').binunicode('x').tuple1().reduce().raw([0xff]),
      expected: ['pickle/dangerous-callable:critical', 'pickle/malformed-stream:low'],
    },
    {
      name: 'rot13-hidden os.system',
      input: pickle()
        .proto(4)
        .global('_codecs', 'encode')
        .str('bf')
        .str('rot13')
        .tuple2()
        .reduce()
        .str('system')
        .stackGlobal()
        .str('x')
        .tuple1()
        .reduce()
        .stop(),
      expected: ['pickle/dynamic-call:high', 'pickle/dynamic-import:high'],
    },
    {
      name: '_reconstructor with base os.system',
      input: protocol0Reconstructor(['collections', 'OrderedDict'], ['os', 'system']),
      expected: ['pickle/dangerous-callable:critical', 'pickle/reconstructor-abuse:critical'],
    },
  ])('$name reports under exactly the expected rules', ({ input: built, expected }) => {
    expect(runAll(built)).toEqual(expected);
  });
});
