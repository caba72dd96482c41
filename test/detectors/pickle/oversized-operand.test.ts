import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { oversizedOperand } from '../../../src/detectors/pickle/oversized-operand.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { VirtualSource } from '../../formats/pickle/helpers.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PICKLE } from './adapter.js';
import { BENIGN } from './pickles.js';

/** A BINBYTES8 operand one byte over the default string limit, never held in memory. */
function oversized(): VirtualSource {
  const length = DEFAULT_LIMITS.maxStringBytes + 1;
  const head = pickle().proto(4).binbytes8('', { length }).bytes();
  return new VirtualSource(head.length + length + 1, head, Buffer.from('.'));
}

ruleTester(oversizedOperand, PICKLE, {
  valid: [...BENIGN, { name: 'a bytes operand under the limit', input: pickle().proto(4).binbytes8('x'.repeat(1000)).stop() }],
  invalid: [{ name: 'a bytes operand over the limit', input: oversized(), errors: [{ severity: 'low', code: 'LIMIT_STRING' }] }],
});
