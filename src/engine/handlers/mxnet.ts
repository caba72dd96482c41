import type { ByteSource } from '../../core/byte-source.js';
import { MXNET_RULES } from '../../detectors/mxnet/index.js';
import { parseMxnetParams } from '../../formats/mxnet/params.js';
import { parseMxnetSymbol } from '../../formats/mxnet/symbol.js';
import type { ScanContext } from '../context.js';

export { isMxnetParams } from '../../formats/mxnet/params.js';
export { looksLikeMxnetSymbol } from '../../formats/mxnet/symbol.js';

/**
 * Scans an MXNet NDArray list (`.params`): pure data, whose array headers must fit to the
 * end of the file. A list that does not is a fatal finding. Returns 'mxnet-params'.
 */
export function scanMxnetParams(source: ByteSource, ctx: ScanContext): string {
  const { model, error } = parseMxnetParams(source);
  if (error) ctx.fatal(error, `MXNet parameters could not be read to their end (${model.arrays.length} array(s) read)`);
  return 'mxnet-params';
}

/**
 * Scans an MXNet symbol graph (`-symbol.json`): runs the MXNet rules over its nodes. JSON
 * that is not such a graph is left to the text reading (undefined). Returns 'mxnet-symbol'.
 */
export function scanMxnetSymbol(source: ByteSource, ctx: ScanContext): string | undefined {
  const parsed = parseMxnetSymbol(source);
  if (!parsed) return undefined;
  ctx.runRules(MXNET_RULES, parsed.model);
  if (parsed.error) ctx.fatal(parsed.error, 'MXNet symbol could not be read');
  return 'mxnet-symbol';
}
