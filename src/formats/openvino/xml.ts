import { ModelgateError } from '../../core/errors.js';

/** Elements one XML document may have; a large IR has tens of thousands of layers and edges. */
export const MAX_XML_ELEMENTS = 2_000_000;

/** Elements nested in each other; an IR nests about six deep (net > body > layers > layer > data). */
export const MAX_XML_DEPTH = 64;

/** One start tag: its name, attributes, the path of its ancestors' names and its offset. */
export interface XmlElement {
  name: string;
  attrs: Map<string, string>;
  /** Names of the open ancestors, outermost first. */
  path: readonly string[];
  offset: number;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references (XML 1.0 §4.6, §4.1). */
function decode(value: string, offset: number): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (_m, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Math.min(0x10ffff, parseInt(ref.slice(2), 16)));
    if (ref.startsWith('#')) return String.fromCodePoint(Math.min(0x10ffff, parseInt(ref.slice(1), 10)));
    const known = ENTITIES[ref];
    if (known === undefined) throw new ModelgateError('MALFORMED', `XML entity &${ref}; is not defined`, { offset });
    return known;
  });
}

const ATTR = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/y;

/**
 * Walks the elements of an XML document (the subset model files use: elements, attributes,
 * text, comments, processing instructions, CDATA and a DOCTYPE without an internal subset) and
 * calls `each` per start tag. Bounded by MAX_XML_ELEMENTS and MAX_XML_DEPTH; a tag that does
 * not close, a mismatched end tag or an undefined entity is MALFORMED. Entities are never
 * expanded from a DTD (pugixml, OpenVINO's parser, does not read DTDs either).
 */
export function walkXml(text: string, each: (e: XmlElement) => void): { root?: string } {
  const stack: string[] = [];
  let root: string | undefined;
  let count = 0;
  let i = 0;
  const skipTo = (end: string, from: number, what: string): number => {
    const at = text.indexOf(end, from);
    if (at < 0) throw new ModelgateError('MALFORMED', `${what} at ${from} does not end`, { offset: from });
    return at + end.length;
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) i = skipTo('-->', lt, 'comment');
    else if (text.startsWith('<?', lt)) i = skipTo('?>', lt, 'processing instruction');
    else if (text.startsWith('<![CDATA[', lt)) i = skipTo(']]>', lt, 'CDATA section');
    else if (text.startsWith('<!', lt)) {
      if (root !== undefined) throw new ModelgateError('MALFORMED', 'markup declaration inside the root element', { offset: lt });
      const end = skipTo('>', lt, 'declaration');
      if (text.slice(lt, end).includes('[')) throw new ModelgateError('UNSUPPORTED', 'a DOCTYPE with an internal subset is not read', { offset: lt });
      i = end;
    } else if (text[lt + 1] === '/') {
      const end = skipTo('>', lt, 'end tag');
      const name = text.slice(lt + 2, end - 1).trim();
      const open = stack.pop();
      if (open !== name) throw new ModelgateError('MALFORMED', `end tag </${name}> closes <${open ?? ''}>`, { offset: lt });
      i = end;
    } else {
      const nameMatch = /^<([^\s/>]+)/.exec(text.slice(lt, lt + 256));
      if (!nameMatch) throw new ModelgateError('MALFORMED', 'a "<" that starts no tag', { offset: lt });
      const name = nameMatch[1]!;
      if (stack.length === 0 && root !== undefined) throw new ModelgateError('MALFORMED', `a second root element <${name}>`, { offset: lt });
      root ??= name;
      const attrs = new Map<string, string>();
      let p = lt + nameMatch[0].length;
      for (;;) {
        while (p < text.length && /\s/.test(text[p]!)) p++;
        if (p >= text.length) throw new ModelgateError('MALFORMED', `tag <${name}> does not end`, { offset: lt });
        if (text[p] === '>' || text.startsWith('/>', p)) break;
        ATTR.lastIndex = p;
        const m = ATTR.exec(text);
        if (!m) throw new ModelgateError('MALFORMED', `bad attribute in <${name}>`, { offset: p });
        if (attrs.has(m[1]!)) throw new ModelgateError('MALFORMED', `attribute ${m[1]} repeated in <${name}>`, { offset: p });
        attrs.set(m[1]!, decode(m[3] ?? m[4] ?? '', p));
        p = ATTR.lastIndex;
      }
      if (++count > MAX_XML_ELEMENTS) throw new ModelgateError('LIMIT_ENTRIES', `more than ${MAX_XML_ELEMENTS} XML elements`, { offset: lt });
      each({ name, attrs, path: [...stack], offset: lt });
      if (text[p] === '>') {
        stack.push(name);
        if (stack.length > MAX_XML_DEPTH) throw new ModelgateError('LIMIT_DEPTH', `XML elements nested more than ${MAX_XML_DEPTH} deep`, { offset: lt });
        i = p + 1;
      } else {
        i = p + 2;
      }
    }
  }
  if (stack.length > 0) throw new ModelgateError('TRUNCATED', `XML ends inside <${stack[stack.length - 1]}>`, { offset: text.length });
  if (root === undefined) throw new ModelgateError('MALFORMED', 'no XML root element');
  return { root };
}
