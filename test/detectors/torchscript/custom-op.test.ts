import { customOp } from '../../../src/detectors/torchscript/custom-op.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PYTHON } from '../python/adapter.js';
import { module, PLAIN, QUANTIZED, SETSTATE } from './code.js';

ruleTester(customOp, PYTHON, {
  valid: [
    { name: 'a plain scripted model (aten and prim ops)', input: PLAIN },
    { name: 'a __setstate__ that only sets attributes', input: SETSTATE },
    { name: 'quantized ops and the quantized TorchBind class', input: QUANTIZED },
    { name: 'mkldnn and profiler ops', input: module('_0 = ops.profiler._record_function_enter("x", None)\nreturn ops.mkldnn._convolution_pointwise(x)') },
    { name: 'a compiled __torch__ function', input: module('return __torch__.torch.nn.functional.relu(x, False, )') },
  ],
  invalid: [
    {
      name: 'an op of a custom namespace (as the custom-op fixture edits it in)',
      input: module('_0 = ops.evil_ns.run((self.fc).forward(x, ))\nreturn _0'),
      errors: [{ severity: 'medium', message: 'evil_ns::run', at: 'ops.evil_ns.run', evidence: 'ops.evil_ns.run' }],
    },
    {
      name: "torchvision's nms needs torchvision's native library",
      input: module('keep = torch.ops.torchvision.nms(x, x, 0.5)\nkeep2 = torch.ops.torchvision.nms(x, x, 0.4)\nreturn keep'),
      errors: [{ severity: 'medium', message: 'torchvision::nms' }],
    },
    {
      name: 'a TorchBind class from a custom library, named only in an annotation',
      input: `class Net(Module):\n  backend : __torch__.torch.classes.my_vendor.Engine\n  training : bool\n`,
      errors: [{ severity: 'medium', message: 'TorchBind class my_vendor.Engine' }],
    },
    {
      name: 'a distributed collective, graded high',
      input: module('_0 = ops._c10d_functional.all_reduce(x, "sum", "0")\nreturn _0'),
      errors: [{ severity: 'high', message: 'network' }],
    },
    {
      // What torch.jit.save writes for torch.distributed.rpc.rpc_async / rpc_sync (torch 2.13).
      name: 'distributed RPC, graded high',
      input: module('_0 = (x,)\nfut = ops.prim.rpc_async()\ny = ops.prim.rpc_sync()\nreturn torch.add(torch.wait(fut), y)'),
      errors: [
        { severity: 'high', message: 'remote procedure call', at: 'ops.prim.rpc_async' },
        { severity: 'high', message: 'prim::rpc_sync' },
      ],
    },
    {
      name: 'torch.ops.load_library, graded high',
      input: module('torch.ops.load_library("/tmp/libevil.so")\nreturn x'),
      errors: [{ severity: 'high', message: 'loads a native library' }],
    },
  ],
});
