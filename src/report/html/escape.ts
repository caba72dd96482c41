import { printable } from '../text.js';

/**
 * A piece of markup that is already safe to put in the page: made only by {@link html} (which
 * escapes every value it is given) or by {@link trusted} for the few constant strings written
 * in this module's source. Report text never becomes one without passing through
 * {@link escapeHtml}.
 */
export class SafeHtml {
  /** Wraps markup; use {@link html} or {@link trusted} instead of calling this. */
  constructor(readonly markup: string) {}

  /** The markup itself. */
  toString(): string {
    return this.markup;
  }
}

/** What an {@link html} template accepts: text to escape, markup, lists of both, or nothing. */
export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * `text` as HTML text that shows exactly those characters and can be put in an element or in a
 * quoted attribute value. Every value in the report (paths, messages, evidence, repo names)
 * comes from the scanned files, so each is treated as hostile: `& < > " '` become entities,
 * and control and bidirectional-override characters are shown as `\xNN`/`\uNNNN` escapes (a
 * right-to-left override could make `gnp.exe` read as `exe.png`; CVE-2021-42574).
 */
export function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/**
 * Like {@link escapeHtml}, but line feeds stay line feeds, for multi-line evidence shown in a
 * `<pre>` block. Every other control character is still shown escaped.
 */
export function escapeHtmlLines(text: string): SafeHtml {
  return new SafeHtml(text.split('\n').map(escapeHtml).join('\n'));
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.markup;
  if (typeof value === 'number') return escapeHtml(String(value));
  if (typeof value === 'string') return escapeHtml(value);
  return value.map(render).join('');
}

/**
 * Tagged template for markup: the literal parts are written as they are, and every
 * interpolated value is escaped unless it is already {@link SafeHtml}. Lists are joined, and
 * `null`, `undefined` and `false` write nothing, so `${cond && html`...`}` works.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Constant markup written in this module's source (never report text). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
