import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { hdf5Ready, scanHdf5 } from '../../../src/engine/handlers/keras.js';
import { context, fixture, summary } from './helpers.js';

// Its own file: vitest gives each test file fresh modules, where nothing loaded libhdf5 yet.
describe('scanHdf5 with no initHdf5() call', () => {
  it('loads the library on first use and answers synchronously', () => {
    expect(hdf5Ready()).toBe(false);
    const { ctx, findings } = context('x.h5');
    expect(scanHdf5(new BufferSource(readFileSync(fixture('keras2_lambda_os.h5'))), ctx)).toBe('keras-h5');
    expect(summary(findings)).toEqual(['keras/lambda-layer critical']);
    expect(hdf5Ready()).toBe(true);
  });
});
