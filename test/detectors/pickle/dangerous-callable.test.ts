import { dangerousCallable } from '../../../src/detectors/pickle/dangerous-callable.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PICKLE } from './adapter.js';
import { BENIGN, callWith, dillArray, dottedCall, partialOf, zoneInfo } from './pickles.js';

const p2 = () => pickle().proto(2);
const nested = callWith('os', 'system').bytes();

ruleTester(dangerousCallable, PICKLE, {
  valid: [
    ...BENIGN,
    // Not on the deny-list: unknown-global judges these.
    { name: 'an invented helper', input: callWith('somepkg.helpers', 'run') },
    {
      name: "the one torch._dynamo name the allow-list has: _DimRange, a jagged nested tensor's metadata dataclass",
      input: p2().global('torch._dynamo.decorators', '_DimRange').emptyTuple().newobj().mark().binint1(0).none().none().list().build().stop(),
    },
    // A callable is graded by what it does, not by its module: an Enum with members called with
    // one value is a member lookup (socket.AddressFamily(2), as pickle writes AF_INET).
    { name: 'socket.AddressFamily(2): an enum lookup', input: p2().global('socket', 'AddressFamily').binint1(2).tuple1().reduce().stop() },
    {
      // Python 3.11 pickles a member of a mixed-in enum by name (timm's Format.NCHW).
      name: "getattr(socket.AddressFamily, 'AF_INET'): an enum member by name",
      input: p2().global('builtins', 'getattr').global('socket', 'AddressFamily').binunicode('AF_INET').tuple2().reduce().stop(),
    },
    { name: 'signal.Signals(15): an enum lookup', input: p2().global('signal', 'Signals').binint1(15).tuple1().reduce().stop() },
    // functools.partial only binds: judged as the callable it binds (timm's partial(nn.LayerNorm, eps=1e-6)).
    { name: 'functools.partial of a module class (created, not called)', input: partialOf(['torch.nn.modules.normalization', 'LayerNorm']) },
    { name: 'functools.partial of an unknown function: unknown-global judges the function', input: partialOf(['somepkg', 'run']) },
    { name: 'functools.partial of an allow-listed math function', input: partialOf(['math', 'floor']) },
    { name: 'functools.partial of a pure builtin (round)', input: partialOf(['builtins', 'round']) },
  ],
  invalid: [
    {
      name: 'another torch._dynamo name stays code execution',
      input: callWith('torch._dynamo.eval_frame', 'innermost_fn'),
      errors: [{ severity: 'critical', message: 'code-execution' }],
    },
    {
      name: 'functools.partial(os.system)',
      input: partialOf(['os', 'system']),
      errors: [
        { severity: 'high', evidence: 'functools.partial(os.system)' },
        { severity: 'critical', evidence: 'os.system' },
      ],
    },
    {
      name: 'functools.partial(builtins.getattr): the allowed pure builtins are exact names',
      input: partialOf(['builtins', 'getattr']),
      errors: [
        { severity: 'high', evidence: 'functools.partial(builtins.getattr)' },
        { severity: 'high', evidence: 'builtins.getattr' },
      ],
    },
    {
      name: 'functools.partial(builtins.eval)',
      input: partialOf(['builtins', 'eval']),
      errors: [
        { severity: 'high', evidence: 'functools.partial(builtins.eval)' },
        { severity: 'critical', evidence: 'builtins.eval' },
      ],
    },
    {
      name: 'functools.partial(builtins.round) whose BUILD swaps in builtins.eval',
      input: partialOf(['builtins', 'round'], ['builtins', 'eval']),
      errors: [
        { severity: 'high', evidence: 'functools.partial(builtins.round)' },
        { severity: 'critical', evidence: 'builtins.eval' },
      ],
    },
    {
      name: 'a walk from the random module to os.system',
      input: p2().global('random', '_os.system').binunicode('x').tuple1().reduce().stop(),
      errors: [{ severity: 'critical', evidence: "random._os.system('x')" }],
    },
    {
      name: 'random.Random() with a BUILD dict naming os.system',
      input: p2().global('random', 'Random').emptyTuple().reduce().emptyDict().binunicode('seed').global('os', 'system').setitem().build().stop(),
      errors: [{ severity: 'critical', evidence: 'os.system' }],
    },
    {
      name: "types.SimpleNamespace() with os.system under '__class__' in its BUILD dict",
      input: p2().global('types', 'SimpleNamespace').emptyTuple().reduce().emptyDict().binunicode('__class__').global('os', 'system').setitem().build().stop(),
      errors: [{ severity: 'critical', evidence: 'os.system' }],
    },
    {
      name: 'types.FunctionType beside the allowed types.SimpleNamespace',
      input: p2().global('types', 'FunctionType').binunicode('x').tuple1().reduce().stop(),
      errors: [{ severity: 'critical', message: 'code-object' }],
    },
    {
      name: 'functools.partial of an allowed function whose BUILD swaps in a dangerous one',
      input: partialOf(['sklearn.utils.validation', 'check_array'], ['subprocess', 'getoutput']),
      errors: [
        { severity: 'high', evidence: 'functools.partial(sklearn.utils.validation.check_array)' },
        { severity: 'critical', evidence: 'subprocess.getoutput' },
      ],
    },
    {
      name: 'functools.partial of a module class bound to an imported value (not a literal)',
      input: pickle()
        .proto(2)
        .global('functools', 'partial')
        .global('torch.nn.modules.normalization', 'LayerNorm')
        .tuple1()
        .reduce()
        .mark()
        .global('torch.nn.modules.normalization', 'LayerNorm')
        .global('somepkg', 'VALUE')
        .tuple1()
        .none()
        .none()
        .tuple()
        .build()
        .stop(),
      errors: [{ severity: 'high', evidence: 'functools.partial(torch.nn.modules.normalization.LayerNorm)' }],
    },
    {
      name: "getattr(socket.AddressFamily, '_missing_'): not a member",
      input: p2().global('builtins', 'getattr').global('socket', 'AddressFamily').binunicode('_missing_').tuple2().reduce().stop(),
      errors: [
        { severity: 'high', message: 'resolver' },
        { severity: 'high', message: 'network' },
      ],
    },
    {
      name: 'an enum-looking name in socket that the allow-list does not have stays network',
      input: p2().global('socket', 'create_connection').binunicode('h').tuple1().reduce().stop(),
      errors: [{ severity: 'high', message: 'network' }],
    },
    {
      name: 'functools.partial of an allowed function with an instance dict in its state',
      input: partialOf(['sklearn.utils.validation', 'check_array'], ['sklearn.utils.validation', 'check_array'], true),
      errors: [
        { severity: 'high', evidence: 'functools.partial(' },
        { severity: 'critical', evidence: 'os.system' },
      ],
    },
    {
      name: "getattr(subprocess.Popen, 'wait') with a literal name: the getattr, the import and the name it reaches",
      input: zoneInfo(['subprocess', 'Popen'], 'wait', 'x'),
      errors: [
        { severity: 'high', evidence: "builtins.getattr(subprocess.Popen, 'wait')" },
        { severity: 'critical', evidence: 'subprocess.Popen' },
        { severity: 'critical', evidence: "subprocess.Popen.wait('x', 1)" },
      ],
    },
    {
      name: 'getattr of an allowed class with a name it does not allow',
      input: zoneInfo(['zoneinfo', 'ZoneInfo'], 'clear_cache'),
      errors: [{ severity: 'high', evidence: "builtins.getattr(zoneinfo.ZoneInfo, 'clear_cache')" }],
    },
    ...(
      [
        [
          'an attribute walk past an allowed class through __globals__: a resolver',
          'collections',
          'OrderedDict.__init__.__globals__',
          'high',
          'walks through __globals__',
        ],
        ['a walk from an allowed module to pickle.loads (bytes built at load time)', 'torch', '_utils.pickle.loads', 'critical', 'reaches pickle.loads'],
        ['a walk to io.open through another module', 'torch', 'storage.io.open', 'high', 'reaches io.open'],
        ['a walk to functools.partial through another module', 'joblib', 'numpy_pickle.functools.partial', 'high', 'reaches functools.partial'],
      ] as const
    ).map(([name, module, qualname, severity, message]) => ({ name, input: dottedCall(module, qualname), errors: [{ severity, message }] })),
    {
      name: "dill's _create_array given os.system: it calls f(*args)",
      input: p2()
        .global('dill._dill', '_create_array')
        .mark()
        .global('os', 'system')
        .shortBinunicode('echo x')
        .tuple1()
        .emptyTuple()
        .none()
        .tuple()
        .reduce()
        .stop(),
      errors: [
        { severity: 'critical', evidence: 'dill._dill._create_array(os.system' },
        { severity: 'critical', evidence: 'os.system' },
      ],
    },
    {
      name: "dill's _create_array given numpy _reconstruct of a subtype outside the allow-list",
      input: dillArray(['numpy._core.multiarray', '_reconstruct'], ['somepkg', 'Evil']),
      errors: [{ severity: 'critical', evidence: 'dill._dill._create_array(' }],
    },
    { name: 'os.system', input: callWith('os', 'system'), errors: [{ severity: 'critical', evidence: "os.system('echo x')" }] },
    { name: 'posix.system (os on Linux)', input: callWith('posix', 'system'), errors: [{ severity: 'critical', evidence: "posix.system('echo x')" }] },
    { name: 'nt.system (os on Windows)', input: callWith('nt', 'system'), errors: [{ severity: 'critical', evidence: "nt.system('echo x')" }] },
    {
      name: 'os.system through INST (protocol 0)',
      input: pickle().mark().string('echo x').inst('os', 'system').stop(),
      errors: [{ severity: 'critical', evidence: "os.system('echo x')" }],
    },
    {
      name: '__builtin__.eval at protocol 0',
      input: pickle().global('__builtin__', 'eval').mark().string("__import__('os').system('echo x')").tuple().reduce().stop(),
      errors: [{ severity: 'critical', evidence: 'builtins.eval(' }],
    },
    { name: 'builtins.exec', input: callWith('builtins', 'exec', 'import os'), errors: [{ severity: 'critical', evidence: "builtins.exec('import os')" }] },
    {
      name: 'subprocess.Popen with a list',
      input: p2().global('subprocess', 'Popen').emptyList().mark().binunicode('ls').binunicode('-la').appends().tuple1().reduce().stop(),
      errors: [{ severity: 'critical', evidence: "subprocess.Popen(['ls', '-la'])" }],
    },
    {
      name: 'subprocess.Popen created with NEWOBJ',
      input: p2().global('subprocess', 'Popen').binunicode('ls').tuple1().newobj().stop(),
      errors: [{ severity: 'critical', evidence: 'subprocess.Popen.__new__(' }],
    },
    { name: 'commands.getoutput (Python 2 name of subprocess)', input: callWith('commands', 'getoutput'), errors: [{ severity: 'critical' }] },
    { name: 'pty.spawn', input: callWith('pty', 'spawn', '/bin/sh'), errors: [{ severity: 'critical' }] },
    {
      name: 'builtins.getattr(builtins.__import__(os), system)(cmd)',
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
      errors: [
        { severity: 'high', evidence: "builtins.getattr(builtins.__import__('os'), 'system')" },
        { severity: 'high', evidence: "builtins.__import__('os')" },
      ],
    },
    {
      name: 'functools.partial(os.system, cmd)()',
      input: p2().global('functools', 'partial').global('os', 'system').binunicode('echo x').tuple2().reduce().emptyTuple().reduce().stop(),
      errors: [
        { severity: 'high', evidence: "functools.partial(os.system, 'echo x')" },
        { severity: 'critical', evidence: 'os.system' },
      ],
    },
    {
      name: 'operator.attrgetter(system)(importlib.import_module(os))',
      input: p2()
        .global('operator', 'attrgetter')
        .binunicode('system')
        .tuple1()
        .reduce()
        .global('importlib', 'import_module')
        .binunicode('os')
        .tuple1()
        .reduce()
        .tuple1()
        .reduce()
        .stop(),
      errors: [
        { severity: 'high', evidence: "operator.attrgetter('system')" },
        { severity: 'high', evidence: "importlib.import_module('os')" },
      ],
    },
    { name: '_operator.methodcaller (alias of operator)', input: callWith('_operator', 'methodcaller', 'system'), errors: [{ severity: 'high' }] },
    {
      name: 'importlib.import_module',
      input: callWith('importlib', 'import_module', 'os'),
      errors: [{ severity: 'high', evidence: "importlib.import_module('os')" }],
    },
    { name: 'pydoc.locate', input: callWith('pydoc', 'locate', 'os.system'), errors: [{ severity: 'high', evidence: "pydoc.locate('os.system')" }] },
    {
      name: 'types.FunctionType(marshal.loads(code), {})',
      input: p2()
        .global('types', 'FunctionType')
        .global('marshal', 'loads')
        .binbytes('\xe3\x00\x00\x00')
        .tuple1()
        .reduce()
        .emptyDict()
        .tuple2()
        .reduce()
        .stop(),
      errors: [
        { severity: 'critical', evidence: "types.FunctionType(marshal.loads(b'\\xe3\\x00\\x00\\x00'), {})" },
        { severity: 'critical', evidence: "marshal.loads(b'\\xe3" },
      ],
    },
    {
      name: 'pickle.loads of a nested pickle',
      input: pickle().proto(3).global('pickle', 'loads').binbytes(nested).tuple1().reduce().stop(),
      errors: [{ severity: 'critical', evidence: "pickle.loads(b'\\x80\\x02cos\\x0asystem" }],
    },
    { name: '_pickle.loads (alias of pickle)', input: callWith('_pickle', 'loads'), errors: [{ severity: 'critical' }] },
    { name: 'cPickle.loads (Python 2 name)', input: callWith('cPickle', 'loads'), errors: [{ severity: 'critical' }] },
    // A gadget no allow-list names; the deny-list grades it critical, so unknown-global stays quiet.
    ...(
      [
        ['numpy.ctypeslib', 'load_library', 'native-code'],
        ['_testcapi', 'run_in_subinterp', 'code-execution'],
        ['_xxsubinterpreters', 'run_string', 'code-execution'],
        ['compileall', 'compile_dir', 'code-execution'],
        ['torch._inductor.codecache', 'PyCodeCache.load', 'code-execution'],
        ['torch.testing._internal.common_utils', 'shell', 'code-execution'],
        ['torch.utils.model_zoo', 'load_url', 'nested-unpickling'],
        ['antigravity', 'geohash', 'process'],
      ] as const
    ).map(([module, name, category]) => ({
      name: `${module}.${name} (${category})`,
      input: dottedCall(module, name),
      errors: [{ severity: 'critical' as const, message: `: ${category}, ` }],
    })),
    {
      name: 'timeit.timeit',
      input: callWith('timeit', 'timeit', "__import__('os').system('x')"),
      errors: [{ severity: 'critical', evidence: 'timeit.timeit(' }],
    },
    {
      name: 'asyncio submodule: asyncio.unix_events._UnixSubprocessTransport._start',
      input: dottedCall('asyncio.unix_events', '_UnixSubprocessTransport._start'),
      errors: [{ severity: 'critical', evidence: 'asyncio.unix_events._UnixSubprocessTransport._start(' }],
    },
    {
      name: 'protocol-4 walk from torch to os: torch + serialization.os.system',
      input: dottedCall('torch', 'serialization.os.system'),
      errors: [{ severity: 'critical', evidence: "torch.serialization.os.system('echo x')" }],
    },
    {
      name: 'protocol-4 walk to builtins.getattr through another module',
      input: dottedCall('reprlib', 'builtins.getattr'),
      errors: [{ severity: 'high', evidence: "reprlib.builtins.getattr('echo x')" }],
    },
    {
      name: 'protocol-4 walk through __main__.__builtins__ to eval',
      input: dottedCall('__main__', '__builtins__.eval', '1+1'),
      errors: [{ severity: 'critical', evidence: "__main__.__builtins__.eval('1+1')" }],
    },
    {
      name: 'GLOBAL written through the memo and called twice',
      input: p2().global('os', 'system').binput(0).binunicode('a').tuple1().reduce().pop().binget(0).binunicode('b').tuple1().reduce().stop(),
      errors: [{ severity: 'critical', evidence: "os.system('a') (and 1 more calls)" }],
    },
    { name: 'sys.modules imported', input: p2().global('sys', 'modules').stop(), errors: [{ severity: 'critical', evidence: 'sys.modules' }] },
  ],
});
