import { customOperatorDomain } from '../../../src/detectors/onnx/custom-operator-domain.js';
import { onnxModel, type NodeDesc } from '../../../src/formats/onnx/builder.js';
import { ruleTester } from './harness.js';

const withNodes = (...nodes: NodeDesc[]): Buffer => onnxModel({ graph: { name: 'main', nodes } });

ruleTester(customOperatorDomain, {
  valid: [
    { name: 'default domain', model: withNodes({ opType: 'Conv' }, { opType: 'Relu', domain: '' }) },
    { name: 'ai.onnx spelled out', model: withNodes({ opType: 'Conv', domain: 'ai.onnx' }) },
    { name: 'ai.onnx.ml', model: withNodes({ opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml' }) },
    { name: 'training domains', model: withNodes({ opType: 'Adagrad', domain: 'ai.onnx.preview.training' }, { opType: 'X', domain: 'ai.onnx.training' }) },
    { name: 'ai.onnx.preview', model: withNodes({ opType: 'X', domain: 'ai.onnx.preview' }) },
    {
      name: 'a call to a model-local function',
      model: onnxModel({ graph: { nodes: [{ opType: 'Block', domain: 'pkg.torch' }] }, functions: [{ name: 'Block', domain: 'pkg.torch', nodes: [{ opType: 'Relu' }] }] }),
    },
  ],
  invalid: [
    {
      name: 'onnxruntime contrib ops are low',
      model: withNodes({ opType: 'FusedMatMul', domain: 'com.microsoft' }, { opType: 'Attention', domain: 'com.microsoft' }),
      errors: [{ severity: 'low', evidence: 'com.microsoft: Attention, FusedMatMul', message: 'onnxruntime contrib operators' }],
    },
    { name: 'ATen fallback is low', model: withNodes({ opType: 'ATen', domain: 'org.pytorch.aten' }), errors: [{ severity: 'low', evidence: 'org.pytorch.aten' }] },
    { name: 'onnxruntime-extensions is low', model: withNodes({ opType: 'PyOp', domain: 'ai.onnx.contrib' }), errors: [{ severity: 'low' }] },
    {
      name: 'an unknown custom domain is medium',
      model: withNodes({ opType: 'Backdoor', domain: 'com.attacker' }),
      errors: [{ severity: 'medium', evidence: 'com.attacker: Backdoor', message: 'custom-op library' }],
    },
    {
      name: 'one finding per domain',
      model: withNodes({ opType: 'A', domain: 'x.one' }, { opType: 'B', domain: 'com.microsoft' }, { opType: 'C', domain: 'x.one' }),
      errors: [{ severity: 'medium', evidence: 'x.one: A, C', message: '2 node(s) in 1 graph(s)' }, { severity: 'low', evidence: 'com.microsoft: B' }],
    },
    {
      name: 'inside a Loop body',
      model: withNodes({ opType: 'Loop', name: 'loop', attributes: [{ name: 'body', g: { name: 'body', nodes: [{ opType: 'Evil', domain: 'evil' }] } }] }),
      errors: [{ severity: 'medium', message: 'first in graph "main" > node "loop" attribute body "body"' }],
    },
    {
      name: 'inside a model-local function body',
      model: onnxModel({ functions: [{ name: 'F', domain: 'local', nodes: [{ opType: 'Evil', domain: 'evil' }] }] }),
      errors: [{ severity: 'medium', message: 'function "local.F"' }],
    },
    {
      name: 'a function name in another domain is not the function',
      model: onnxModel({ graph: { nodes: [{ opType: 'F', domain: 'other' }] }, functions: [{ name: 'F', domain: 'local' }] }),
      errors: [{ severity: 'medium', evidence: 'other: F' }],
    },
  ],
});
