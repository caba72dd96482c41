import { NESTED_PAYLOAD } from '../../detectors/container/index.js';
import type { ScanContext } from '../context.js';
import { modelKind, NOT_MODELS, scanMember } from './python.js';

/** Shortest string read as a pickle's own text: one that imports anything is longer. */
const MIN_TEXT_CHARS = 16;
/** Shortest string read as encoded bytes (shorter runs are words, ids and hashes). */
const MIN_ENCODED_CHARS = 24;
/** Strings looked at in one document: a tokenizer.json holds hundreds of thousands of short ones. */
const MAX_STRINGS = 1_000_000;
/** Payloads scanned in one document, each a member of its own. */
const MAX_PAYLOADS = 256;

const BASE64_TEXT = /^[A-Za-z0-9+/_-]+={0,2}$/;
const HEX_TEXT = /^(?:[0-9a-fA-F]{2})+$/;
/** RFC 2397: `data:[<mediatype>][;base64],<data>`. */
const DATA_URI = /^data:[^,]{0,200}?(;base64)?,/;

/** The bytes a string value may carry: a data URI's, base64's or hex's decoding, or its own text. */
function carried(value: string): Array<{ bytes: Buffer; how: string }> {
  const out: Array<{ bytes: Buffer; how: string }> = [];
  const uri = DATA_URI.exec(value);
  if (uri) {
    const body = value.slice(uri[0].length);
    out.push({ bytes: uri[1] ? Buffer.from(body, 'base64') : Buffer.from(decodeURIComponent(body), 'latin1'), how: 'a data: URI' });
    return out;
  }
  // A protocol-0 pickle is text: its own characters, as Latin-1 (pickle.loads(s.encode('latin1'))).
  if (value.endsWith('.') && !/[^\x00-\xff]/.test(value)) out.push({ bytes: Buffer.from(value, 'latin1'), how: 'its text' });
  if (value.length < MIN_ENCODED_CHARS) return out;
  const compact = value.replace(/\s+/g, '');
  if (HEX_TEXT.test(compact)) out.push({ bytes: Buffer.from(compact, 'hex'), how: 'hex' });
  else if (BASE64_TEXT.test(compact)) out.push({ bytes: Buffer.from(compact, 'base64'), how: 'base64' });
  return out;
}

/** A JSONPath-like name of a value: `$.a.b[0]`. */
function childPath(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : /^[A-Za-z_][\w-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Scans model bytes a JSON document carries in its string values (base64, hex, data: URIs, a
 * protocol-0 pickle as text), as Python literals are scanned: code that reads the config and
 * decodes the value (pickle.loads(b64decode(cfg[...])), np.load of an object array) runs what
 * they hold. Each payload is a member named by its path (`config.json!/$.state`); a value that
 * is no model is left alone, and a break in one is kept as info (JSON itself only holds text).
 */
export function scanJsonValues(doc: unknown, ctx: ScanContext): void {
  const stack: Array<{ value: unknown; path: string }> = [{ value: doc, path: '$' }];
  let strings = 0;
  let payloads = 0;
  while (stack.length > 0 && strings < MAX_STRINGS && payloads < MAX_PAYLOADS) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      strings++;
      if (value.length < MIN_TEXT_CHARS) continue;
      for (const { bytes, how } of carried(value)) {
        const kind = modelKind(bytes);
        // Plain text is only ever a protocol 0 pickle.
        if (!kind || (how === 'its text' && kind !== 'pickle0')) continue;
        payloads++;
        const { format, acts } = scanMember(bytes, kind, ctx, path, false);
        if (format === undefined || NOT_MODELS.has(format.split('-')[0]!) || !acts) continue;
        ctx.report(NESTED_PAYLOAD, {
          message: `the string at ${path} holds ${format} data (${bytes.length} bytes, as ${how}); scanned as ${ctx.target}!/${path}`,
        });
      }
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: childPath(path, i) });
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value).reverse()) stack.push({ value: v, path: childPath(path, k) });
    }
  }
}
