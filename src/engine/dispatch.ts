import type { ByteSource } from '../core/byte-source.js';
import { ModelgateError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { MALFORMED_CONTAINER } from '../detectors/container/index.js';
import { installDispatch, type ScanContext } from './context.js';
import { namedText } from './handlers/names.js';
import { handlers } from './lazy.js';
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
  const read = readByBytes(source, ctx);
  // A file that loaders open by its name as text (a module remote code imports, a chat
  // template, a config) is read that way too when its bytes made it something else: the
  // loader never looks at the magic.
  if (ctx.depth === 0 && namedText(ctx.name) !== undefined) handlers.text().readAsNamed(source, ctx, read);
  return read.format;
}

/** The reading the bytes choose: a registry format, or text when none takes them. */
function readByBytes(source: ByteSource, ctx: ScanContext): { format: string; asText: boolean } {
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
        if (weak !== undefined && weak !== kind && handlers.compressed().mayDecode(weak, head)) alsoDecode(weak, source, ctx);
        return { format: found, asText: false };
      } else if (r.by === 'weak') {
        // A strong magic's own entry reads the content (and tries the weak reading as well).
        if (r.magic !== weak || kind !== weak) continue;
        // Two- and three-byte magics also begin ordinary pickles: when the bytes do not
        // decompress, read them as whatever else they may be.
        try {
          const found = format.scan(source, ctx);
          if (found !== undefined) return { format: found, asText: false };
        } catch (e) {
          if (!(e instanceof ModelgateError && e.code === 'MALFORMED')) throw e;
          weakFailure = e;
        }
      } else if (r.test(source, ctx, head)) {
        const found = format.scan(source, ctx);
        if (found !== undefined) return { format: found, asText: false };
      }
    }
    const other = classifyOther(head);
    // Nothing else fits: the bytes were a broken compressed stream after all, unless they are
    // text (`x = 1` passes zlib's two-byte check), which is read as text.
    if (weakFailure && other !== 'text' && other !== 'json') throw weakFailure;
    return { format: handlers.text().scanText(source, ctx, other), asText: true };
  } catch (e) {
    ctx.fatal(e, `${kind} content could not be read`);
    return { format: kind, asText: false };
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
