import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { proto } from '../../../src/formats/protobuf/writer.js';
import { flexStrings, tfliteModel } from '../../../src/formats/tflite/builder.js';
import { buildZip } from '../../../src/formats/zip/builder.js';
import { parseTflite } from '../../../src/formats/tflite/parse.js';
import { scanBytes } from '../../helpers/scan-bytes.js';

const fixture = (name: string): Buffer => readFileSync(`test/fixtures/tflite/${name}`);
const parse = (bytes: Buffer) => parseTflite(new BufferSource(bytes));

describe('parseTflite on files TensorFlow wrote (test/fixtures/tflite/make_fixtures.py)', () => {
  it('reads a builtin-only model', () => {
    const { model, error } = parse(fixture('dense.tflite'));
    expect(error).toBeUndefined();
    expect(model.version).toBe(3);
    expect(model.subgraphs).toEqual([{ name: 'main', tensors: 4, operators: 1 }]);
    expect(model.opcodes.map((c) => c.custom)).toEqual([undefined]);
    expect(model.metadata).toContain('min_runtime_version');
  });

  it('reads the TensorFlow op of a Flex op from its NodeDef', () => {
    const { model, error } = parse(fixture('flex-readfile.tflite'));
    expect(error).toBeUndefined();
    expect(model.opcodes[0]).toMatchObject({ builtin: 32, custom: 'FlexReadFile', flexOps: ['ReadFile'], uses: 1 });
  });

  it('reads a custom op code', () => {
    const { model } = parse(fixture('custom-op.tflite'));
    expect(model.opcodes[0]).toMatchObject({ custom: 'Igamma', uses: 1 });
  });
});

describe('parseTflite on built models', () => {
  it('takes the larger of deprecated_builtin_code and builtin_code', () => {
    const { model, error } = parse(tfliteModel({ codes: [{ builtin: 9, deprecated: true }, { builtin: 150 }], ops: [{ code: 0 }, { code: 1 }] }));
    expect(error).toBeUndefined();
    expect(model.opcodes.map((c) => c.builtin)).toEqual([9, 150]);
  });

  it('reads every name a Flex op carries: the delegate runs the NodeDef, not the code name', () => {
    const nodeDef = proto().string(1, 'n').string(2, 'WriteFile').finish();
    const options = flexStrings([Buffer.from('Add'), nodeDef]);
    const { model, error } = parse(tfliteModel({ codes: [{ custom: 'FlexAdd' }], ops: [{ code: 0, options }] }));
    expect(error).toBeUndefined();
    expect(model.opcodes[0]!.flexOps).toEqual(['Add', 'WriteFile']);
  });

  it('keeps an unreadable Flex option as an error of the op code', () => {
    const { model } = parse(tfliteModel({ codes: [{ custom: 'FlexAdd' }], ops: [{ code: 0, options: Buffer.from([1, 2, 3]) }] }));
    expect(model.opcodes[0]!.flexError).toBeDefined();
  });

  it('fails on an op code index past the op codes', () => {
    const { error } = parse(tfliteModel({ codes: [{ builtin: 1 }], ops: [{ code: 5 }] }));
    expect(error?.code).toBe('MALFORMED');
  });

  it('fails on every truncation of a real model', () => {
    const bytes = fixture('flex-readfile.tflite');
    for (let n = 8; n < bytes.length; n += 7) {
      const { model, error } = parse(bytes.subarray(0, n));
      // A cut file either fails or, where the cut falls in trailing buffers, still has its ops.
      if (!error) expect(model.opcodes.length).toBeGreaterThan(0);
    }
  });

  it('fails on a vtable or offset outside the buffer', () => {
    const bytes = Buffer.from(tfliteModel({ codes: [{ builtin: 1 }], ops: [{ code: 0 }] }));
    bytes.writeUInt32LE(0x7fffffff, 0);
    expect(parse(bytes).error?.code).toBe('MALFORMED');
  });
});

describe('TFLite through the engine', () => {
  it('names the format and keeps a builtin model clean', async () => {
    const result = await scanBytes(fixture('dense.tflite'));
    expect(result.format).toBe('tflite');
    expect(result.verdict).toBe('clean');
  });

  it('grades a Flex ReadFile op as a file read', async () => {
    const result = await scanBytes(fixture('flex-readfile.tflite'));
    expect(result.format).toBe('tflite');
    expect(result.findings.find((f) => f.ruleId === 'tflite/custom-op')).toMatchObject({ severity: 'medium' });
    expect(result.verdict).toBe('suspicious');
  });

  it('grades an app custom op medium', async () => {
    const result = await scanBytes(fixture('custom-op.tflite'));
    expect(result.verdict).toBe('suspicious');
  });

  it('reads the zip of associated files metadata appends, as any zip reader would', async () => {
    const labels = { name: 'labels.txt', data: Buffer.from('cat\ndog\n') };
    const clean = await scanBytes(buildZip([labels], { prefix: fixture('dense.tflite') }));
    expect(clean).toMatchObject({ format: 'tflite', verdict: 'clean' });
    const payload = pickle().proto(2).global('os', 'system').shortBinunicode('id').tuple1().reduce().stop().bytes();
    const bad = await scanBytes(buildZip([labels, { name: 'extra.pkl', data: payload }], { prefix: fixture('dense.tflite') }));
    expect(bad.format).toBe('tflite');
    expect(bad.verdict).toBe('malicious');
  });

  it('is an error, never clean, when the flatbuffer breaks', async () => {
    const bytes = Buffer.from(fixture('dense.tflite'));
    bytes.writeUInt32LE(0xfffffff0, 0);
    const result = await scanBytes(bytes);
    expect(result.format).toBe('tflite');
    expect(result.verdict).toBe('error');
  });
});
