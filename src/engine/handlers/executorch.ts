import type { ByteSource } from '../../core/byte-source.js';
import { EXECUTORCH_RULES } from '../../detectors/executorch/index.js';
import { parseExecuTorch } from '../../formats/executorch/parse.js';
import { findEocd } from '../../formats/zip/parse.js';
import type { ScanContext } from '../context.js';
import { scanZip } from './zip.js';

export { isExecuTorch } from '../../formats/executorch/parse.js';

/** Scans an ExecuTorch program (`.pte`): runs the ExecuTorch rules over its operators, and a zip appended to it as a zip. Returns 'executorch'. */
export function scanExecuTorch(source: ByteSource, ctx: ScanContext): string {
  const { model, error } = parseExecuTorch(source);
  ctx.runRules(EXECUTORCH_RULES, model);
  if (error) ctx.fatal(error, 'ExecuTorch program could not be read to its end');
  // Segments follow the flatbuffer unread; a zip among or after them is opened by any zip reader.
  if (source.size >= 22 && findEocd(source) !== undefined) scanZip(source, ctx);
  return 'executorch';
}
