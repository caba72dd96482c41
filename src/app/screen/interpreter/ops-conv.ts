import type { GraphNode } from './graph.js';
import { attrInt, attrInts, attrString, floatInput, type Op } from './op.js';
import { type Dims, dimsOf, floatValue, unsupported } from './tensor.js';

/** Spatial geometry of a 2-D window op (Conv, MaxPool, AveragePool), from onnx/docs/Operators.md. */
interface Window {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  /** Top and left pads; bottom and right only shape the output size. */
  pt: number;
  pl: number;
  oh: number;
  ow: number;
}

/** A list attribute of a 2-D window op with `length` values, `fallback` when absent, else UNSUPPORTED. */
function windowAttr<N extends 2 | 4>(node: GraphNode, name: string, length: N, fallback: Dims<N>): Dims<N> {
  const values = attrInts(node, name);
  if (values === undefined) return fallback;
  if (values.length !== length) unsupported(node.opType, `${name} must have ${length} values for a 2-D window, got [${values.join(', ')}]`);
  return values as Dims<N>;
}

function windowOf(node: GraphNode, h: number, w: number, [kh, kw]: Dims<2>): Window {
  const [sh, sw] = windowAttr(node, 'strides', 2, [1, 1]);
  const [dh, dw] = windowAttr(node, 'dilations', 2, [1, 1]);
  const ceil = attrInt(node, 'ceil_mode', 0) === 1;
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  let [pt, pl, pb, pr] = windowAttr(node, 'pads', 4, [0, 0, 0, 0]);
  const ekh = (kh - 1) * dh + 1;
  const ekw = (kw - 1) * dw + 1;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    // Output = ceil(in / stride); the odd pad goes at the end for SAME_UPPER.
    const padH = Math.max(0, (Math.ceil(h / sh) - 1) * sh + ekh - h);
    const padW = Math.max(0, (Math.ceil(w / sw) - 1) * sw + ekw - w);
    const lowH = autoPad === 'SAME_UPPER' ? Math.floor(padH / 2) : Math.ceil(padH / 2);
    const lowW = autoPad === 'SAME_UPPER' ? Math.floor(padW / 2) : Math.ceil(padW / 2);
    [pt, pl, pb, pr] = [lowH, lowW, padH - lowH, padW - lowW];
  } else if (autoPad === 'VALID') [pt, pl, pb, pr] = [0, 0, 0, 0];
  else if (autoPad !== 'NOTSET') unsupported(node.opType, `auto_pad ${autoPad}`);
  const round = ceil ? Math.ceil : Math.floor;
  const oh = round((h + pt + pb - ekh) / sh) + 1;
  const ow = round((w + pl + pr - ekw) / sw) + 1;
  if (!(oh > 0 && ow > 0)) unsupported(node.opType, 'window larger than its input');
  return { kh, kw, sh, sw, dh, dw, pt, pl, oh, ow };
}

function spatial(node: GraphNode, shape: number[]): [number, number, number, number] {
  if (shape.length !== 4) unsupported(node.opType, `only 2-D images (rank 4, NCHW) are supported, got rank ${shape.length}`);
  return shape as [number, number, number, number];
}

/** Conv (2-D, any group count): direct loops, the innermost over contiguous output columns. */
export const conv: Op = (node, inputs) => {
  const x = floatInput(node, inputs, 0);
  const weight = floatInput(node, inputs, 1);
  const bias = inputs[2] === undefined ? undefined : floatInput(node, inputs, 2);
  const [n, c, h, w] = spatial(node, x.shape);
  if (weight.shape.length !== 4) unsupported('Conv', 'weight shape does not match the input channels and group');
  const [m, cg, kh, kw] = dimsOf('Conv', weight.shape, 4);
  const group = attrInt(node, 'group', 1);
  if (cg * group !== c || m % group !== 0) unsupported('Conv', 'weight shape does not match the input channels and group');
  if (bias && bias.data.length !== m) unsupported('Conv', `bias has ${bias.data.length} values for ${m} output channels`);
  const win = windowOf(node, h, w, [kh, kw]);
  const { oh, ow } = win;
  const mg = m / group;
  const out = floatValue([n, m, oh, ow]);
  if (bias) for (let b = 0; b < n; b++) for (let oc = 0; oc < m; oc++) out.data.fill(bias.data[oc]!, (b * m + oc) * oh * ow, (b * m + oc + 1) * oh * ow);
  correlate(x.data, weight.data, out.data, { n, c, h, w, m, mg, cg, ...win }, false);
  return {
    outputs: [out],
    backward: ([dy]) => {
      if (!dy) return [];
      const dx = new Float32Array(x.data.length);
      correlate(dx, weight.data, dy, { n, c, h, w, m, mg, cg, ...win }, true);
      return [dx];
    },
  };
};

interface ConvGeometry extends Window {
  n: number;
  c: number;
  h: number;
  w: number;
  m: number;
  mg: number;
  cg: number;
}

/**
 * The cross-correlation of Conv as im2col + matrix products, per image and group: the columns
 * matrix `[cg·kh·kw, oh·ow]` makes every inner loop a contiguous run of `oh·ow` (direct
 * loops ran ~6× slower here on 28×28 images). Forward adds `W·cols` into `y`; with
 * `transposed` it forms `Wᵀ·dy` and scatters it back into `x`, the gradient of the input.
 */
function correlate(x: Float32Array, weight: Float32Array, y: Float32Array, g: ConvGeometry, transposed: boolean): void {
  const { n, c, h, w, m, mg, cg, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow } = g;
  const k = cg * kh * kw;
  const p = oh * ow;
  const cols = new Float32Array(k * p);
  // For each row of the columns matrix and each output pixel, the input offset within a
  // group's planes, or -1 for padding. Shared by every image and group.
  const source = new Int32Array(k * p).fill(-1);
  for (let icg = 0; icg < cg; icg++) {
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        const row = ((icg * kh + ki) * kw + kj) * p;
        for (let yo = 0; yo < oh; yo++) {
          const iy = yo * sh - pt + ki * dh;
          if (iy < 0 || iy >= h) continue;
          for (let xo = 0; xo < ow; xo++) {
            const ix = xo * sw - pl + kj * dw;
            if (ix >= 0 && ix < w) source[row + yo * ow + xo] = (icg * h + iy) * w + ix;
          }
        }
      }
    }
  }
  for (let b = 0; b < n; b++) {
    for (let group = 0; group < m / mg; group++) {
      const inBase = (b * c + group * cg) * h * w;
      const outBase = (b * m + group * mg) * p;
      const wBase = group * mg * k;
      if (!transposed) {
        // Every index below is within the geometry the arrays were sized by.
        for (let i = 0; i < cols.length; i++) cols[i] = source[i]! < 0 ? 0 : x[inBase + source[i]!]!;
        // y[mg×p] += W[mg×k] · cols[k×p]
        for (let o = 0; o < mg; o++) {
          const yRow = outBase + o * p;
          for (let r = 0; r < k; r++) {
            const wv = weight[wBase + o * k + r]!;
            if (wv === 0) continue;
            const cRow = r * p;
            for (let j = 0; j < p; j++) y[yRow + j]! += wv * cols[cRow + j]!;
          }
        }
      } else {
        // cols[k×p] = Wᵀ[k×mg] · dy[mg×p], then scattered back to the input pixels.
        cols.fill(0);
        for (let o = 0; o < mg; o++) {
          const yRow = outBase + o * p;
          for (let r = 0; r < k; r++) {
            const wv = weight[wBase + o * k + r]!;
            if (wv === 0) continue;
            const cRow = r * p;
            for (let j = 0; j < p; j++) cols[cRow + j]! += wv * y[yRow + j]!;
          }
        }
        for (let i = 0; i < cols.length; i++) if (source[i]! >= 0) x[inBase + source[i]!]! += cols[i]!;
      }
    }
  }
}

/** MaxPool (2-D): remembers the winning input of each window for the backward pass. */
export const maxPool: Op = (node, inputs) => {
  const x = floatInput(node, inputs, 0);
  const [n, c, h, w] = spatial(node, x.shape);
  if (attrInt(node, 'storage_order', 0) !== 0) unsupported('MaxPool', 'storage_order 1');
  const kernel = attrInts(node, 'kernel_shape');
  if (!kernel || kernel.length !== 2) unsupported('MaxPool', 'kernel_shape must be 2-D');
  const win = windowOf(node, h, w, kernel as Dims<2>);
  const out = floatValue([n, c, win.oh, win.ow]);
  const arg = new Int32Array(out.data.length);
  let k = 0;
  for (let p = 0; p < n * c; p++) {
    const base = p * h * w;
    for (let y = 0; y < win.oh; y++) {
      for (let xo = 0; xo < win.ow; xo++, k++) {
        let best = -Infinity;
        let at = -1;
        for (let ki = 0; ki < win.kh; ki++) {
          const iy = y * win.sh - win.pt + ki * win.dh;
          if (iy < 0 || iy >= h) continue;
          for (let kj = 0; kj < win.kw; kj++) {
            const ix = xo * win.sw - win.pl + kj * win.dw;
            if (ix < 0 || ix >= w) continue;
            const v = x.data[base + iy * w + ix]!;
            if (v > best || at < 0) {
              best = v;
              at = base + iy * w + ix;
            }
          }
        }
        out.data[k] = best;
        arg[k] = at;
      }
    }
  }
  return {
    outputs: [out],
    backward: ([dy]) => {
      if (!dy) return [];
      const dx = new Float32Array(x.data.length);
      for (let i = 0; i < dy.length; i++) {
        const at = arg[i]!;
        if (at >= 0) dx[at]! += dy[i]!;
      }
      return [dx];
    },
  };
};

/** AveragePool (2-D); padded cells count only with count_include_pad = 1, as ONNX says. */
export const averagePool: Op = (node, inputs) => {
  const x = floatInput(node, inputs, 0);
  const [n, c, h, w] = spatial(node, x.shape);
  const kernel = attrInts(node, 'kernel_shape');
  if (!kernel || kernel.length !== 2) unsupported('AveragePool', 'kernel_shape must be 2-D');
  const win = windowOf(node, h, w, kernel as Dims<2>);
  const includePad = attrInt(node, 'count_include_pad', 0) === 1;
  return pool(x.data, n, c, h, w, win, includePad);
};

/** GlobalAveragePool: the mean of each channel, as a 1×1 image. */
export const globalAveragePool: Op = (node, inputs) => {
  const x = floatInput(node, inputs, 0);
  const [n, c, h, w] = spatial(node, x.shape);
  const win: Window = { kh: h, kw: w, sh: 1, sw: 1, dh: 1, dw: 1, pt: 0, pl: 0, oh: 1, ow: 1 };
  return pool(x.data, n, c, h, w, win, true);
};

function pool(x: Float32Array, n: number, c: number, h: number, w: number, win: Window, includePad: boolean) {
  const planes = n * c;
  const out = new Float32Array(planes * win.oh * win.ow);
  // Cells of each window and their count, shared by the forward and backward passes.
  const cells: Array<{ count: number; list: number[] }> = [];
  for (let y = 0; y < win.oh; y++) {
    for (let xo = 0; xo < win.ow; xo++) {
      const list: number[] = [];
      let padded = 0;
      for (let ki = 0; ki < win.kh; ki++) {
        for (let kj = 0; kj < win.kw; kj++) {
          const iy = y * win.sh - win.pt + ki * win.dh;
          const ix = xo * win.sw - win.pl + kj * win.dw;
          if (iy >= 0 && iy < h && ix >= 0 && ix < w) list.push(iy * w + ix);
          else padded++;
        }
      }
      cells.push({ count: list.length + (includePad ? padded : 0), list });
    }
  }
  const per = win.oh * win.ow;
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < per; i++) {
      // One cell entry per output pixel: i < per = cells.length.
      const { count, list } = cells[i]!;
      let sum = 0;
      for (const at of list) sum += x[p * h * w + at]!;
      out[p * per + i] = sum / count;
    }
  }
  return {
    outputs: [floatValue([n, c, win.oh, win.ow], out)],
    backward: ([dy]: Array<Float32Array | undefined>) => {
      if (!dy) return [];
      const dx = new Float32Array(x.length);
      for (let p = 0; p < planes; p++) {
        for (let i = 0; i < per; i++) {
          const { count, list } = cells[i]!;
          for (const at of list) dx[p * h * w + at]! += dy[p * per + i]! / count;
        }
      }
      return [dx];
    },
  };
}
