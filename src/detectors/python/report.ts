import type { PythonModule, Span } from '../../formats/python/model.js';

/** Longest evidence kept; findings quote code, not whole payloads. */
export const MAX_EVIDENCE = 200;

/** Shortens text for a message or evidence: whitespace collapsed, cut with an ellipsis. */
export function shorten(text: string, max = MAX_EVIDENCE): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The source text of a span, shortened for evidence. */
export function snippet(model: PythonModule, span: Span, max = MAX_EVIDENCE): string {
  return shorten(model.text.slice(span.at, Math.min(span.end, span.at + max * 4)), max);
}

/** Where a span starts: the report location and `line L, column C` for the message. */
export function place(model: PythonModule, span: Span): { location: { offset: number }; where: string } {
  const pos = model.locate(span.at);
  return { location: { offset: pos.offset }, where: pos.where };
}

/** How a callee was reached, for messages: ` (reached through getattr, alias e)`. */
export function reachedThrough(r: { via: string[]; alias?: string } | undefined): string {
  if (!r) return '';
  const parts = [...r.via, ...(r.alias ? [`alias ${r.alias}`] : [])];
  return parts.length > 0 ? ` (reached through ${[...new Set(parts)].join(', ')})` : '';
}
