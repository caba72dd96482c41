import { unknownGlobal } from '../../../src/detectors/pickle/unknown-global.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PICKLE } from './adapter.js';
import { BENIGN, callWith, dottedCall, partialOf } from './pickles.js';

const p2 = () => pickle().proto(2);

ruleTester(unknownGlobal, PICKLE, {
  valid: [
    ...BENIGN,
    // Deny-listed names are dangerous-callable's; this rule does not report them twice.
    { name: 'os.system', input: callWith('os', 'system') },
    { name: 'timeit.timeit', input: callWith('timeit', 'timeit') },
    { name: 'allowed name written as a dotted path', input: pickle().proto(4).str('torch').str('_utils._rebuild_tensor_v2').stackGlobal().stop() },
    // Pure builtins, as partials store them (red team: partial(round), partial(sorted, key=len)).
    { name: 'functools.partial(builtins.round)', input: partialOf(['builtins', 'round']) },
    { name: 'functools.partial(builtins.sorted)', input: partialOf(['builtins', 'sorted']) },
    { name: 'builtins.max(9, 3) called by REDUCE', input: p2().global('builtins', 'max').binint1(9).binint1(3).tuple2().reduce().stop() },
    {
      name: 'random.Random() then BUILD of a (version, state, gauss_next) tuple, as Random pickles itself',
      input: p2().global('random', 'Random').emptyTuple().reduce().binint1(3).binint1(0).binint1(1).tuple2().none().tuple3().build().stop(),
    },
    {
      // BUILD fills the fresh namespace's __dict__: a dunder key is one more dict entry.
      name: "types.SimpleNamespace() with a '__class__' key in its BUILD dict",
      input: p2().global('types', 'SimpleNamespace').emptyTuple().reduce().emptyDict().binunicode('__class__').binint1(1).setitem().build().stop(),
    },
    {
      name: "collections.ChainMap created with NEWOBJ, BUILD {'maps': [...]}",
      input: p2().global('collections', 'ChainMap').emptyTuple().newobj().emptyDict().binunicode('maps').emptyList().setitem().build().stop(),
    },
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
    // Near neighbours of the allowed builtins, random.Random and types.SimpleNamespace.
    {
      // pow(b, e) with a huge pickled exponent is a CPU/memory bomb: math.pow is the allowed one.
      name: 'builtins.pow called with a huge exponent',
      input: p2().global('builtins', 'pow').binint1(9).binint(99999999).tuple2().reduce().stop(),
      errors: [{ severity: 'medium', evidence: 'builtins.pow(9, 99999999)' }],
    },
    { name: 'functools.partial(builtins.pow)', input: partialOf(['builtins', 'pow']), errors: [{ severity: 'medium', evidence: 'builtins.pow' }] },
    {
      name: "random's module-level seed (a bound method of its hidden instance)",
      input: p2().global('random', 'seed').binint1(1).tuple1().reduce().stop(),
      errors: [{ severity: 'medium', evidence: 'random.seed(1)' }],
    },
    {
      name: 'a method of random.Random by dotted name',
      input: p2().global('random', 'Random.seed').binint1(1).tuple1().reduce().stop(),
      errors: [{ severity: 'medium', evidence: 'random.Random.seed(1)' }],
    },
    {
      name: 'random.SystemRandom (not listed)',
      input: p2().global('random', 'SystemRandom').emptyTuple().reduce().stop(),
      errors: [{ severity: 'medium', evidence: 'random.SystemRandom()' }],
    },
    {
      name: 'a method of types.SimpleNamespace by dotted name',
      input: p2().global('types', 'SimpleNamespace.__init__').emptyTuple().reduce().stop(),
      errors: [{ severity: 'medium', evidence: 'types.SimpleNamespace.__init__()' }],
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
