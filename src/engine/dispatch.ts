import type { ByteSource } from '../core/byte-source.js';
import { ModelgateError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { MALFORMED_CONTAINER } from '../detectors/container/index.js';
import { installDispatch, type ScanContext } from './context.js';
import { mayDecode } from './handlers/compressed.js';
import { scanText } from './handlers/text.js';
import { FORMATS } from './registry.js';
import { classifyOther, sniff, weakMagic } from './sniff.js';

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
  const weak = weakMagic(head);
  let weakFailure: ModelgateError | undefined;
  try {
    for (const format of FORMATS) {
      const r = format.recognise;
      if (r.by === 'magic') {
        if (r.magic !== kind) continue;
        const found = format.scan(source, ctx) ?? kind;
        // Content that a strong magic claims but that also begins like a zlib or lzma stream
        // is read that way too, where it decodes: a loader that goes by those bytes would.
        if (weak !== undefined && weak !== kind && mayDecode(weak, head)) alsoDecode(weak, source, ctx);
        return found;
      } else if (r.by === 'weak') {
        if (r.magic !== weak) continue;
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
    const other = classifyOther(head);
    // Nothing else fits: the bytes were a broken compressed stream after all, unless they are
    // text (`x = 1` passes zlib's two-byte check), which is read as text.
    if (weakFailure && other !== 'text' && other !== 'json') throw weakFailure;
    return scanText(source, ctx, other);
  } catch (e) {
    ctx.fatal(e, `${kind} content could not be read`);
    return kind;
  }
}

/**
 * The second reading of content a strong magic claimed: the weak format's handler in its own
 * findings list, kept only when the bytes really decode (a failure to decode is the expected
 * case and says nothing).
 */
function alsoDecode(weak: 'zlib' | 'lzma', source: ByteSource, ctx: ScanContext): void {
  const format = FORMATS.find((f) => f.recognise.by === 'weak' && f.recognise.magic === weak);
  if (!format) return;
  const found: Finding[] = [];
  try {
    format.scan(source, ctx.withFindings(found));
  } catch {
    return;
  }
  ctx.findings.push(...found);
}

installDispatch(dispatch);
