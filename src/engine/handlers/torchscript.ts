import type { ByteSource } from '../../core/byte-source.js';
import { isModelgateError } from '../../core/errors.js';
import { MALFORMED_CONTAINER } from '../../detectors/container/index.js';
import { TORCHSCRIPT_RULES } from '../../detectors/torchscript/index.js';
import { MAX_PYTHON_SOURCE_BYTES, parsePython } from '../../formats/python/parse.js';
import { decodeSource, plainLocator } from '../../formats/python/source.js';
import type { ScanContext } from '../context.js';
import { readyToAnalyse } from './python.js';

/**
 * Checks one `code/…/*.py` member of a TorchScript archive with the torchscript rules. The
 * tree-sitter Python parser reads it (TorchScript is a Python subset); nothing is compiled or
 * run. A source too large to read whole fails closed, since the loader compiles all of it.
 */
export function scanTorchScriptCode(source: ByteSource, ctx: ScanContext): void {
  if (!readyToAnalyse(ctx, 'TorchScript code')) return;
  const limit = Math.min(MAX_PYTHON_SOURCE_BYTES, ctx.limits.maxMemberBytes);
  if (source.size > limit) {
    ctx.report(MALFORMED_CONTAINER, {
      message: `TorchScript code of ${source.size} bytes is over the ${limit}-byte limit; not analysed`,
      fatal: true,
      code: 'LIMIT_MEMBER_BYTES',
    });
    return;
  }
  const decoded = decodeSource(source.read(0, source.size));
  try {
    const module = parsePython(decoded.text, { locate: plainLocator(decoded) });
    for (const rule of TORCHSCRIPT_RULES) rule.check(module, { report: (r) => ctx.report(rule.meta, r) });
  } catch (e) {
    ctx.report(MALFORMED_CONTAINER, {
      message: `TorchScript code could not be parsed: ${e instanceof Error ? e.message : String(e)}`,
      fatal: true,
      code: isModelgateError(e, 'UNSUPPORTED') ? 'UNSUPPORTED' : 'MALFORMED',
    });
  }
}
