import { SliceSource, type ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { ScanContext } from '../context.js';
import { reportFatal, scanContent } from '../content.js';
import { parseTarHeaders } from '../../formats/tar/parse.js';

/**
 * Scans a tar archive (the torch tar format's sys_info/pickle/storages/tensors members, or any
 * tarball of model files): each regular member is scanned in place, never copied.
 */
export function scanTar(source: ByteSource, ctx: ScanContext): string {
  const { entries, error } = parseTarHeaders(source, ctx.limits);
  const names = new Set<string>();
  for (const entry of entries) {
    if (entry.type !== 'file') continue;
    names.add(entry.name);
    scanContent(new SliceSource(source, entry.dataOffset, entry.size), ctx.member(entry.name));
  }
  if (error) reportFatal(ctx, error instanceof ModelgateError ? error : new ModelgateError('MALFORMED', String(error)), 'tar archive');
  return names.has('pickle') && names.has('storages') ? 'pytorch-tar' : 'tar';
}
