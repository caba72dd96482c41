import { nonbuiltinMutation } from '../../../src/detectors/pickle/nonbuiltin-mutation.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PICKLE } from './adapter.js';
import { ALLOWED_CLASS, BENIGN } from './pickles.js';

const p2 = () => pickle().proto(2);

ruleTester(nonbuiltinMutation, PICKLE, {
  valid: [
    ...BENIGN,
    {
      name: 'APPEND on an allowed class object',
      input: p2()
        .global(...ALLOWED_CLASS)
        .emptyTuple()
        .newobj()
        .binint1(1)
        .append()
        .stop(),
    },
    { name: 'ADDITEMS on a set', input: pickle().proto(4).emptySet().mark().binint1(1).additems().stop() },
  ],
  invalid: [
    {
      name: 'SETITEM into sys.modules, then GLOBAL of the overridden name',
      input: p2()
        .global('sys', 'modules')
        .binunicode('collections')
        .global('builtins', '__import__')
        .binunicode('os')
        .tuple1()
        .reduce()
        .setitem()
        .pop()
        .global('collections', 'system')
        .stop(),
      errors: [{ severity: 'critical', evidence: "sys.modules.__setitem__('collections', builtins.__import__('os'))" }],
    },
    {
      name: 'SETITEMS into sys.modules',
      input: p2().global('sys', 'modules').mark().binunicode('a').binint1(1).setitems().stop(),
      errors: [{ severity: 'critical', evidence: "sys.modules.__setitem__('a', 1)" }],
    },
    {
      name: 'APPEND on an unknown object calls its append',
      input: p2().global('somepkg', 'Hook').emptyTuple().reduce().binunicode('echo x').append().stop(),
      errors: [{ severity: 'medium', evidence: "somepkg.Hook().append('echo x')" }],
    },
    {
      name: 'APPENDS on the result of an allowed function',
      input: p2().global('_codecs', 'encode').binunicode('a').binunicode('latin1').tuple2().reduce().mark().binint1(1).appends().stop(),
      errors: [{ severity: 'medium', evidence: '.extend(1)' }],
    },
    {
      name: 'ADDITEMS on a frozenset',
      input: pickle().proto(4).mark().frozenset().mark().binint1(1).additems().stop(),
      errors: [{ severity: 'medium', evidence: 'frozenset({}).add(1)' }],
    },
  ],
});
