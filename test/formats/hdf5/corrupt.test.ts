import { readdirSync, readFileSync, statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { verdictOf } from '../../../src/core/finding.js';
import { initHdf5, scanHdf5 } from '../../../src/engine/handlers/keras.js';
import { hdf5Timeout } from '../../../src/formats/hdf5/reader.js';
import { privateTempDir } from '../../../src/formats/hdf5/temp-dir.js';
import { FileSource } from '../../../src/sources/local/file-source.js';
import { context, fixture, summary } from '../keras/helpers.js';

beforeAll(() => initHdf5());

function scanFile(name: string) {
  const { ctx, findings } = context(name);
  const source = new FileSource(fixture(name));
  try {
    return { format: scanHdf5(source, ctx), findings };
  } finally {
    source.close();
  }
}

// The two corrupt files fuzzing found (issue 15): libhdf5 loops forever on the first, and
// aborts on the second. Each must come out an error at the default time bound (hdf5Timeout,
// a few seconds: it used to be 20 s a file), and the next real file must still be read.
describe('corrupt HDF5 at the default time bound', () => {
  it.each(['loops-forever.h5', 'frees-garbage.h5'])('reads %s as an error, then a real file', (name) => {
    const { format, findings } = scanFile(name);
    expect(format).toBe('hdf5');
    expect(verdictOf(findings)).toBe('error');
    expect(summary(findings)).toEqual(['container/malformed low fatal MALFORMED']);
    expect(summary(scanFile('keras2_lambda_os.h5').findings)).toEqual(['keras/lambda-layer critical']);
  });

  it('reads the looping file copied out of an archive as an error, leaving nothing in the private folder', () => {
    const { ctx, findings } = context('m.keras!/model.weights.h5');
    expect(scanHdf5(new BufferSource(readFileSync(fixture('loops-forever.h5'))), ctx)).toBe('hdf5');
    expect(summary(findings)).toEqual(['container/malformed low fatal MALFORMED']);
    expect(readdirSync(privateTempDir())).toEqual([]);
  });

  it('gives real files far more time than they take, and no file more than 20 s', () => {
    // Real files are read in milliseconds (reader.ts); the bound grows with size for slow disks.
    expect(hdf5Timeout(14_000)).toBe(3_000);
    expect(hdf5Timeout(2 ** 30)).toBe(4_000);
    expect(hdf5Timeout(2 ** 40)).toBe(20_000);
  });
});

describe('the private temporary folder', () => {
  it('is one folder of this process, mode 700, named for its pid', () => {
    const dir = privateTempDir();
    expect(dir).toMatch(new RegExp(`/modelgate-${process.pid}-[0-9a-f]{12}$`));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(privateTempDir()).toBe(dir);
  });
});
