import { unknownGlobal } from '../../../src/detectors/pickle/unknown-global.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PICKLE } from './adapter.js';
import { BENIGN, callWith, dottedCall } from './pickles.js';

ruleTester(unknownGlobal, PICKLE, {
  valid: [
    ...BENIGN,
    // Deny-listed names are dangerous-callable's; this rule does not report them twice.
    { name: 'os.system', input: callWith('os', 'system') },
    { name: 'timeit.timeit', input: callWith('timeit', 'timeit') },
    { name: 'allowed name written as a dotted path', input: pickle().proto(4).str('torch').str('_utils._rebuild_tensor_v2').stackGlobal().stop() },
  ],
  invalid: [
    { name: 'an invented gadget', input: callWith('somepkg.helpers', 'run'), errors: [{ severity: 'medium', evidence: "somepkg.helpers.run('echo x')" }] },
    {
      name: 'a bare import of an unknown class',
      input: pickle().proto(2).global('mymodel', 'Net').stop(),
      errors: [{ severity: 'medium', evidence: 'mymodel.Net' }],
    },
    {
      // find_class's __import__ raises for it: the load stops there (a `class X:` line as GLOBAL).
      name: 'a module that is not an identifier, graded low',
      input: pickle().global('lass XModel:', '    pass').stop(),
      errors: [{ severity: 'low', evidence: 'lass XModel:.    pass' }],
    },
    {
      // Only TorchScript's C++ loader resolves __torch__, against classes compiled from the
      // archive's code/, which the torchscript rules check.
      name: 'a TorchScript class, graded low',
      input: pickle().proto(2).global('__torch__', 'Net').emptyTuple().newobj().stop(),
      errors: [{ severity: 'low', message: 'torchscript rules' }],
    },
    {
      name: 'a name that is not an identifier, graded low',
      input: pickle().proto(2).global('mymodel', 'Net\r').stop(),
      errors: [{ severity: 'low' }],
    },
    {
      name: 'an unknown class created with INST',
      input: pickle().mark().inst('mymodel', 'Net').stop(),
      errors: [{ severity: 'medium', evidence: 'mymodel.Net()' }],
    },
    {
      name: 'an attribute walk past an allowed class',
      input: dottedCall('collections', 'OrderedDict.__init__.__qualname__'),
      errors: [{ severity: 'medium', evidence: 'collections.OrderedDict.__init__.__qualname__(' }],
    },
    {
      name: 'an allowed module with a name it does not allow',
      input: pickle().proto(2).global('torch._utils', '_rebuild_tensor_v2.__name__').stop(),
      errors: [{ severity: 'medium' }],
    },
    {
      name: 'one finding per path, however often imported',
      input: pickle().proto(2).global('a', 'f').global('a', 'f').global('b', 'g').tuple3().stop(),
      errors: [
        { severity: 'medium', evidence: 'a.f' },
        { severity: 'medium', evidence: 'b.g' },
      ],
    },
  ],
});
