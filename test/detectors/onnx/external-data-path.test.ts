import { externalDataPath } from '../../../src/detectors/onnx/external-data-path.js';
import { onnxModel, type TensorDesc } from '../../../src/formats/onnx/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { ONNX } from './adapter.js';

const withTensors = (...initializers: TensorDesc[]): Buffer => onnxModel({ graph: { name: 'g', initializers, nodes: [{ opType: 'Relu' }] } });
const at = (location: string, name = 'W'): TensorDesc => ({
  name,
  external: [
    ['location', location],
    ['offset', '0'],
    ['length', '16'],
  ],
});

ruleTester(externalDataPath, ONNX, {
  valid: [
    { name: 'no external data', input: onnxModel() },
    { name: 'a file beside the model', input: withTensors(at('model.onnx.data')) },
    { name: 'a file in a subfolder', input: withTensors(at('weights/part-1.bin')) },
    { name: 'a dot segment', input: withTensors(at('./weights.bin')) },
    { name: 'inline raw data', input: withTensors({ name: 'W', raw: Buffer.alloc(16) }) },
  ],
  invalid: [
    {
      name: 'an absolute POSIX path',
      input: withTensors(at('/etc/passwd')),
      errors: [{ severity: 'high', evidence: '/etc/passwd', message: 'is an absolute path' }],
    },
    { name: 'a traversal (CVE-2022-25882)', input: withTensors(at('../../../../etc/passwd')), errors: [{ severity: 'high', message: 'climbs out' }] },
    { name: 'a `..` that stays inside', input: withTensors(at('a/../b.bin')), errors: [{ severity: 'high', message: 'contains a `..` segment' }] },
    { name: 'a Windows drive', input: withTensors(at('C:\\Windows\\win.ini')), errors: [{ severity: 'high', message: 'Windows drive' }] },
    { name: 'a UNC path', input: withTensors(at('\\\\attacker\\share\\w.bin')), errors: [{ severity: 'high', message: 'UNC' }] },
    { name: 'backslash traversal', input: withTensors(at('..\\..\\secret')), errors: [{ severity: 'high', message: 'climbs out' }] },
    { name: 'a NUL byte', input: withTensors(at('w.bin\u0000/etc/passwd')), errors: [{ severity: 'high', message: 'control characters' }] },
    {
      name: 'one finding per location, counting tensors',
      input: withTensors(at('/tmp/x', 'A'), at('/tmp/x', 'B'), at('/tmp/y', 'C')),
      errors: [
        { severity: 'high', evidence: '/tmp/x', message: '2 tensors "A" (initializer of graph "g"), "B"' },
        { severity: 'high', evidence: '/tmp/y' },
      ],
    },
    {
      name: 'a traversal in a Constant node inside a subgraph',
      input: onnxModel({
        graph: {
          nodes: [
            {
              opType: 'If',
              attributes: [{ name: 'else_branch', g: { nodes: [{ opType: 'Constant', attributes: [{ name: 'value', t: at('../k', 'k') }] }] } }],
            },
          ],
        },
      }),
      errors: [{ severity: 'high', evidence: '../k', message: 'attribute else_branch' }],
    },
    {
      name: 'external entries without data_location EXTERNAL',
      input: withTensors({ name: 'W', external: [['location', '/etc/hosts']], dataLocation: 0 }),
      errors: [{ severity: 'high', message: 'loaders disagree' }],
    },
    {
      name: 'EXTERNAL without a location',
      input: withTensors({ name: 'W', external: [['offset', '0']] }),
      errors: [{ severity: 'low', message: 'name no location' }],
    },
  ],
});
