import { type ByteSource, SliceSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { SAFETENSORS_RULES } from '../../detectors/safetensors/index.js';
import { invalidHeader } from '../../detectors/safetensors/invalid-header.js';
import { MAX_NESTED_RANGES } from '../../detectors/safetensors/trailing-data.js';
import { parseSafetensors } from '../../formats/safetensors/parse.js';
import type { ScanContext } from '../context.js';

export { isSafetensors } from '../../formats/safetensors/parse.js';

/**
 * Scans a safetensors file: reads and checks the header only (never the tensor data), runs the
 * safetensors rules, and scans every byte range no tensor claims as a nested file. Returns
 * `safetensors`; a header that cannot be read is a fatal `safetensors/invalid-header` finding.
 */
export function scanSafetensors(source: ByteSource, ctx: ScanContext): string {
  let file;
  try {
    file = parseSafetensors(source);
  } catch (e) {
    const err = e instanceof ModelgateError ? e : new ModelgateError('MALFORMED', String(e), { cause: e });
    ctx.report(invalidHeader.meta, {
      message: `header could not be read: ${err.message}`,
      location: err.offset === undefined ? undefined : { offset: err.offset },
      fatal: true,
      code: err.code,
    });
    return 'safetensors';
  }
  ctx.runRules(SAFETENSORS_RULES, file);
  for (const range of file.unclaimed.slice(0, MAX_NESTED_RANGES)) {
    const name = `<${range.trailing ? 'trailing' : 'gap'}@${range.start}>`;
    ctx.member(name).scan(new SliceSource(source, range.start, range.length));
  }
  return 'safetensors';
}
