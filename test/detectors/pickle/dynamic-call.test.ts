import { dynamicCall } from '../../../src/detectors/pickle/dynamic-call.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PICKLE } from './adapter.js';
import { BENIGN, callWith } from './pickles.js';

const p2 = () => pickle().proto(2);

ruleTester(dynamicCall, PICKLE, {
  valid: [
    ...BENIGN,
    { name: 'a call of an imported name', input: callWith('os', 'system') },
    // EXT callees are extension-code's to report.
    { name: 'a call of an extension code', input: p2().ext1(1).emptyTuple().reduce().stop() },
  ],
  invalid: [
    {
      name: 'calling the result of a call (getattr chain)',
      input: p2()
        .global('builtins', 'getattr')
        .global('builtins', '__import__')
        .binunicode('os')
        .tuple1()
        .reduce()
        .binunicode('system')
        .tuple2()
        .reduce()
        .binunicode('echo x')
        .tuple1()
        .reduce()
        .stop(),
      errors: [{ severity: 'high', evidence: "builtins.getattr(builtins.__import__('os'), 'system')('echo x')" }],
    },
    {
      name: 'calling a name imported dynamically',
      input: pickle()
        .proto(4)
        .global('_codecs', 'encode')
        .str('bf')
        .str('rot13')
        .tuple2()
        .reduce()
        .str('system')
        .stackGlobal()
        .str('echo x')
        .tuple1()
        .reduce()
        .stop(),
      errors: [{ severity: 'high', evidence: "find_class(_codecs.encode('bf', 'rot13'), 'system')('echo x')" }],
    },
    {
      name: 'calling a persistent object',
      input: p2().binunicode('x').binpersid().emptyTuple().reduce().stop(),
      errors: [{ severity: 'high', evidence: "persistent_load('x')()" }],
    },
    {
      name: 'OBJ and NEWOBJ on a call result read from the memo',
      input: p2().global('somepkg', 'factory').emptyTuple().reduce().binput(0).pop().mark().binget(0).obj().pop().binget(0).emptyTuple().newobj().stop(),
      errors: [
        { severity: 'high', evidence: 'somepkg.factory()()' },
        { severity: 'high', evidence: 'somepkg.factory().__new__(' },
      ],
    },
  ],
});
