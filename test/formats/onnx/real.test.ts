import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { parseOnnx } from '../../../src/formats/onnx/parse.js';
import { scanBytes } from './helpers.js';

/** Models written by the onnx package itself: test/fixtures/onnx/generate.py. */
const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/onnx/${name}`, import.meta.url));

describe('ONNX models written by the onnx package', () => {
  it('keeps a model with relative external data clean, noting the file beside it', () => {
    const result = scanBytes(fixture('clean/model.onnx'), 'model.onnx', { 'model.data': fixture('clean/model.data') });
    expect(result.verdict).toBe('clean');
    expect(result.findings.map((f) => [f.ruleId, f.severity])).toEqual([['onnx/model-info', 'info']]);
    expect(result.findings[0]?.message).toContain('external data files: model.data');
    expect(result.findings[0]?.message).not.toContain('not beside the model');
  });

  it('says when the external data file is not beside the model', () => {
    const result = scanBytes(fixture('clean/model.onnx'));
    expect(result.verdict).toBe('clean');
    expect(result.findings[0]?.message).toContain('not beside the model: model.data');
  });

  it('finds everything in nested If/Loop bodies, functions and initializers', () => {
    const result = scanBytes(fixture('subgraphs.onnx'));
    expect(result.verdict).toBe('malicious');
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.evidence])).toEqual([
      ['onnx/custom-operator-domain', 'medium', 'evil.ops: Scramble'],
      ['onnx/custom-operator-domain', 'low', 'com.microsoft: FastGelu'],
      ['onnx/external-data-path', 'high', '../secrets/key.bin'],
      ['onnx/model-info', 'info', 'ai.onnx 17, com.microsoft 1, evil.ops 1, local.fn 1'],
    ]);
    // The call to the model-local function local.fn.Twice is not a custom operator.
    expect(result.findings[0]?.message).toContain('node "inner_if" attribute else_branch "deep_else"');
    expect(result.findings[3]?.message).toContain('10 nodes in 6 graph(s), subgraphs 2 deep; functions: local.fn.Twice');
    expect(result.findings[3]?.message).toContain('metadata: author=fixture, license=Apache-2.0');
  });

  it('reads the main graph in detail: nodes, located initializers, inputs and outputs', () => {
    const { model, error } = parseOnnx(new BufferSource(fixture('clean/model.onnx')));
    expect(error).toBeUndefined();
    expect(model.graph?.nodes.map((n) => [n.opType, n.inputs, n.outputs])).toEqual([
      ['MatMul', ['x', 'W'], ['h']],
      ['Add', ['h', 'B'], ['y']],
    ]);
    expect(model.graph?.initializers.map((t) => [t.name, t.external])).toEqual([
      ['W', true],
      ['B', true],
    ]);
    expect(model.graph?.inputs).toEqual([{ name: 'x', elemType: 1, dims: [1, 4] }]);
    expect(model.graph?.outputs).toEqual([{ name: 'y', elemType: 1, dims: [1, 3] }]);
  });
});
