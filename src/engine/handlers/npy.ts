import { ByteReader } from '../../core/byte-reader.js';
import { SliceSource, type ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { TRAILING_DATA } from '../../detectors/container/index.js';
import { parseNpyHeader } from '../../formats/numpy/parse.js';
import type { ScanContext } from '../context.js';
import { scanPickle } from './pickle.js';
import { scanUnpickled } from './unpickled.js';

/**
 * Scans a `.npy` file (numpy/lib/format.py): an object dtype means the data is a pickle,
 * which `np.load(allow_pickle=True)` unpickles; otherwise the data is raw and must fit.
 */
export function scanNpy(source: ByteSource, ctx: ScanContext): string {
  const reader = new ByteReader(source);
  const header = parseNpyHeader(reader);
  const data = new SliceSource(source, reader.pos, source.size - reader.pos);
  if (header.hasObject) {
    // np.load(allow_pickle=True) unpickles the data: missing or broken, the file is damaged.
    scanUnpickled(data, ctx, 'object array data');
    return 'npy';
  }
  const expected = header.count * header.itemSize;
  if (expected > data.size) {
    throw new ModelgateError('TRUNCATED', `array data needs ${expected} bytes, ${data.size} present`, { offset: reader.pos });
  }
  if (expected < data.size) {
    const rest = new SliceSource(source, reader.pos + expected, data.size - expected);
    if (!scanPickle(rest, ctx.member(`<trailing@${reader.pos + expected}>`))) {
      ctx.report(TRAILING_DATA, { message: `${data.size - expected} bytes follow the array data`, location: { offset: reader.pos + expected } });
    }
  }
  return 'npy';
}
