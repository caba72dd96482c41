import unhomoglyph from 'unhomoglyph';

/**
 * Confusable skeletons, Unicode Technical Standard #39 (Unicode Security Mechanisms), section 4
 * "Confusable Detection": skeleton(X) = NFD(map every character of NFD(X) through
 * confusables.txt). Two strings are confusable when their skeletons are equal.
 *
 * The mapping table is `unhomoglyph`'s copy of confusables.txt. It maps `I`, `1`, `|` and
 * `ǀ` to `l`, `0` to `O`, `m` to `rn`, and Cyrillic and Greek look-alikes to Latin, so
 * `meta-Ilama` and `meta-llama` share the skeleton `rneta-llarna`. TR39 skeletons are not
 * case folded (`O` and `o` differ), so the fold below lower-cases after mapping: lower-casing
 * first would turn `I` into `i` and lose the `I`/`l` confusion that matters most here.
 */
export function skeleton(text: string): string {
  return unhomoglyph(text.normalize('NFD')).normalize('NFD');
}

/** Separators the Hub allows inside names; `meta-llama`, `meta_llama` and `metallama` read alike. */
const SEPARATORS = /[-_.]/g;

/** Lower case without separators: what a reader compares when skimming a name. */
export function plainFold(text: string): string {
  return text.toLowerCase().replace(SEPARATORS, '');
}

/** The skeleton, lower-cased, without separators: equal for names a reader cannot tell apart. */
export function skeletonFold(text: string): string {
  return skeleton(text).toLowerCase().replace(SEPARATORS, '');
}

/** True when `text` holds a character outside printable ASCII. */
export function hasNonAscii(text: string): boolean {
  return /[^\x20-\x7e]/.test(text);
}

/** `'I' (U+0049)`: a character a person can check, with its code point. */
export function describeChars(text: string): string {
  if (text === '') return 'nothing';
  const points = [...text].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  return `'${text}' (${points.join(' ')})`;
}
