import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judgeTfOp, tfOpCategory, TF_OPS_VERSION } from '../../../src/detectors/savedmodel/op-registry.js';
import { RISKY_OPS } from '../../../src/detectors/savedmodel/ops.js';
import { unknownOp } from '../../../src/detectors/savedmodel/unknown-op.js';
import { graphDef, savedModel, type NodeDesc } from '../../../src/formats/savedmodel/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { SAVEDMODEL } from './adapter.js';

const graph = (...nodes: NodeDesc[]): Buffer => savedModel({ metaGraphs: [{ graph: { nodes } }] });
const op = (name: string, opName: string, inputs: string[] = [], attrs: NodeDesc['attrs'] = {}): NodeDesc => ({ name, op: opName, inputs, attrs });

ruleTester(unknownOp, SAVEDMODEL, {
  valid: [
    { name: 'registered compute ops', input: graph(op('x', 'Placeholder'), op('y', 'MatMul', ['x', 'x']), op('z', 'Relu', ['y'])) },
    { name: 'a registered risky op is dangerous-op, not unknown', input: graph(op('r', 'ReadFile', ['x'])) },
    { name: 'TF 1.x Rpc, kept from the curated table', input: graph(op('r', 'Rpc', ['a', 'm', 'r'])) },
    {
      name: 'a node calling a library function by its name',
      input: savedModel({
        metaGraphs: [
          { graph: { nodes: [op('call', '__inference_f_9', ['x'])], functions: [{ name: '__inference_f_9', args: ['a'], nodes: [op('n', 'Neg', ['a'])] }] } },
        ],
      }),
    },
    // Real SavedModels written by TensorFlow (fixtures/savedmodel/generate.py): every op they use is registered.
    { name: 'a TF2 SavedModel of a tf.Module with a traced function', input: readFileSync('test/fixtures/savedmodel/tf2-clean/saved_model.pb') },
    { name: 'a TF1 SavedModel with its saver graph', input: readFileSync('test/fixtures/savedmodel/tf1-saver/saved_model.pb') },
    { name: 'a func attribute naming a registered op', input: graph(op('call', 'PartitionedCall', ['x'], { f: { func: 'Neg' } })) },
    { name: 'a stripped op list of registered ops', input: savedModel({ metaGraphs: [{ strippedOps: ['Const', 'SaveV2', 'StatefulPartitionedCall'] }] }) },
  ],
  invalid: [
    {
      name: 'an op from a custom op library',
      input: graph(op('x', 'Placeholder'), op('z', 'ZeroOut', ['x'])),
      errors: [{ severity: 'medium', evidence: 'ZeroOut', message: 'custom op runs native code' }],
    },
    {
      name: 'one finding per op, counting its nodes',
      input: graph(op('a', 'Fancy'), op('b', 'Fancy'), op('c', 'Fancy')),
      errors: [{ severity: 'medium', evidence: 'Fancy', message: '(3 nodes in all)' }],
    },
    {
      name: 'inside a library function',
      input: savedModel({ metaGraphs: [{ graph: { functions: [{ name: 'f', args: ['a'], nodes: [op('n', 'Addons>Resampler', ['a'])] }] } }] }),
      errors: [{ severity: 'medium', evidence: 'Addons>Resampler', message: 'in function "f"' }],
    },
    {
      name: 'inside a GraphDef serialized in an attribute',
      input: graph(op('holder', 'NoOp', [], { blob: { s: graphDef({ nodes: [op('k', 'SecretKernel')] }) } })),
      errors: [{ severity: 'medium', evidence: 'SecretKernel' }],
    },
    {
      name: 'an unregistered op called through a func attribute',
      input: graph(op('call', 'PartitionedCall', ['x'], { f: { func: 'ZeroOut' } })),
      errors: [{ severity: 'medium', evidence: 'ZeroOut', message: 'called as PartitionedCall(f=ZeroOut)' }],
    },
    {
      name: 'listed in stripped_op_list only',
      input: savedModel({ metaGraphs: [{ strippedOps: ['Const', 'MyOp'] }] }),
      errors: [{ severity: 'medium', evidence: 'MyOp', message: 'stripped_op_list' }],
    },
  ],
});

describe('judgeTfOp', () => {
  it('passes pure compute and in-process state ops', () => {
    expect(judgeTfOp('MatMul')).toMatchObject({ verdict: 'pure', severity: 'info', category: 'compute' });
    expect(judgeTfOp('VarHandleOp')).toMatchObject({ verdict: 'pure', category: 'state' });
  });

  it('grades curated ops by the table and others by their registry category', () => {
    expect(judgeTfOp('WriteFile')).toMatchObject({ verdict: 'risky', severity: 'high', category: 'file' });
    expect(judgeTfOp('SaveV2')).toMatchObject({ verdict: 'risky', severity: 'low' });
    expect(judgeTfOp('EagerPyFunc')).toMatchObject({ verdict: 'risky', severity: 'high', category: 'python' });
    expect(judgeTfOp('ReaderReadV2')).toMatchObject({ verdict: 'risky', severity: 'medium', category: 'file' });
  });

  it('calls an unregistered op unknown and medium', () => {
    expect(judgeTfOp('ZeroOut')).toMatchObject({ verdict: 'unknown', severity: 'medium' });
    expect(judgeTfOp('constructor').verdict).toBe('unknown');
  });

  it('has a registry snapshot that never calls a curated op pure', () => {
    expect(TF_OPS_VERSION).toMatch(/^2\.\d+/);
    for (const name of RISKY_OPS.keys()) expect(['compute', 'state', undefined], name).not.toContain(tfOpCategory(name));
  });
});
