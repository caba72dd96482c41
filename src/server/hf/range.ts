/** One byte range, both ends included (RFC 9110 §14.1.2). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The range a `Range` header asks of a representation of `size` bytes: one range (`a-b`, `a-`
 * or the suffix `-n`), or 'unsatisfiable' (answered 416). Absent, malformed or multi-range
 * headers give undefined, and the whole is served, as RFC 9110 §14.2 lets a server do; so does
 * an empty file, which has no byte to range over.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!m || size === 0) return undefined;
  const [, first = '', last = ''] = m;
  if (first === '') {
    if (last === '') return undefined;
    const suffix = Number(last);
    return suffix === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Number(last);
  if (end < start) return undefined;
  return { start, end: Math.min(end, size - 1) };
}
