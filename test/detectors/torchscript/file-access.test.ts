import { fileAccess } from '../../../src/detectors/torchscript/file-access.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PYTHON } from '../python/adapter.js';
import { module, PLAIN, QUANTIZED, SETSTATE } from './code.js';

ruleTester(fileAccess, PYTHON, {
  valid: [
    { name: 'a plain scripted model', input: PLAIN },
    { name: 'a __setstate__ that only sets attributes', input: SETSTATE },
    { name: 'quantized ops and packed params', input: QUANTIZED },
    { name: 'a method named like a file operator on a value', input: module('_0 = (self.store).from_file("x")\nreturn x') },
    { name: 'an attribute named ops on a module', input: module('_0 = (self.ops.aten.from_file).forward(x)\nreturn _0') },
    { name: 'a file path in a string only', input: module('s = "/etc/passwd"\nreturn x') },
  ],
  invalid: [
    {
      name: 'torch.from_file of /etc/passwd (as torch.jit.save writes it)',
      input: module('data = torch.from_file("/etc/passwd", False, 16, dtype=0)\nreturn torch.add(x, torch.sum(data))'),
      errors: [{ severity: 'high', message: 'aten::from_file', at: 'torch.from_file', evidence: 'data = torch.from_file("/etc/passwd", False, 16, dtype=0)' }],
    },
    {
      name: 'the same operator through ops.aten with an overload',
      input: module('data = ops.aten.from_file.default("/root/.ssh/id_rsa")\nreturn x'),
      errors: [{ severity: 'high', message: 'aten::from_file' }],
    },
    {
      name: 'torch.ops.aten.save writes a file',
      input: module('torch.ops.aten.save(x, "/tmp/x")\nreturn x'),
      errors: [{ severity: 'high', message: 'writes a value to a file' }],
    },
    {
      name: 'the operator bound to a name before the call',
      input: module('read = torch.from_file\ndata = read("/etc/passwd")\nreturn x'),
      errors: [{ severity: 'high', message: 'aten::from_file', at: 'torch.from_file' }],
    },
    { name: 'torch.save in TorchScript', input: module('torch.save(x, "/tmp/out")\nreturn x'), errors: [{ severity: 'high', message: 'aten::save' }] },
    {
      name: 'debugprims.load_tensor in a __setstate__',
      input: SETSTATE.replace('self.scale = (state)[0]', 'self.t = ops.debugprims.load_tensor("/etc/shadow", [1], 6, None, "cpu", False)'),
      errors: [{ severity: 'high', message: 'debugprims::load_tensor' }],
    },
  ],
});
