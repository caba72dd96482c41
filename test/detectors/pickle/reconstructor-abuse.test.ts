import { reconstructorAbuse } from '../../../src/detectors/pickle/reconstructor-abuse.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PICKLE } from './adapter.js';
import { ALLOWED_CLASS, BENIGN, protocol0Reconstructor } from './pickles.js';

const p2 = () => pickle().proto(2);

ruleTester(reconstructorAbuse, PICKLE, {
  valid: [
    ...BENIGN,
    { name: 'a class-call base (builtins.set) runs an inert __init__', input: protocol0Reconstructor(ALLOWED_CLASS, ['builtins', 'set']) },
    { name: 'an allowed class-call as cls', input: protocol0Reconstructor(['collections', 'OrderedDict']) },
    {
      name: 'copyreg.__newobj__ of an allowed class',
      input: p2()
        .global('copyreg', '__newobj__')
        .global(...ALLOWED_CLASS)
        .tuple1()
        .reduce()
        .stop(),
    },
    {
      name: 'numpy _reconstruct of numpy.ndarray',
      input: p2().global('numpy.core.multiarray', '_reconstruct').global('numpy', 'ndarray').binint1(0).tuple1().shortBinbytes('b').tuple3().reduce().stop(),
    },
    {
      name: '_rebuild_from_type_v2 calling an allowed rebuild function',
      input: p2()
        .global('torch._tensor', '_rebuild_from_type_v2')
        .mark()
        .global('torch._utils', '_rebuild_tensor_v2')
        .global('torch', 'Tensor')
        .emptyTuple()
        .emptyDict()
        .tuple()
        .reduce()
        .stop(),
    },
    {
      name: 'a jagged nested tensor: _rebuild_from_type_v2(_rebuild_njt, NestedTensor, (kwargs,), {})',
      input: p2()
        .global('torch._tensor', '_rebuild_from_type_v2')
        .mark()
        .global('torch.nested._internal.nested_tensor', '_rebuild_njt')
        .global('torch.nested._internal.nested_tensor', 'NestedTensor')
        .emptyDict()
        .shortBinunicode('_ragged_idx')
        .binint1(1)
        .setitem()
        .tuple1()
        .emptyDict()
        .tuple()
        .reduce()
        .stop(),
    },
  ],
  invalid: [
    {
      name: '_rebuild_from_type_v2 calling a class that pickles only create with __new__',
      input: p2()
        .global('torch._tensor', '_rebuild_from_type_v2')
        .mark()
        .global(...ALLOWED_CLASS)
        .global('torch', 'Tensor')
        .emptyTuple()
        .emptyDict()
        .tuple()
        .reduce()
        .stop(),
      errors: [{ severity: 'high', evidence: '_rebuild_from_type_v2(' }],
    },
    {
      name: '_rebuild_from_type_v2 with an allowed function that is no tensor rebuild (its setattr would land on a class)',
      input: p2()
        .global('torch._tensor', '_rebuild_from_type_v2')
        .mark()
        .global('torch.jit._pickle', 'restore_type_tag')
        .global('torch.nn.parameter', '_ParameterMeta')
        .global('torch.nn.parameter', 'Parameter')
        .none()
        .tuple2()
        .emptyDict()
        .shortBinunicode('requires_grad')
        .newfalse()
        .setitem()
        .tuple()
        .reduce()
        .stop(),
      errors: [{ severity: 'critical', message: 'not one of the tensor rebuild functions torch passes there' }],
    },
    {
      name: '_rebuild_from_type_v2 whose state plants __setstate__ on the rebuilt tensor',
      input: p2()
        .global('torch._tensor', '_rebuild_from_type_v2')
        .mark()
        .global('torch._utils', '_rebuild_tensor_v2')
        .global('torch', 'Tensor')
        .emptyTuple()
        .emptyDict()
        .shortBinunicode('__setstate__')
        .global('somepkg', 'Evil')
        .setitem()
        .tuple()
        .reduce()
        .stop(),
      errors: [{ severity: 'critical', message: 'with __setstate__ (a later BUILD on it calls that)' }],
    },
    {
      name: '_rebuild_parameter_with_state whose state sets another dunder',
      input: p2()
        .global('torch._utils', '_rebuild_parameter_with_state')
        .mark()
        .none()
        .newfalse()
        .emptyDict()
        .emptyDict()
        .shortBinunicode('__class__')
        .global('somepkg', 'Evil')
        .setitem()
        .tuple()
        .reduce()
        .stop(),
      errors: [{ severity: 'high', message: 'with __class__' }],
    },
    {
      name: 'numpy _reconstruct of a subtype computed at load time',
      input: p2()
        .global('numpy.core.multiarray', '_reconstruct')
        .global('somepkg', 'pick')
        .emptyTuple()
        .reduce()
        .binint1(0)
        .tuple1()
        .shortBinbytes('b')
        .tuple3()
        .reduce()
        .stop(),
      errors: [{ severity: 'high' }],
    },
    {
      name: 'base os.system: base.__new__(cls, state) runs it',
      input: protocol0Reconstructor(ALLOWED_CLASS, ['os', 'system']),
      errors: [{ severity: 'critical', evidence: 'copyreg._reconstructor(' }],
    },
    {
      name: 'a base outside the allow-list',
      input: protocol0Reconstructor(ALLOWED_CLASS, ['somepkg', 'Base']),
      errors: [{ severity: 'high', evidence: `copyreg._reconstructor(${ALLOWED_CLASS.join('.')}, somepkg.Base, None)` }],
    },
    {
      name: 'an allowed class that is not class-call as base: its __init__ runs',
      input: protocol0Reconstructor(ALLOWED_CLASS, ALLOWED_CLASS),
      errors: [{ severity: 'high' }],
    },
    { name: 'a class outside the allow-list', input: protocol0Reconstructor(['somepkg', 'Evil']), errors: [{ severity: 'high', evidence: 'somepkg.Evil' }] },
    { name: 'a cls that is a dangerous function', input: protocol0Reconstructor(['subprocess', 'Popen']), errors: [{ severity: 'critical' }] },
    {
      name: 'copyreg.__newobj__ of subprocess.Popen',
      input: p2().global('copyreg', '__newobj__').global('subprocess', 'Popen').binunicode('ls').tuple2().reduce().stop(),
      errors: [{ severity: 'critical', evidence: "copyreg.__newobj__(subprocess.Popen, 'ls')" }],
    },
    { name: 'copyreg.__newobj__ without a class', input: p2().global('copyreg', '__newobj__').emptyTuple().reduce().stop(), errors: [{ severity: 'high' }] },
    {
      name: 'a class computed at load time',
      input: p2()
        .global('copyreg', '_reconstructor')
        .global('somepkg', 'pick')
        .emptyTuple()
        .reduce()
        .global('builtins', 'object')
        .none()
        .tuple3()
        .reduce()
        .stop(),
      errors: [{ severity: 'high', evidence: 'somepkg.pick()' }],
    },
  ],
});
