import type { ByteSource } from '../core/byte-source.js';
import { ModelgateError } from '../core/errors.js';
import { MALFORMED_CONTAINER } from '../detectors/container/index.js';
import { installDispatch, type ScanContext } from './context.js';
import { scanText } from './handlers/text.js';
import { FORMATS } from './registry.js';
import { classifyOther, sniff } from './sniff.js';

/** Bytes looked at to decide a format. */
const HEAD_BYTES = 512;

/**
 * Scans content of any format: sniffs its bytes, walks the format registry in order, hands the
 * content to the first format that takes it (whose handler recurses into members through
 * `ctx.scan`), and returns the format name for the report. Never throws for bad input: breaks
 * become fatal findings.
 */
export function dispatch(source: ByteSource, ctx: ScanContext): string {
  if (ctx.depth > ctx.limits.maxNestingDepth) {
    ctx.report(MALFORMED_CONTAINER, {
      message: `nested more than ${ctx.limits.maxNestingDepth} levels deep; not read further`,
      fatal: true,
      code: 'LIMIT_DEPTH',
    });
    return 'nested';
  }
  const head = source.read(0, HEAD_BYTES);
  const kind = sniff(head, source.size);
  let weakFailure: ModelgateError | undefined;
  try {
    for (const format of FORMATS) {
      const r = format.recognise;
      if (r.by === 'magic') {
        if (r.magic === kind) return format.scan(source, ctx) ?? kind;
      } else if (r.by === 'weak') {
        if (r.magic !== kind) continue;
        // Two- and three-byte magics also begin ordinary pickles: when the bytes do not
        // decompress, read them as whatever else they may be.
        try {
          const found = format.scan(source, ctx);
          if (found !== undefined) return found;
        } catch (e) {
          if (!(e instanceof ModelgateError && e.code === 'MALFORMED')) throw e;
          weakFailure = e;
        }
      } else if (r.test(source, ctx, head)) {
        const found = format.scan(source, ctx);
        if (found !== undefined) return found;
      }
    }
    // Nothing else fits: the bytes were a broken compressed stream after all.
    if (weakFailure) throw weakFailure;
    return scanText(source, ctx, classifyOther(head));
  } catch (e) {
    ctx.fatal(e, `${kind} content could not be read`);
    return kind;
  }
}

installDispatch(dispatch);
