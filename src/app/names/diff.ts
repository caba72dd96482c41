/**
 * Which characters differ between two names, for a reason a person can check. A Levenshtein
 * alignment over code points (Wagner–Fischer with a back-trace); neighbouring edits are merged
 * into one span, so `rn` against `m` reads as one difference, not two.
 */
export interface Difference {
  /** 1-based character position in the checked name where the span starts. */
  position: number;
  /** The characters of the checked name ('' for a deletion). */
  input: string;
  /** The characters of the known name in their place ('' for an insertion). */
  known: string;
}

/** Names are at most 96 characters (the Hub's limit), so the table stays small; longer input is cut. */
const MAX_CHARS = 128;

/** The differing spans between `input` and `known`, in order. */
export function diffNames(input: string, known: string): Difference[] {
  const a = [...input].slice(0, MAX_CHARS);
  const b = [...known].slice(0, MAX_CHARS);
  const rows = a.length + 1;
  const cols = b.length + 1;
  const cost = new Uint16Array(rows * cols);
  for (let i = 0; i < rows; i++) cost[i * cols] = i;
  for (let j = 0; j < cols; j++) cost[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const same = a[i - 1] === b[j - 1] ? 0 : 1;
      cost[i * cols + j] = Math.min(cost[(i - 1) * cols + j]! + 1, cost[i * cols + j - 1]! + 1, cost[(i - 1) * cols + j - 1]! + same);
    }
  }
  // Walk back from the end, collecting equal (=) and edited (!) steps.
  const steps: Array<{ kind: '=' | '!'; i: number; a: string; b: string }> = [];
  let i = a.length;
  let j = b.length;
  while (i > 0 || j > 0) {
    const here = cost[i * cols + j];
    if (i > 0 && j > 0 && a[i - 1] === b[j - 1] && here === cost[(i - 1) * cols + j - 1]) {
      steps.push({ kind: '=', i: i - 1, a: a[i - 1]!, b: b[j - 1]! });
      i--;
      j--;
    } else if (i > 0 && j > 0 && here === cost[(i - 1) * cols + j - 1]! + 1) {
      steps.push({ kind: '!', i: i - 1, a: a[i - 1]!, b: b[j - 1]! });
      i--;
      j--;
    } else if (i > 0 && here === cost[(i - 1) * cols + j]! + 1) {
      steps.push({ kind: '!', i: i - 1, a: a[i - 1]!, b: '' });
      i--;
    } else {
      // Only reached with j > 0: at j = 0 the step above (a deletion) always matches.
      steps.push({ kind: '!', i, a: '', b: b[j - 1]! });
      j--;
    }
  }
  steps.reverse();
  const spans: Difference[] = [];
  let open: Difference | undefined;
  for (const step of steps) {
    if (step.kind === '=') {
      open = undefined;
      continue;
    }
    if (!open) {
      open = { position: step.i + 1, input: '', known: '' };
      spans.push(open);
    }
    open.input += step.a;
    open.known += step.b;
  }
  return spans;
}

/** True when `a` becomes `b` by swapping one pair of neighbouring characters. */
export function isAdjacentTransposition(a: string, b: string): boolean {
  const x = [...a];
  const y = [...b];
  if (x.length !== y.length || x.length < 2) return false;
  const differing: number[] = [];
  for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) differing.push(k);
  if (differing.length !== 2) return false;
  const p = differing[0]!;
  const q = differing[1]!;
  return q === p + 1 && x[p] === y[q] && x[q] === y[p];
}
