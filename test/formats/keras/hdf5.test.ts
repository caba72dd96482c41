import { readFileSync, readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { FileSource } from '../../../src/sources/local/file-source.js';
import { hdf5Ready, initHdf5, scanHdf5 } from '../../../src/engine/handlers/keras.js';
import { privateTempDir } from '../../../src/formats/hdf5/temp-dir.js';
import { context, fixture, summary } from './helpers.js';

beforeAll(() => initHdf5());

/** Files in the process's private temporary folder, where archive members are copied for libhdf5. */
const tempDirs = () => readdirSync(privateTempDir()).length;

const CASES: Array<[string, string, string[]]> = [
  ['legacy_dense.h5', 'keras-h5', []],
  ['legacy_lambda.h5', 'keras-h5', ['keras/lambda-layer high']],
  ['keras2_lambda_os.h5', 'keras-h5', ['keras/lambda-layer critical']],
  ['plain.h5', 'hdf5', []],
  ['weights_only.weights.h5', 'hdf5', []],
  ['bad_config_type.h5', 'keras-h5', ['container/malformed low fatal MALFORMED']],
];

describe('scanHdf5', () => {
  it('is ready after initHdf5', () => {
    expect(hdf5Ready()).toBe(true);
  });

  it.each(CASES)('reads %s from disk as %s', (name, format, expected) => {
    const { ctx, findings } = context(fixture(name));
    const source = new FileSource(fixture(name));
    try {
      expect(scanHdf5(source, ctx)).toBe(format);
    } finally {
      source.close();
    }
    expect(summary(findings)).toEqual(expected);
  });

  it.each(CASES)('reads %s from memory (an archive member) as %s, leaving no temporary file', (name, format, expected) => {
    const before = tempDirs();
    const { ctx, findings } = context(`a.zip!/${name}`);
    expect(scanHdf5(new BufferSource(readFileSync(fixture(name))), ctx)).toBe(format);
    expect(summary(findings)).toEqual(expected);
    expect(tempDirs()).toBe(before);
  });

  it('names what the Keras 2 lambda uses, on the file as target', () => {
    const { ctx, findings } = context('model.h5');
    const source = new FileSource(fixture('keras2_lambda_os.h5'));
    scanHdf5(source, ctx);
    source.close();
    expect(findings[0]!.target).toBe('model.h5');
    expect(findings[0]!.evidence).toContain('model_config.config.layers[1].config.function: names=[__import__, system]');
    expect(findings[0]!.message).toContain('echo modelgate-fixture');
  });

  it('refuses to copy in-memory HDF5 past the member limit', () => {
    const bytes = readFileSync(fixture('legacy_dense.h5'));
    const { ctx, findings } = context('big.h5', { maxMemberBytes: 1000 });
    expect(scanHdf5(new BufferSource(bytes), ctx)).toBe('hdf5');
    expect(summary(findings)).toEqual(['container/malformed low fatal LIMIT_MEMBER_BYTES']);
  });

  it('does not leak descriptors when HDF5 fails', () => {
    const broken = readFileSync(fixture('legacy_dense.h5')).subarray(0, 3000);
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    for (let i = 0; i < 10; i++) scanHdf5(new BufferSource(broken), context('x.h5').ctx);
    expect(fds()).toBeLessThanOrEqual(before + 2);
  });
});
