import { readFileSync } from 'node:fs';
import { BufferSource } from '../../../src/core/byte-source.js';
import { dangerousOp } from '../../../src/detectors/savedmodel/dangerous-op.js';
import { unknownOp } from '../../../src/detectors/savedmodel/unknown-op.js';
import { constString, graphDef, type NodeDesc } from '../../../src/formats/savedmodel/builder.js';
import { parseGraphDef } from '../../../src/formats/savedmodel/graphdef.js';
import type { SavedModel } from '../../../src/formats/savedmodel/model.js';
import { expectOffset, ruleTester, type RuleFormat } from '../../helpers/rule-tester.js';

/*
 * The SavedModel rules over bare GraphDef files (frozen graphs): the same judgement of every
 * op, except that checkpoint ops, which no saver runs there, are not the model's own.
 */

/** The rule tester's adapter for a bare GraphDef, which must parse. */
const GRAPHDEF: RuleFormat<Buffer, SavedModel> = {
  parse(input) {
    const { model, error } = parseGraphDef(new BufferSource(input));
    if (error) throw error;
    return model;
  },
  eachFinding: expectOffset,
};

/** A frozen graph written by TensorFlow: test/fixtures/graphdef/generate.py. */
const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/graphdef/${name}`, import.meta.url));
const graph = (...nodes: NodeDesc[]): Buffer => graphDef({ nodes });
const op = (name: string, opName: string, inputs: string[] = [], attrs: NodeDesc['attrs'] = {}): NodeDesc => ({ name, op: opName, inputs, attrs });

ruleTester(dangerousOp, GRAPHDEF, {
  valid: [
    { name: 'a Dense model frozen by TensorFlow (convert_variables_to_constants_v2)', input: fixture('frozen_dense.pb') },
    { name: 'pure compute', input: graph(op('x', 'Placeholder'), op('w', 'Const'), op('y', 'MatMul', ['x', 'w']), op('z', 'Softmax', ['y'])) },
    {
      name: 'a function attribute naming a library function',
      input: graphDef({ nodes: [op('c', 'PartitionedCall', [], { f: { func: 'f' } })], functions: [{ name: 'f', nodes: [op('r', 'Relu', ['x'])] }] }),
    },
  ],
  invalid: [
    {
      name: 'ReadFile and WriteFile in a graph written by TensorFlow',
      input: fixture('frozen_writefile.pb'),
      errors: [
        { severity: 'high', evidence: 'ReadFile("/etc/hostname")', message: 'in GraphDef' },
        { severity: 'high', evidence: 'WriteFile("/tmp/modelgate-exfil")' },
      ],
    },
    { name: 'PyFunc', input: graph(op('py', 'PyFunc', ['x'], { token: { s: 'pyfunc_0' } })), errors: [{ severity: 'high', evidence: 'PyFunc("pyfunc_0")' }] },
    {
      name: 'WriteFile inside a library function',
      input: graphDef({ nodes: [op('c', 'PartitionedCall', [], { f: { func: 'f' } })], functions: [{ name: 'f', nodes: [op('w', 'WriteFile', ['p', 'c'])] }] }),
      errors: [{ severity: 'high', message: 'function "f"' }],
    },
    {
      name: 'a checkpoint save to a relative path is no saver of the model (medium, not low)',
      input: graph(constString('c', 'model'), op('s', 'SaveV2', ['c', 'n', 's'])),
      errors: [{ severity: 'medium', message: 'no saver' }],
    },
    {
      name: 'a checkpoint restore from a computed path is medium',
      input: graph(op('r', 'RestoreV2', ['p', 'n', 's'])),
      errors: [{ severity: 'medium', message: "not the model's own checkpoint" }],
    },
    {
      name: 'a checkpoint save to /tmp stays high',
      input: graph(constString('c', '/tmp/x/ckpt'), op('s', 'SaveV2', ['c', 'n', 's'])),
      errors: [{ severity: 'high', message: 'is an absolute path' }],
    },
  ],
});

ruleTester(unknownOp, GRAPHDEF, {
  valid: [
    { name: 'registered ops only', input: fixture('frozen_dense.pb') },
    {
      name: 'a call to a library function',
      input: graphDef({ nodes: [op('c', 'MyFunction')], functions: [{ name: 'MyFunction', nodes: [op('r', 'Relu')] }] }),
    },
  ],
  invalid: [
    {
      name: 'an op of a custom op library',
      input: graph(op('x', 'Placeholder'), op('c', 'ZeroOut', ['x'])),
      errors: [{ severity: 'medium', evidence: 'ZeroOut', message: 'in GraphDef' }],
    },
  ],
});
