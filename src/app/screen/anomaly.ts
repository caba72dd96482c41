/** Consistency constant that makes the MAD estimate σ for normal data (Hampel 1974). */
export const MAD_CONSTANT = 1.4826;

/** Anomaly index above which a small norm is an outlier (Wang et al. 2019, §4: 2, i.e. > 95%). */
export const ANOMALY_THRESHOLD = 2;

function median(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  // No values: no median, and no label stands out against it.
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per-label anomaly indices of the mask norms, and which labels are small-side outliers. */
export interface Anomaly {
  median: number;
  /** 1.4826 × the median absolute deviation. */
  mad: number;
  /** |norm − median| / mad, per label. */
  indices: number[];
  /** Labels whose norm is below the median with an index above the threshold, most anomalous first. */
  flagged: number[];
}

/**
 * The MAD outlier test of Neural Cleanse: a label whose reverse-engineered trigger is much
 * smaller than the others' is a suspected backdoor target. Only the small side counts, since
 * a backdoor makes a target easier to reach, never harder.
 */
export function anomalyOf(norms: readonly number[], threshold = ANOMALY_THRESHOLD): Anomaly {
  const mid = median(norms);
  const mad = MAD_CONSTANT * median(norms.map((n) => Math.abs(n - mid)));
  // All norms equal: nothing stands out (and no division by zero).
  const indices = norms.map((n) => (mad > 0 ? Math.abs(n - mid) / mad : 0));
  const flagged = norms
    .map((n, label) => ({ label, n, index: indices[label]! }))
    .filter((e) => e.n < mid && e.index > threshold)
    .sort((a, b) => b.index - a.index)
    .map((e) => e.label);
  return { median: mid, mad, indices, flagged };
}
