import { customOperatorDomain } from '../../../src/detectors/onnx/custom-operator-domain.js';
import { onnxModel, type NodeDesc } from '../../../src/formats/onnx/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { ONNX } from './adapter.js';

const withNodes = (...nodes: NodeDesc[]): Buffer => onnxModel({ graph: { name: 'main', nodes } });

ruleTester(customOperatorDomain, ONNX, {
  valid: [
    { name: 'default domain', input: withNodes({ opType: 'Conv' }, { opType: 'Relu', domain: '' }) },
    { name: 'ai.onnx spelled out', input: withNodes({ opType: 'Conv', domain: 'ai.onnx' }) },
    { name: 'ai.onnx.ml', input: withNodes({ opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml' }) },
    { name: 'training domains', input: withNodes({ opType: 'Adagrad', domain: 'ai.onnx.preview.training' }, { opType: 'X', domain: 'ai.onnx.training' }) },
    { name: 'ai.onnx.preview', input: withNodes({ opType: 'X', domain: 'ai.onnx.preview' }) },
    {
      name: 'a call to a model-local function',
      input: onnxModel({
        graph: { nodes: [{ opType: 'Block', domain: 'pkg.torch' }] },
        functions: [{ name: 'Block', domain: 'pkg.torch', nodes: [{ opType: 'Relu' }] }],
      }),
    },
  ],
  invalid: [
    {
      name: 'onnxruntime contrib ops are low',
      input: withNodes({ opType: 'FusedMatMul', domain: 'com.microsoft' }, { opType: 'Attention', domain: 'com.microsoft' }),
      errors: [{ severity: 'low', evidence: 'com.microsoft: Attention, FusedMatMul', message: 'onnxruntime contrib operators' }],
    },
    {
      name: 'ATen fallback is low',
      input: withNodes({ opType: 'ATen', domain: 'org.pytorch.aten' }),
      errors: [{ severity: 'low', evidence: 'org.pytorch.aten' }],
    },
    { name: 'onnxruntime-extensions is low', input: withNodes({ opType: 'PyOp', domain: 'ai.onnx.contrib' }), errors: [{ severity: 'low' }] },
    {
      name: 'an unknown custom domain is medium',
      input: withNodes({ opType: 'Backdoor', domain: 'com.attacker' }),
      errors: [{ severity: 'medium', evidence: 'com.attacker: Backdoor', message: 'custom-op library' }],
    },
    {
      name: 'one finding per domain',
      input: withNodes({ opType: 'A', domain: 'x.one' }, { opType: 'B', domain: 'com.microsoft' }, { opType: 'C', domain: 'x.one' }),
      errors: [
        { severity: 'medium', evidence: 'x.one: A, C', message: '2 node(s) in 1 graph(s)' },
        { severity: 'low', evidence: 'com.microsoft: B' },
      ],
    },
    {
      name: 'inside a Loop body',
      input: withNodes({ opType: 'Loop', name: 'loop', attributes: [{ name: 'body', g: { name: 'body', nodes: [{ opType: 'Evil', domain: 'evil' }] } }] }),
      errors: [{ severity: 'medium', message: 'first in graph "main" > node "loop" attribute body "body"' }],
    },
    {
      name: 'inside a model-local function body',
      input: onnxModel({ functions: [{ name: 'F', domain: 'local', nodes: [{ opType: 'Evil', domain: 'evil' }] }] }),
      errors: [{ severity: 'medium', message: 'function "local.F"' }],
    },
    {
      name: 'a function name in another domain is not the function',
      input: onnxModel({ graph: { nodes: [{ opType: 'F', domain: 'other' }] }, functions: [{ name: 'F', domain: 'local' }] }),
      errors: [{ severity: 'medium', evidence: 'other: F' }],
    },
  ],
});
