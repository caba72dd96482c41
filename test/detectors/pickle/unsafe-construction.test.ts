import { unsafeConstruction } from '../../../src/detectors/pickle/unsafe-construction.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { type InvalidCase, ruleTester } from '../../helpers/rule-tester.js';
import { PICKLE, type PickleInput } from './adapter.js';
import { ALLOWED_CLASS, ALLOWED_CONSTANT, BENIGN, callWith } from './pickles.js';

const p2 = () => pickle().proto(2);
const cls = ALLOWED_CLASS.join('.');

/** Calling a constant only when the shipped list has one (the generated list holds dtypes). */
const constantCase: Array<InvalidCase<PickleInput>> = ALLOWED_CONSTANT
  ? [
      {
        name: `calling the constant ${ALLOWED_CONSTANT.join('.')}`,
        input: p2()
          .global(...ALLOWED_CONSTANT)
          .emptyTuple()
          .reduce()
          .stop(),
        errors: [{ severity: 'medium' }],
      },
    ]
  : [];

ruleTester(unsafeConstruction, PICKLE, {
  valid: [
    ...BENIGN,
    { name: 'an allowed class-call called with REDUCE', input: p2().global('collections', 'OrderedDict').emptyTuple().reduce().stop() },
    {
      name: 'an allowed class created with NEWOBJ_EX',
      input: pickle()
        .proto(4)
        .global(...ALLOWED_CLASS)
        .emptyTuple()
        .emptyDict()
        .newobjEx()
        .stop(),
    },
    { name: 'names outside the allow-list are other rules’ business', input: callWith('somepkg', 'Cls') },
  ],
  invalid: [
    {
      // ChainMap is allowed as a class (pickles create it with NEWOBJ), not as a call.
      name: 'collections.ChainMap called with REDUCE',
      input: p2().global('collections', 'ChainMap').emptyDict().tuple1().reduce().stop(),
      errors: [{ severity: 'medium', evidence: 'collections.ChainMap({})' }],
    },
    {
      name: 'an allowed class called with REDUCE',
      input: p2()
        .global(...ALLOWED_CLASS)
        .emptyTuple()
        .reduce()
        .stop(),
      errors: [{ severity: 'medium', evidence: `${cls}()` }],
    },
    {
      name: 'an allowed class called with INST',
      input: pickle()
        .mark()
        .int(1)
        .inst(...ALLOWED_CLASS)
        .stop(),
      errors: [{ severity: 'medium', evidence: `${cls}(1)` }],
    },
    {
      name: 'an allowed class called with OBJ',
      input: p2()
        .mark()
        .global(...ALLOWED_CLASS)
        .obj()
        .stop(),
      errors: [{ severity: 'medium', evidence: `${cls}()` }],
    },
    {
      name: 'an allowed function used as a class',
      input: p2().global('torch._utils', '_rebuild_tensor_v2').emptyTuple().newobj().stop(),
      errors: [{ severity: 'medium', evidence: 'torch._utils._rebuild_tensor_v2.__new__(' }],
    },
    ...constantCase,
  ],
});
