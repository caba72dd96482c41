import { BufferSource } from '../../../src/core/byte-source.js';
import { dangerousOp } from '../../../src/detectors/paddle/dangerous-op.js';
import { modelInfo } from '../../../src/detectors/paddle/model-info.js';
import { paddleProgram } from '../../../src/formats/paddle/builder.js';
import type { PaddleProgram } from '../../../src/formats/paddle/model.js';
import { parsePaddleProgram } from '../../../src/formats/paddle/program.js';
import { expectOffset, ruleTester, type RuleFormat } from '../../helpers/rule-tester.js';

const PROGRAM: RuleFormat<Buffer, PaddleProgram> = {
  parse(bytes) {
    const { model, error } = parsePaddleProgram(new BufferSource(bytes));
    if (error) throw error;
    return model;
  },
  eachFinding: expectOffset,
};

ruleTester(dangerousOp, PROGRAM, {
  valid: [
    { name: 'an inference program', input: paddleProgram([{ type: 'feed' }, { type: 'conv2d' }, { type: 'softmax' }, { type: 'fetch' }]) },
    { name: 'print writes to stdout only', input: paddleProgram([{ type: 'print', attrs: { message: 'x' } }]) },
  ],
  invalid: [
    {
      name: 'py_func runs Python',
      input: paddleProgram([{ type: 'py_func' }]),
      errors: [{ severity: 'high', evidence: 'py_func', message: 'Python function' }],
    },
    {
      name: 'py_func in a sub-block',
      input: paddleProgram([{ type: 'conditional_block' }], [{ type: 'py_func' }]),
      errors: [{ severity: 'high', message: 'block 1' }],
    },
    {
      name: 'save writes a file',
      input: paddleProgram([{ type: 'save', attrs: { file_path: 'out' } }]),
      errors: [{ severity: 'high', evidence: 'save(out)' }],
    },
    {
      name: 'load of a relative file is medium',
      input: paddleProgram([{ type: 'load_combine', attrs: { file_path: 'w.bin' } }]),
      errors: [{ severity: 'medium' }],
    },
    {
      name: 'load of an absolute path is high',
      input: paddleProgram([{ type: 'load', attrs: { file_path: '/root/.ssh/id_rsa' } }]),
      errors: [{ severity: 'high', evidence: 'load(/root/.ssh/id_rsa)' }],
    },
    {
      name: 'network ops',
      input: paddleProgram([{ type: 'send', attrs: { endpoints: '10.0.0.1:6000' } }]),
      errors: [{ severity: 'high', message: 'network' }],
    },
  ],
});

ruleTester(modelInfo, PROGRAM, {
  valid: [],
  invalid: [
    {
      name: 'summarises',
      input: paddleProgram([{ type: 'feed' }, { type: 'relu' }]),
      errors: [{ severity: 'info', message: 'version 2006000; 1 block(s), 1 variable(s), 2 op(s): feed, relu' }],
    },
  ],
});
