import { dynamicImport } from '../../../src/detectors/pickle/dynamic-import.js';
import { pickle, type PickleBuilder } from '../../../src/formats/pickle/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PICKLE } from './adapter.js';
import { BENIGN } from './pickles.js';

const p4 = (): PickleBuilder => pickle().proto(4);
/** `_codecs.encode(text, 'rot13')`: a string that exists only once the load runs. */
const rot13 = (b: PickleBuilder, text: string): PickleBuilder => b.global('_codecs', 'encode').str(text).str('rot13').tuple2().reduce();

ruleTester(dynamicImport, PICKLE, {
  valid: [
    ...BENIGN,
    { name: 'STACK_GLOBAL of literal strings', input: p4().str('os').str('system').stackGlobal().stop() },
    { name: 'STACK_GLOBAL of strings read back from the memo', input: p4().str('os').memoize().str('system').memoize().stackGlobal().stop() },
  ],
  invalid: [
    {
      name: 'module built by _codecs.encode (rot13)',
      input: rot13(p4(), 'bf').str('system').stackGlobal().str('echo x').tuple1().reduce().stop(),
      errors: [{ severity: 'high', evidence: "find_class(_codecs.encode('bf', 'rot13'), 'system')" }],
    },
    {
      name: 'name built by _codecs.encode (rot13)',
      input: rot13(p4().str('os'), 'flfgrz').stackGlobal().stop(),
      errors: [{ severity: 'high', evidence: "find_class('os', _codecs.encode('flfgrz', 'rot13'))" }],
    },
    {
      name: 'computed module stored in the memo first',
      input: rot13(p4(), 'bf').memoize().pop().binget(0).str('system').stackGlobal().stop(),
      errors: [{ severity: 'high', evidence: '_codecs.encode(' }],
    },
    {
      name: 'operands that are not strings (type confusion)',
      input: p4().binint1(1).shortBinbytes('system').stackGlobal().stop(),
      errors: [{ severity: 'high', evidence: "find_class(1, b'system')" }],
    },
  ],
});
