import { unknownGlobal } from '../../../src/detectors/pickle/unknown-global.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { ruleTester } from './harness.js';
import { BENIGN, callWith, dottedCall } from './pickles.js';

ruleTester(unknownGlobal, {
  valid: [
    ...BENIGN,
    // Deny-listed names are dangerous-callable's; this rule does not report them twice.
    { name: 'os.system', pickle: callWith('os', 'system') },
    { name: 'timeit.timeit', pickle: callWith('timeit', 'timeit') },
    { name: 'allowed name written as a dotted path', pickle: pickle().proto(4).str('torch').str('_utils._rebuild_tensor_v2').stackGlobal().stop() },
  ],
  invalid: [
    { name: 'an invented gadget', pickle: callWith('somepkg.helpers', 'run'), errors: [{ severity: 'medium', evidence: "somepkg.helpers.run('echo x')" }] },
    { name: 'a bare import of an unknown class', pickle: pickle().proto(2).global('mymodel', 'Net').stop(), errors: [{ severity: 'medium', evidence: 'mymodel.Net' }] },
    {
      name: 'an unknown class created with INST',
      pickle: pickle().mark().inst('mymodel', 'Net').stop(),
      errors: [{ severity: 'medium', evidence: 'mymodel.Net()' }],
    },
    {
      name: 'an attribute walk past an allowed class',
      pickle: dottedCall('collections', 'OrderedDict.__init__.__qualname__'),
      errors: [{ severity: 'medium', evidence: 'collections.OrderedDict.__init__.__qualname__(' }],
    },
    {
      name: 'an allowed module with a name it does not allow',
      pickle: pickle().proto(2).global('torch._utils', '_rebuild_tensor_v2.__name__').stop(),
      errors: [{ severity: 'medium' }],
    },
    {
      name: 'one finding per path, however often imported',
      pickle: pickle().proto(2).global('a', 'f').global('a', 'f').global('b', 'g').tuple3().stop(),
      errors: [{ severity: 'medium', evidence: 'a.f' }, { severity: 'medium', evidence: 'b.g' }],
    },
  ],
});
