import { setstateInjection } from '../../../src/detectors/pickle/setstate-injection.js';
import { pickle, type PickleBuilder } from '../../../src/formats/pickle/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PICKLE } from './adapter.js';
import { BENIGN } from './pickles.js';

/** `somepkg.Cls.__new__(somepkg.Cls)` on the stack, ready for BUILD. */
const instance = (): PickleBuilder => pickle().proto(2).global('somepkg', 'Cls').emptyTuple().newobj();

ruleTester(setstateInjection, PICKLE, {
  valid: [
    ...BENIGN,
    { name: 'BUILD of a plain __dict__', input: instance().emptyDict().binunicode('a').binint1(1).setitem().build().stop() },
    { name: 'BUILD of (None, slotstate)', input: instance().none().emptyDict().binunicode('a').binint1(1).setitem().tuple2().build().stop() },
    { name: 'BUILD of a non-dict state', input: instance().binunicode('__setstate__').build().stop() },
    {
      // pydantic's __getstate__ writes dunder keys, for its own __setstate__ (never setattr'd).
      name: 'BUILD of a state with other dunder keys (pydantic)',
      input: instance().emptyDict().binunicode('__dict__').emptyDict().setitem().binunicode('__pydantic_extra__').none().setitem().build().stop(),
    },
  ],
  invalid: [
    {
      name: 'double BUILD: plant __setstate__ = os.system, then call it',
      input: instance().emptyDict().binunicode('__setstate__').global('os', 'system').setitem().build().binunicode('echo x').build().stop(),
      errors: [{ severity: 'critical', evidence: "'__setstate__': os.system" }],
    },
    {
      name: '__setstate__ planted through the slot state',
      input: instance().none().emptyDict().binunicode('__setstate__').global('builtins', 'exec').setitem().tuple2().build().stop(),
      errors: [{ severity: 'critical', evidence: "'__setstate__': builtins.exec" }],
    },
    {
      name: '__setstate__ key written as a protocol-0 STRING',
      input: pickle().global('somepkg', 'Cls').mark().tuple().reduce().mark().string('__setstate__').global('os', 'system').dict().build().stop(),
      errors: [{ severity: 'critical' }],
    },
    {
      // Found by the issue-16 red team: joblib checks isinstance(obj, NumpyArrayWrapper) after
      // BUILD, so a Namespace given this __class__ makes joblib read the next bytes as an array.
      name: 'a BUILD slot state that assigns __class__ (class swap)',
      input: pickle()
        .proto(2)
        .global('argparse', 'Namespace')
        .emptyTuple()
        .reduce()
        .emptyDict()
        .binunicode('shape')
        .binint1(5)
        .tuple1()
        .setitem()
        .emptyDict()
        .binunicode('__class__')
        .global('joblib.numpy_pickle', 'NumpyArrayWrapper')
        .setitem()
        .tuple2()
        .build()
        .stop(),
      errors: [{ severity: 'high', evidence: "'__class__': joblib.numpy_pickle.NumpyArrayWrapper" }],
    },
    {
      name: 'BUILD on an imported module rewrites its attributes',
      input: pickle().proto(2).global('somepkg', 'config').emptyDict().binunicode('x').binint1(1).setitem().build().stop(),
      errors: [{ severity: 'critical', evidence: "somepkg.config.__setstate__({'x': 1})" }],
    },
    {
      // BUILD {_codecs.encode('__frgfgngr__', 'rot13'): x}: the key's name only exists at load time.
      name: 'a BUILD state whose key is computed at load time',
      input: pickle()
        .proto(2)
        .global('collections', 'OrderedDict')
        .emptyTuple()
        .newobj()
        .emptyDict()
        .global('_codecs', 'encode')
        .binunicode('__frgfgngr__')
        .binunicode('rot13')
        .tuple2()
        .reduce()
        .none()
        .setitem()
        .build()
        .stop(),
      errors: [{ severity: 'high' }],
    },
  ],
});
