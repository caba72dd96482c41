import { byteExtent, type NamedTensor, type Storage, type TensorView } from './model.js';

/** The tensors to write, and the names dropped as aliases of a written one. */
export interface AliasPlan {
  write: NamedTensor[];
  /** Dropped name → the written name that is the very same view (goes into `__metadata__`). */
  aliases: Map<string, string>;
  /** The dropped tensors with their views, so `--verify` can check each is its kept one's view. */
  aliased: NamedTensor[];
  /** Groups of overlapping but different views of one storage: each written as its own copy. */
  copiedGroups: string[][];
}

const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * What makes two views of one storage the same tensor: element type, offset, shape and stride.
 * The element type counts because a `_rebuild_tensor_v3` storage is untyped, so one storage can
 * be viewed as two dtypes whose offsets and strides are counted in different units.
 */
function viewKey(t: TensorView): string {
  return `${t.type.name}|${t.offset}|${t.shape.join(',')}|${t.stride.join(',')}`;
}

/**
 * Tensors that share storage (issue 14, point 9). Only views identical in storage, element type,
 * offset, shape and stride are one tensor: the first of them by name is written and every other
 * name is recorded in `__metadata__` as `alias: kept`, which the loader can tie again without
 * losing a value. Any other view is written as its own tensor, materialised from its storage
 * (copy.ts gathers strided views into row-major order, as `.contiguous()` does).
 *
 * This departs on purpose from safetensors' convert.py (`_remove_duplicate_names`), which keeps
 * one view that covers the storage and drops the others of its overlapping group: a slice, a
 * reshape or a transpose dropped that way loses its own offset, shape or stride, so its values
 * are gone from the output. Overlapping views that differ are reported in `copiedGroups`: their
 * values are kept, the sharing is not.
 */
export function planAliases(tensors: readonly NamedTensor[]): AliasPlan {
  const kept = new Map<Storage, Map<string, NamedTensor>>();
  const aliases = new Map<string, string>();
  // Visit by name so that the kept name of identical views is the first by UTF-8 bytes.
  for (const t of [...tensors].sort((a, b) => byUtf8(a.name, b.name))) {
    // An empty storage holds no bytes to share; each of its (empty) views is written as is.
    if (t.tensor.storage.size === 0) continue;
    const views = kept.get(t.tensor.storage) ?? new Map<string, NamedTensor>();
    kept.set(t.tensor.storage, views);
    const same = views.get(viewKey(t.tensor));
    if (same) aliases.set(t.name, same.name);
    else views.set(viewKey(t.tensor), t);
  }
  const copiedGroups: string[][] = [];
  for (const views of kept.values()) {
    if (views.size < 2) continue;
    for (const group of overlapping([...views.values()])) {
      if (group.length > 1) copiedGroups.push(group.map((g) => g.name).sort(byUtf8));
    }
  }
  // Written in the checkpoint's order; the layout orders them as safetensors does.
  return { write: tensors.filter((t) => !aliases.has(t.name)), aliases, aliased: tensors.filter((t) => aliases.has(t.name)), copiedGroups };
}

/**
 * Views whose byte ranges overlap, grouped: sort by (start, end, name); a view starting before
 * the largest end seen so far joins the current group.
 */
function overlapping(members: NamedTensor[]): NamedTensor[][] {
  const areas = members.map((m) => ({ ...byteExtent(m.tensor), m }));
  areas.sort((a, b) => a.start - b.start || a.end - b.end || byUtf8(a.m.name, b.m.name));
  const groups: NamedTensor[][] = [[areas[0]!.m]];
  let lastStop = areas[0]!.end;
  for (const area of areas.slice(1)) {
    if (area.start >= lastStop) groups.push([area.m]);
    else groups[groups.length - 1]!.push(area.m);
    lastStop = Math.max(lastStop, area.end);
  }
  return groups;
}
