import { malformedStream } from '../../../src/detectors/pickle/malformed-stream.js';
import { pickle, type PickleBuilder } from '../../../src/formats/pickle/builder.js';
import { repeated } from '../../helpers/pickles.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PICKLE } from './adapter.js';
import { BENIGN } from './pickles.js';

/** nullifAI: the payload runs before the loader reaches the break. */
const payload = (): PickleBuilder => pickle().proto(2).global('os', 'system').binunicode('echo x').tuple1().reduce();

ruleTester(malformedStream, PICKLE, {
  valid: BENIGN,
  invalid: [
    {
      name: 'a STOP inside a protocol-4 frame: unpicklers disagree on where the next data begins',
      input: pickle()
        .proto(4)
        .framed(pickle().none().stop().raw(Buffer.from('junk'))),
      errors: [{ severity: 'medium', message: 'stops at offset 13, inside a frame that ends at 17' }],
    },
    {
      name: 'a FRAME longer than the data left: the C unpickler stops, the pure-Python one reads on',
      input: pickle().proto(4).frame(4096).none().stop(),
      errors: [{ severity: 'medium', message: 'declares 4096 bytes with 2 left' }],
    },
    { name: 'a bad opcode after the payload', input: payload().raw([0xff]), errors: [{ severity: 'low', fatal: true, code: 'BAD_OPCODE' }] },
    { name: 'a bad memo key', input: payload().binget(3).stop(), errors: [{ severity: 'low', fatal: true, code: 'BAD_MEMO' }] },
    { name: 'no STOP', input: payload(), errors: [{ severity: 'low', fatal: true, code: 'NO_STOP' }] },
    { name: 'a truncated operand', input: payload().binunicode('ab', { length: 9 }), errors: [{ severity: 'low', fatal: true, code: 'TRUNCATED' }] },
    { name: 'stack underflow', input: pickle().proto(2).reduce().stop(), errors: [{ severity: 'low', fatal: true, code: 'STACK_UNDERFLOW' }] },
    { name: 'an unsupported protocol', input: pickle().proto(9).none().stop(), errors: [{ severity: 'low', fatal: true, code: 'MALFORMED' }] },
    {
      name: 'an absurd BINBYTES8 length',
      input: payload().binbytes8('', { length: 2n ** 62n }),
      errors: [{ severity: 'low', fatal: true, code: 'MALFORMED' }],
    },
    { name: 'a million MARKs', input: repeated((b) => b.mark(), 1_000_000), errors: [{ severity: 'low', fatal: true, code: 'LIMIT_MARKS' }] },
  ],
});
