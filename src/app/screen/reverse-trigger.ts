import type { Program } from './interpreter/program.js';
import { type FloatValue, floatValue } from './interpreter/tensor.js';
import { Random } from './random.js';
import { argmaxRow, batchOf, imageDims, logitsDims, softmaxRows } from './samples.js';

/** Knobs of the per-label optimisation (Wang et al. 2019, §4 and their reference code). */
export interface ReverseOptions {
  /** Optimisation steps per label (an upper bound: it stops early once the mask settles). */
  steps: number;
  /** Images per step. */
  batchSize: number;
  /** Adam step size; the reference uses 0.1 with β1 0.5, β2 0.9. */
  learningRate: number;
  /** Starting weight of the mask's L1 norm in the loss. */
  initialCost: number;
  /** Attack success rate a trigger must reach to count (the reference: 0.99). */
  attackThreshold: number;
  /** Steps between adjustments of the cost. */
  epochSteps: number;
  seed: number;
}

export const DEFAULT_REVERSE_OPTIONS: ReverseOptions = {
  steps: 300,
  batchSize: 16,
  learningRate: 0.1,
  initialCost: 1e-2,
  attackThreshold: 0.99,
  epochSteps: 10,
  seed: 1,
};

/** The smallest trigger found for one label. */
export interface ReversedTrigger {
  label: number;
  /** `[H·W]` in [0, 1], shared by all channels. */
  mask: Float32Array;
  /** `[C·H·W]` in [0, 1]. */
  pattern: Float32Array;
  /** L1 norm of the mask. */
  norm: number;
  /** Attack success rate on the batches of the epoch the trigger was kept from. */
  attackRate: number;
  /** False when no mask ever reached the threshold: the last mask is kept, and its norm is an upper bound. */
  reached: boolean;
  steps: number;
}

/** Adam on a flat parameter vector. */
class Adam {
  private m: Float32Array;
  private v: Float32Array;
  private t = 0;
  constructor(
    size: number,
    private readonly lr: number,
    private readonly b1 = 0.5,
    private readonly b2 = 0.9,
  ) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }
  step(params: Float32Array, grad: Float32Array): void {
    this.t++;
    const c1 = 1 - this.b1 ** this.t;
    const c2 = 1 - this.b2 ** this.t;
    // params, grad, m and v all have `size` elements.
    for (let i = 0; i < params.length; i++) {
      const g = grad[i]!;
      this.m[i] = this.b1 * this.m[i]! + (1 - this.b1) * g;
      this.v[i] = this.b2 * this.v[i]! + (1 - this.b2) * g * g;
      // Read back from the float32 arrays, as the moments are stored.
      params[i]! -= (this.lr * (this.m[i]! / c1)) / (Math.sqrt(this.v[i]! / c2) + 1e-8);
    }
  }
}

/** Stamps a trigger on images: `x' = (1 - mask)·x + mask·pattern`, the mask shared by channels. */
export function stamp(images: FloatValue, mask: Float32Array, pattern: Float32Array): FloatValue {
  const [n, c, h, w] = imageDims(images);
  const plane = h * w;
  const out = floatValue(images.shape.slice());
  // mask has h·w values and pattern c·h·w, as reverseTrigger makes them.
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (b * c + ch) * plane;
      for (let p = 0; p < plane; p++) out.data[base + p] = (1 - mask[p]!) * images.data[base + p]! + mask[p]! * pattern[ch * plane + p]!;
    }
  }
  return out;
}

const squash = (raw: Float32Array): Float32Array => raw.map((r) => Math.tanh(r) / 2 + 0.5);

/**
 * Neural Cleanse for one label: finds the mask and pattern of smallest L1 mask norm that turn
 * the given clean images (none of them of `label`) into `label`. The loss is cross-entropy
 * to `label` plus `cost · |mask|₁`; mask and pattern are kept in [0, 1] through tanh; the cost
 * rises while the attack succeeds and falls while it does not, as in the reference code.
 */
export function reverseTrigger(program: Program, images: FloatValue, pool: readonly number[], label: number, options: ReverseOptions): ReversedTrigger {
  const [, c, h, w] = imageDims(images);
  const plane = h * w;
  const random = new Random(options.seed * 1000003 + label);
  // Start from a faint random mask and a random pattern (atanh of values in (0, 1)).
  const maskRaw = Float32Array.from({ length: plane }, () => Math.atanh(2 * (0.05 + 0.1 * random.next()) - 1));
  const patternRaw = Float32Array.from({ length: c * plane }, () => Math.atanh(2 * (0.1 + 0.8 * random.next()) - 1));
  const maskOpt = new Adam(plane, options.learningRate);
  const patternOpt = new Adam(c * plane, options.learningRate);
  let cost = options.initialCost;
  let best: ReversedTrigger | undefined;
  let epochHits = 0;
  let epochSeen = 0;
  let up = 0;
  let down = 0;
  let step = 0;
  let stale = 0;
  let raised = false;
  let lowered = false;
  for (; step < options.steps; step++) {
    const mask = squash(maskRaw);
    const pattern = squash(patternRaw);
    const picks = random.sample(pool, options.batchSize);
    const clean = batchOf(images, picks);
    const n = picks.length;
    const pass = program.run(stamp(clean, mask, pattern));
    const probs = softmaxRows(pass.logits);
    const [, k] = logitsDims(pass.logits);
    // d(mean cross-entropy)/d(logits) = (softmax - onehot) / n.
    const dLogits = probs.map((p, i) => (p - (i % k === label ? 1 : 0)) / n);
    for (let r = 0; r < n; r++) if (argmaxRow(pass.logits, r) === label) epochHits++;
    epochSeen += n;
    const dx = pass.backward(dLogits);
    const dMask = new Float32Array(plane).fill(cost);
    const dPattern = new Float32Array(c * plane);
    for (let b = 0; b < n; b++) {
      for (let ch = 0; ch < c; ch++) {
        const base = (b * c + ch) * plane;
        // dx is the gradient of the stamped batch [n, c, h, w]; mask and pattern as in stamp.
        for (let p = 0; p < plane; p++) {
          const g = dx[base + p]!;
          dMask[p]! += g * (pattern[ch * plane + p]! - clean.data[base + p]!);
          dPattern[ch * plane + p]! += g * mask[p]!;
        }
      }
    }
    // Through the tanh squashing: d(tanh(r)/2 + 1/2)/dr = (1 - tanh²(r)) / 2.
    for (let p = 0; p < plane; p++) dMask[p]! *= (1 - (2 * mask[p]! - 1) ** 2) / 2;
    for (let i = 0; i < dPattern.length; i++) dPattern[i]! *= (1 - (2 * pattern[i]! - 1) ** 2) / 2;
    maskOpt.step(maskRaw, dMask);
    patternOpt.step(patternRaw, dPattern);
    if ((step + 1) % options.epochSteps !== 0) continue;
    // End of an epoch: keep the smallest mask that succeeded, then move the cost.
    const rate = epochHits / epochSeen;
    const norm = mask.reduce((a, b) => a + b, 0);
    epochHits = 0;
    epochSeen = 0;
    const success = rate >= options.attackThreshold;
    if (success && (!best || !best.reached || norm < best.norm * 0.99)) {
      best = { label, mask, pattern, norm, attackRate: rate, reached: true, steps: step + 1 };
      stale = 0;
    } else if (best?.reached) stale++;
    if (!success && (!best || !best.reached)) best = { label, mask, pattern, norm, attackRate: rate, reached: false, steps: step + 1 };
    if (success) [up, down] = [up + 1, 0];
    else [up, down] = [0, down + 1];
    if (up >= 1) {
      cost *= 1.5;
      raised = true;
    }
    if (down >= 1) {
      cost /= 1.5 ** 1.5;
      lowered = true;
    }
    // Stop once the cost has gone both ways (it brackets the smallest working mask) and the
    // kept mask has not shrunk by 1% for five epochs, as the reference's early stop; never
    // before a third of the budget, so a lucky early mask does not end the search.
    if (best?.reached && raised && lowered && stale >= 5 && step + 1 >= options.steps / 3) {
      step++;
      break;
    }
  }
  return (
    best ?? {
      label,
      mask: squash(maskRaw),
      pattern: squash(patternRaw),
      norm: squash(maskRaw).reduce((a, b) => a + b, 0),
      attackRate: 0,
      reached: false,
      steps: step,
    }
  );
}
