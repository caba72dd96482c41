import { distance } from 'fastest-levenshtein';
import { type Difference, diffNames, isAdjacentTransposition } from './diff.js';
import { describeChars, hasNonAscii, plainFold, skeletonFold } from './skeleton.js';

/** How a name resembles a known one, strongest first. */
export type SimilarityKind = 'homoglyph' | 'separator' | 'transposition' | 'edit-distance' | 'affix' | 'case';

/** One name compared with one known name. */
export interface Similarity {
  kind: SimilarityKind;
  /** 0..1: how likely a reader takes one name for the other (SCORES). */
  score: number;
  /** Levenshtein distance between the skeleton folds (0 when they are equal). */
  distance: number;
  differences: Difference[];
  /** What differs, in words. */
  explanation: string;
}

/**
 * Scores, documented in docs/rules/repo-typosquat.md. A name a reader cannot tell apart from a
 * known one ranks highest; a small edit lower, as real organisations do have short, similar
 * names. Case alone ranks lowest: a case variant is easy to see, and may even reach the same
 * repo; code should still use the exact name.
 */
export const SCORES = {
  homoglyph: 0.95,
  separator: 0.9,
  transposition: 0.85,
  editDistance1: 0.8,
  editDistance1Short: 0.65,
  affix: 0.75,
  case: 0.7,
  editDistance2: 0.6,
} as const;

/** Shorter folds than these make edits too common to mean anything (`bert`/`best`). */
const MIN_LENGTH_SWAP = 4;
const MIN_LENGTH_EDIT1 = 5;
const MIN_LENGTH_EDIT1_FULL = 6;
const MIN_LENGTH_EDIT2 = 9;

/**
 * Words that organisations add to their name, and squatters add to someone else's:
 * `mistralai`/`mistral`, `meta-llama-official`, `openai-hf`.
 */
export const ORG_AFFIXES = [
  'ai',
  'hf',
  'official',
  'org',
  'inc',
  'team',
  'labs',
  'lab',
  'research',
  'community',
  'corp',
  'io',
  'dev',
  'models',
  'hub',
  'real',
  'the',
  'opensource',
] as const;

const describe = (differences: Difference[]): string =>
  differences
    .slice(0, 4)
    .map((d) => {
      if (d.known === '') return `${describeChars(d.input)} added at position ${d.position}`;
      if (d.input === '') return `${describeChars(d.known)} left out at position ${d.position}`;
      return `${describeChars(d.input)} at position ${d.position} in place of ${describeChars(d.known)}`;
    })
    .join(', ') + (differences.length > 4 ? `, and ${differences.length - 4} more` : '');

function affixOf(longer: string, shorter: string): string | undefined {
  if (shorter.length < MIN_LENGTH_SWAP) return undefined;
  for (const affix of ORG_AFFIXES) {
    if (longer === shorter + affix || longer === affix + shorter) return affix;
  }
  return undefined;
}

/**
 * Compare a checked name with a known name. Undefined when they are equal or not alike.
 * Checks run from the strongest resemblance down; the first that holds decides the kind.
 * `allowAffix` is for organisations, where an added `-ai` or `-official` is a pattern.
 */
export function compareNames(input: string, known: string, options: { allowAffix?: boolean } = {}): Similarity | undefined {
  if (input === known) return undefined;
  const differences = diffNames(input, known);
  const result = (kind: SimilarityKind, score: number, dist: number, explanation: string): Similarity => ({
    kind,
    score,
    distance: dist,
    differences,
    explanation,
  });
  if (input.toLowerCase() === known.toLowerCase()) {
    return result('case', SCORES.case, 0, `differs only in case: ${describe(differences)}`);
  }
  if (plainFold(input) === plainFold(known)) {
    return result(
      'separator',
      SCORES.separator,
      0,
      `differs only in separators (-, _, .)${input.toLowerCase() === input && known.toLowerCase() === known ? '' : ' and case'}: ${describe(differences)}`,
    );
  }
  const a = skeletonFold(input);
  const b = skeletonFold(known);
  const foreign = hasNonAscii(input) ? '; it holds non-ASCII characters, which the Hub does not allow in repo ids' : '';
  if (a === b) {
    return result('homoglyph', SCORES.homoglyph, 0, `looks the same (Unicode TR39 confusable skeleton): ${describe(differences)}${foreign}`);
  }
  // Both folds: a confusable expansion (m → rn) can hide a swap that the plain fold shows.
  const swapped = (
    [
      [a, b],
      [plainFold(input), plainFold(known)],
    ] as const
  ).some(([x, y]) => isAdjacentTransposition(x, y) && Math.min(x.length, y.length) >= MIN_LENGTH_SWAP);
  if (swapped) {
    return result('transposition', SCORES.transposition, 2, `two neighbouring letters swapped: ${describe(differences)}${foreign}`);
  }
  if (options.allowAffix) {
    const added = affixOf(a, b);
    if (added) return result('affix', SCORES.affix, a.length - b.length, `adds '${added}' to the known name${foreign}`);
    const removed = affixOf(b, a);
    if (removed) return result('affix', SCORES.affix, b.length - a.length, `leaves '${removed}' out of the known name${foreign}`);
  }
  const shortest = Math.min(a.length, b.length);
  if (Math.abs(a.length - b.length) > 2 || shortest < MIN_LENGTH_EDIT1) return undefined;
  const dist = Math.min(distance(a, b), distance(plainFold(input), plainFold(known)));
  if (dist === 1) {
    const score = shortest >= MIN_LENGTH_EDIT1_FULL ? SCORES.editDistance1 : SCORES.editDistance1Short;
    return result('edit-distance', score, 1, `one character edit: ${describe(differences)}${foreign}`);
  }
  if (dist === 2 && shortest >= MIN_LENGTH_EDIT2) {
    return result('edit-distance', SCORES.editDistance2, 2, `two character edits: ${describe(differences)}${foreign}`);
  }
  return undefined;
}
