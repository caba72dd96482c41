import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { coreMlCustomModel, coreMlLinked, coreMlNetwork, coreMlPipeline, coreMlWeights } from '../../../src/formats/coreml/builder.js';
import { looksLikeCoreMl, parseCoreMl } from '../../../src/formats/coreml/parse.js';
import { isCoreMlWeights, parseCoreMlWeights } from '../../../src/formats/coreml/weights.js';
import { scanBytes } from '../../helpers/scan-bytes.js';

const src = (b: Buffer) => new BufferSource(b);

describe('parseCoreMl', () => {
  it('reads layers, custom layers in loop bodies and pipeline members', () => {
    const net = coreMlNetwork([{ name: 'a' }, { name: 'loop', loopBody: [{ name: 'inner', custom: 'MyLayer' }] }]);
    const { model, error } = parseCoreMl(src(coreMlPipeline([net, coreMlCustomModel('MyModel')])));
    expect(error).toBeUndefined();
    expect(model.specificationVersion).toBe(4);
    expect(model.types).toEqual(['pipeline', 'neuralNetwork', 'customModel']);
    expect(model.layers).toBe(3);
    expect(model.custom.map((c) => [c.kind, c.className, c.where])).toEqual([
      ['layer', 'MyLayer', 'model > pipeline[0] > layer "loop" > layer "inner"'],
      ['model', 'MyModel', 'model > pipeline[1]'],
    ]);
  });

  it('reads linked models', () => {
    const { model } = parseCoreMl(src(coreMlLinked('other.mlmodelc', '$BUNDLE_MAIN')));
    expect(model.links).toMatchObject([{ fileName: 'other.mlmodelc', searchPath: '$BUNDLE_MAIN' }]);
  });

  it('recognises a model by its structure, and not an ONNX model', () => {
    expect(looksLikeCoreMl(src(coreMlNetwork([{ name: 'a' }])), 'x')).toBe(true);
    expect(looksLikeCoreMl(src(Buffer.from([0x08, 0x07, 0x3a, 0x00])), 'x')).toBe(false);
  });

  it('fails on a truncated model and a model without a version', () => {
    const bytes = coreMlNetwork([{ name: 'a' }]);
    expect(parseCoreMl(src(bytes.subarray(0, bytes.length - 3))).error?.code).toBe('TRUNCATED');
    expect(parseCoreMl(src(Buffer.from([0x12, 0x00]))).error?.code).toBe('MALFORMED');
  });
});

describe('Core ML weight files', () => {
  it('walks every blob record', () => {
    const bytes = coreMlWeights([10, 100]);
    expect(isCoreMlWeights(bytes.subarray(0, 512))).toBe(true);
    expect(parseCoreMlWeights(src(bytes))).toBe(2);
  });

  it('fails on bytes after the last blob (an appended zip would hide there)', () => {
    expect(() => parseCoreMlWeights(src(Buffer.concat([coreMlWeights([64]), Buffer.from('PK\x05\x06')])))).toThrow(
      expect.objectContaining({ code: 'MALFORMED' }),
    );
  });

  it('fails when a blob runs past the file', () => {
    const bytes = coreMlWeights([10, 100]);
    expect(() => parseCoreMlWeights(src(bytes.subarray(0, bytes.length - 64)))).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
  });
});

describe('Core ML through the engine', () => {
  it('names a model and keeps a plain network clean', async () => {
    expect(await scanBytes(coreMlNetwork([{ name: 'a' }]))).toMatchObject({ format: 'coreml', verdict: 'clean' });
  });

  it('grades a custom layer suspicious', async () => {
    expect(await scanBytes(coreMlNetwork([{ name: 'a', custom: 'Evil' }]), { name: 'model.mlmodel' })).toMatchObject({
      format: 'coreml',
      verdict: 'suspicious',
    });
  });

  it('is an error, never clean, for a broken .mlmodel', async () => {
    expect(await scanBytes(Buffer.from([0x08, 0x04, 0x12, 0x50]), { name: 'model.mlmodel' })).toMatchObject({ format: 'coreml', verdict: 'error' });
  });

  it('names an .mlpackage weight file and keeps it clean; a cut one is an error', async () => {
    const bytes = coreMlWeights([32, 64]);
    expect(await scanBytes(bytes, { name: 'weight.bin' })).toMatchObject({ format: 'coreml-weights', verdict: 'clean' });
    expect(await scanBytes(bytes.subarray(0, 200), { name: 'weight.bin' })).toMatchObject({ format: 'coreml-weights', verdict: 'error' });
  });
});
