import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { emptyOpenVinoModel, type OpenVinoModel } from './model.js';
import { walkXml } from './xml.js';

/** Bytes of an IR `.xml` read into memory; real ones are a few megabytes (weights live in `.bin`). */
export const MAX_IR_XML_BYTES = 256 * 1024 * 1024;

/** An XML head whose root element is `<net`: after a BOM, an XML declaration and comments. */
const NET_ROOT = /^(\ufeff|\xef\xbb\xbf)?\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<net[\s>]/;

/** True when the head is XML whose root element is `<net` (an OpenVINO IR). */
export function isOpenVinoXml(head: Buffer): boolean {
  return NET_ROOT.test(head.toString('latin1'));
}

const utf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');

/**
 * Parses an OpenVINO IR `.xml`: the `<net>` root, every `<layer>` wherever it sits (TensorIterator
 * and Loop bodies nest `<body><layers>`) with its type and opset version, and the data ranges of
 * Const layers. Fail closed: XML that does not parse, or a root other than `<net>`, ends the
 * parse with `error`, keeping what was read.
 */
export function parseOpenVino(source: ByteSource): { model: OpenVinoModel; error?: ModelgateError } {
  const model = emptyOpenVinoModel();
  try {
    if (source.size > MAX_IR_XML_BYTES)
      throw new ModelgateError('LIMIT_MEMBER_BYTES', `${source.size} bytes is over the ${MAX_IR_XML_BYTES}-byte limit for an IR .xml`);
    // latin1 keeps one character per byte, so offsets are byte offsets; values are UTF-8 decoded.
    const text = new ByteReader(source).text(source.size, 'latin1');
    const { root } = walkXml(text, (e) => {
      if (e.path.length === 0) {
        if (e.name !== 'net') throw new ModelgateError('MALFORMED', `root element <${e.name}> is not <net>`, { offset: e.offset });
        model.name = utf8(e.attrs.get('name') ?? '');
        const version = Number(e.attrs.get('version'));
        if (Number.isInteger(version)) model.irVersion = version;
      } else if (e.name === 'layer' && e.path[e.path.length - 1] === 'layers') {
        model.layers.push({
          id: utf8(e.attrs.get('id') ?? ''),
          name: utf8(e.attrs.get('name') ?? ''),
          type: utf8(e.attrs.get('type') ?? ''),
          version: utf8(e.attrs.get('version') ?? ''),
          offset: e.offset,
        });
      } else if (e.name === 'data' && e.path[e.path.length - 1] === 'layer') {
        const offset = Number(e.attrs.get('offset'));
        const size = Number(e.attrs.get('size'));
        if (Number.isSafeInteger(offset) && Number.isSafeInteger(size)) model.weightsEnd = Math.max(model.weightsEnd, offset + size);
      }
    });
    if (root !== 'net') throw new ModelgateError('MALFORMED', 'no <net> root element');
    return { model };
  } catch (e) {
    return { model, error: e instanceof ModelgateError ? e : new ModelgateError('MALFORMED', String(e), { cause: e }) };
  }
}
