import { BufferSource, type ByteSource } from '../../core/byte-source.js';
import { readSevenZip } from '../../formats/sevenzip/parse.js';
import type { ScanContext } from '../context.js';

/**
 * Scans a 7z archive: every member is decoded (Copy, LZMA, LZMA2, BCJ x86) and scanned by its
 * bytes. Loaders such as torch.load refuse 7z, but the nullifAI bypass ships pickles in 7z
 * precisely because scanners skipped it; an archive that cannot be decoded is an error.
 */
export function scanSevenZip(source: ByteSource, ctx: ScanContext): string {
  const archive = readSevenZip(source, ctx.limits);
  for (const e of archive.errors) ctx.fatal(e, '7z archive');
  for (const entry of archive.entries) {
    if (entry.isDir) continue;
    const mctx = ctx.member(entry.name);
    if (entry.error) {
      mctx.fatal(entry.error, '7z member could not be decoded');
      continue;
    }
    if (entry.data) {
      ctx.chargeDecompressed(entry.data.length, source.size);
      mctx.scan(new BufferSource(entry.data));
    }
  }
  return '7z';
}
