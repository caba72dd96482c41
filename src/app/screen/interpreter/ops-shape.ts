import { attrInt, attrInts, intInput, type Op } from './op.js';
import { axisOf, floatValue, sizeOf, unsupported, type Value } from './tensor.js';

/** Same data, new shape: the gradient is the output gradient unchanged. */
function reshaped(v: Value, shape: number[]) {
  if (sizeOf(shape) !== v.data.length) unsupported('Reshape', `cannot view ${v.data.length} elements as [${shape.join(',')}]`);
  const out: Value = v.kind === 'float' ? floatValue(shape, v.data) : { kind: 'int', shape, data: v.data };
  return { outputs: [out], backward: ([dy]: Array<Float32Array | undefined>) => [dy] };
}

function first(node: { opType: string }, inputs: Array<Value | undefined>): Value {
  const v = inputs[0];
  if (!v) unsupported(node.opType, 'input 0 is missing');
  return v;
}

export const identity: Op = (node, inputs) => reshaped(first(node, inputs), first(node, inputs).shape.slice());

export const flatten: Op = (node, inputs) => {
  const x = first(node, inputs);
  const axis = axisOf('Flatten', attrInt(node, 'axis', 1), x.shape.length + 1);
  return reshaped(x, [sizeOf(x.shape.slice(0, axis)), sizeOf(x.shape.slice(axis))]);
};

/** Reshape: 0 copies the input's dim (allowzero = 0), one -1 is inferred. */
export const reshape: Op = (node, inputs) => {
  const x = first(node, inputs);
  if (attrInt(node, 'allowzero', 0) !== 0) unsupported('Reshape', 'allowzero 1');
  const target = intInput(node, inputs, 1).data.map((d, i) =>
    d === 0 ? (x.shape[i] ?? unsupported('Reshape', `dim ${i} is 0 but the input has no dim ${i} to copy`)) : d,
  );
  const known = sizeOf(target.filter((d) => d !== -1));
  const shape = target.map((d) => (d === -1 ? x.data.length / known : d));
  return reshaped(x, shape);
};

/** Axes from the attribute (opset < 13) or the second input (opset ≥ 13). */
function axes(node: Parameters<Op>[0], inputs: Array<Value | undefined>): number[] | undefined {
  return inputs[1] ? intInput(node, inputs, 1).data : attrInts(node, 'axes');
}

export const unsqueeze: Op = (node, inputs) => {
  const x = first(node, inputs);
  const list = axes(node, inputs);
  if (!list) unsupported('Unsqueeze', 'axes are missing');
  const rank = x.shape.length + list.length;
  const at = new Set(list.map((a) => axisOf('Unsqueeze', a, rank)));
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(at.has(i) ? 1 : (x.shape[k++] ?? unsupported('Unsqueeze', `axes [${list.join(', ')}] repeat an axis`)));
  return reshaped(x, shape);
};

export const squeeze: Op = (node, inputs) => {
  const x = first(node, inputs);
  const list = axes(node, inputs);
  const at = new Set((list ?? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => axisOf('Squeeze', a, x.shape.length)));
  return reshaped(
    x,
    x.shape.filter((_, i) => !at.has(i)),
  );
};

/** Transpose with any permutation (default: reversed axes). */
export const transpose: Op = (node, inputs) => {
  const x = first(node, inputs);
  const rank = x.shape.length;
  const perm = attrInts(node, 'perm') ?? [...Array(rank).keys()].reverse();
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i))
    unsupported('Transpose', `perm [${perm.join(', ')}] is not a permutation of ${rank} axes`);
  // perm is a permutation of [0, rank): every perm[d] and d below indexes a dim.
  const shape = perm.map((p) => x.shape[p]!);
  const inStrides = x.shape.map((_, i) => sizeOf(x.shape.slice(i + 1)));
  // For each output element, the input element it copies.
  const source = new Int32Array(x.data.length);
  const counter = new Array<number>(rank).fill(0);
  for (let i = 0; i < source.length; i++) {
    let at = 0;
    for (let d = 0; d < rank; d++) at += counter[d]! * inStrides[perm[d]!]!;
    source[i] = at;
    for (let d = rank - 1; d >= 0 && ++counter[d]! === shape[d]; d--) counter[d] = 0;
  }
  // source holds offsets into x, one per element.
  if (x.kind === 'int') return { outputs: [{ kind: 'int', shape, data: Array.from(source, (s) => x.data[s]!) }] };
  return {
    outputs: [
      floatValue(
        shape,
        Float32Array.from(source, (s) => x.data[s]!),
      ),
    ],
    backward: ([dy]) => {
      if (!dy) return [];
      const dx = new Float32Array(dy.length);
      for (let i = 0; i < dy.length; i++) dx[source[i]!] = dy[i]!;
      return [dx];
    },
  };
};

/** Concat along `axis`; int inputs (shape arithmetic) give an int result. */
export const concat: Op = (node, inputs) => {
  const parts = inputs.map((v, i) => v ?? unsupported('Concat', `input ${i} is missing`));
  const [head] = parts;
  if (!head) unsupported('Concat', 'there is no input');
  const rank = head.shape.length;
  const axis = axisOf('Concat', attrInt(node, 'axis', 0), rank);
  if (parts.some((p) => p.shape.length !== rank || p.shape.some((d, i) => i !== axis && d !== head.shape[i]))) {
    unsupported('Concat', `inputs [${parts.map((p) => p.shape.join(',')).join('], [')}] differ outside axis ${axis}`);
  }
  const outer = sizeOf(head.shape.slice(0, axis));
  const widths = parts.map((p) => sizeOf(p.shape.slice(axis)));
  const total = widths.reduce((a, b) => a + b, 0);
  const shape = head.shape.slice();
  // Every part has rank `rank` (checked above), so shape[axis] exists in each.
  shape[axis] = parts.reduce((a, p) => a + p.shape[axis]!, 0);
  // k indexes parts and widths alike, j stays within part k.
  const copy = (into: { [i: number]: number }, from: (k: number, j: number) => number): void => {
    for (let o = 0; o < outer; o++) {
      let offset = o * total;
      widths.forEach((width, k) => {
        for (let j = 0; j < width; j++) into[offset + j] = from(k, o * width + j);
        offset += width;
      });
    }
  };
  if (parts.every((p) => p.kind === 'int')) {
    const data = new Array<number>(outer * total);
    copy(data, (k, j) => parts[k]!.data[j]!);
    return { outputs: [{ kind: 'int', shape, data }] };
  }
  const out = floatValue(shape);
  copy(out.data, (k, j) => parts[k]!.data[j]!);
  return {
    outputs: [out],
    backward: ([dy]) => {
      if (!dy) return [];
      const grads = parts.map((p) => new Float32Array(p.data.length));
      for (let o = 0; o < outer; o++) {
        let offset = o * total;
        grads.forEach((g, k) => {
          const width = widths[k]!;
          g.set(dy.subarray(offset, offset + width), o * width);
          offset += width;
        });
      }
      return grads;
    },
  };
};

/** Shape: the input's dims as an int tensor. */
export const shapeOp: Op = (node, inputs) => {
  const x = first(node, inputs);
  return { outputs: [{ kind: 'int', shape: [x.shape.length], data: x.shape.slice() }] };
};

/** Gather on int tensors along axis 0 (the `x.size(0)` pattern of exported Reshapes). */
export const gather: Op = (node, inputs) => {
  const x = first(node, inputs);
  const idx = intInput(node, inputs, 1);
  if (x.kind !== 'int' || x.shape.length !== 1 || attrInt(node, 'axis', 0) !== 0)
    unsupported('Gather', 'only index lookups in 1-D shape tensors are supported');
  const data = idx.data.map((i) => x.data[i < 0 ? i + x.data.length : i] ?? unsupported('Gather', 'index out of range'));
  return { outputs: [{ kind: 'int', shape: idx.shape.slice(), data }] };
};
