import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { parsePickleStream } from '../../formats/pickle/parse.js';
import type { ScanContext } from '../context.js';
import { scanPickle, type PickleScanOptions } from './pickle.js';

/**
 * Scans bytes a loader is known to unpickle (an npy object array's data, a `.pkl` member of a
 * checkpoint). `scanPickle` stays silent on bytes that do not look like a pickle at all, which
 * is right for content of unknown kind but not here: pickle.load fails on them, so the file is
 * damaged, and that is a fatal finding with the code of the first break (TRUNCATED for no
 * bytes at all), never a quiet `clean`.
 */
export function scanUnpickled(source: ByteSource, ctx: ScanContext, what: string, options: PickleScanOptions = {}): string | undefined {
  const format = scanPickle(source, ctx, options);
  if (format !== undefined) return format;
  const first = source.size === 0 ? undefined : parsePickleStream(new ByteReader(source), { limits: ctx.limits });
  const error = first?.error ?? new ModelgateError('TRUNCATED', 'no pickle data at all', { offset: 0 });
  ctx.fatal(error, `${what} is not a pickle that loads`);
  return undefined;
}
