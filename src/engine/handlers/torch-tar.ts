import type { ByteSource } from '../../core/byte-source.js';
import { TRAILING_DATA } from '../../detectors/container/index.js';
import { PICKLE_RULES } from '../../detectors/pickle/index.js';
import type { PickleStream } from '../../formats/pickle/model.js';
import { TorchTarMemberReader } from '../../formats/torch/tar.js';
import type { ScanContext } from '../context.js';
import { scanNestedArguments } from './pickle.js';

// The tar format is read in src/formats/torch/tar.ts; this judges what it read.
export { TORCH_TAR_MEMBERS, tarPersistentLoad } from '../../formats/torch/tar.js';

/**
 * Scans one member of a torch tar checkpoint the way legacy_load reads it: every pickle torch
 * unpickles is judged, raw storage and tensor bytes are skipped by their declared sizes, and
 * what follows is read on as pickles. Returns false, reporting nothing, when the member does
 * not begin with a pickle (torch fails at once there; the caller scans it as plain content).
 */
export function scanTorchTarMember(member: string, source: ByteSource, ctx: ScanContext): boolean {
  const walk = new TorchTarMemberReader(member, source, ctx.limits);
  try {
    walk.read();
  } catch (e) {
    ctx.fatal(e, `torch tar member ${member}`);
  }
  const { trailing } = walk;
  if (trailing)
    ctx.report(TRAILING_DATA, { message: `${trailing.bytes} bytes after what torch reads do not parse as a pickle`, location: { offset: trailing.offset } });
  // A first stream that breaks at once, without PROTO or any activity, is not a pickle; the
  // walk reports nothing before its first stream has parsed.
  if (!walk.beginsWithPickle) return false;
  judge(walk.streams, source, ctx);
  return true;
}

function judge(streams: PickleStream[], source: ByteSource, ctx: ScanContext): void {
  ctx.observer?.pickleStreams(ctx.target, source, streams);
  for (const s of streams) {
    ctx.runRules(PICKLE_RULES, s);
    scanNestedArguments(s, ctx);
  }
}
