import { BufferSource } from '../../core/byte-source.js';
import { MALFORMED_CONTAINER } from '../../detectors/container/index.js';
import { INERT_MEDIA_AND_DATA_FORMATS } from '../../formats/inert/names.js';
import type { ScanContext } from '../context.js';
import { sniff } from '../sniff.js';

/** Smallest embedded blob worth a look: a pickle that imports anything is longer. */
export const MIN_EMBEDDED = 16;

/**
 * Scans bytes found inside a value (a call argument) when they begin like a model format:
 * nested pickles handed to `pickle.loads`, zips handed to `torch.load`, and the like.
 */
export function scanNestedBytes(bytes: Buffer, offset: number | undefined, ctx: ScanContext, loaded = false): void {
  const member = ctx.member(`<embedded${offset === undefined ? '' : '@' + offset}>`);
  if (loaded) {
    // A loader will read these bytes as a model: they must be one modelgate can read.
    const format = member.scan(new BufferSource(bytes));
    if (['other', 'text', 'json', 'empty', ...INERT_MEDIA_AND_DATA_FORMATS].includes(format)) {
      member.report(MALFORMED_CONTAINER, {
        message: `bytes handed to a loader are not a model format modelgate reads (${format})`,
        fatal: true,
        code: 'UNSUPPORTED',
      });
    }
    return;
  }
  if (bytes.length < MIN_EMBEDDED) return;
  const kind = sniff(bytes.subarray(0, 512), bytes.length);
  if (kind === 'unknown') return;
  member.scan(new BufferSource(bytes));
}
