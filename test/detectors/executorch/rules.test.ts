import { BufferSource } from '../../../src/core/byte-source.js';
import { customNamespace } from '../../../src/detectors/executorch/custom-namespace.js';
import { modelInfo } from '../../../src/detectors/executorch/model-info.js';
import { executorchProgram } from '../../../src/formats/executorch/builder.js';
import type { ExecuTorchProgram } from '../../../src/formats/executorch/model.js';
import { parseExecuTorch } from '../../../src/formats/executorch/parse.js';
import { expectOffset, ruleTester, type RuleFormat } from '../../helpers/rule-tester.js';

const PTE: RuleFormat<Buffer, ExecuTorchProgram> = {
  parse(bytes) {
    const { model, error } = parseExecuTorch(new BufferSource(bytes));
    if (error) throw error;
    return model;
  },
  eachFinding: expectOffset,
};

const ops = (...names: string[]): Buffer => executorchProgram([{ name: 'forward', ops: names.map((n) => [n, 'out'] as [string, string]) }]);

ruleTester(customNamespace, PTE, {
  valid: [
    {
      name: 'ExecuTorch namespaces',
      input: ops('aten::add', 'quantized_decomposed::quantize_per_tensor', 'dim_order_ops::_to_dim_order_copy', 'llama::sdpa_with_kv_cache'),
    },
  ],
  invalid: [
    {
      name: 'a custom namespace is noted',
      input: ops('aten::add', 'my_ops::mul3', 'my_ops::add3'),
      errors: [{ severity: 'low', evidence: 'my_ops: my_ops::add3, my_ops::mul3' }],
    },
    { name: 'an operator without a namespace', input: ops('weird'), errors: [{ severity: 'low', message: 'without a namespace' }] },
  ],
});

ruleTester(modelInfo, PTE, {
  valid: [],
  invalid: [
    {
      name: 'summarises',
      input: executorchProgram([{ name: 'forward', ops: [['aten::add', 'out']], delegates: ['XnnpackBackend'] }]),
      errors: [
        { severity: 'info', message: 'ET12 version 0; methods: forward; 1 operator(s): aten::add.out; backend delegates: XnnpackBackend; 0 segment(s)' },
      ],
    },
  ],
});
