import { byteExtent, elementCount, type NamedTensor, type Storage } from './model.js';

/** The tensors to write, and the names dropped as aliases of a written one. */
export interface AliasPlan {
  write: NamedTensor[];
  /** Dropped name → the written name whose bytes it shares (goes into `__metadata__`). */
  aliases: Map<string, string>;
  /** Groups of overlapping views where none covers its whole storage: each written as its own copy. */
  copiedGroups: string[][];
}

const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * Tensors that share storage, handled as safetensors' own conversion does
 * (safetensors/bindings/python/convert.py with torch.py `_remove_duplicate_names`,
 * `_find_shared_tensors`, `_filter_shared_not_shared`):
 * - views of one storage whose byte ranges do not overlap are separate tensors, each copied;
 * - overlapping views form a group; when some of them cover the whole storage, the first of
 *   those by name is written and every other name of the group is recorded in `__metadata__`
 *   as `alias: kept` (the loader can tie them again);
 * - where the HF code raises because no view covers the storage, every view of the group is
 *   written as its own contiguous copy (the values are kept, the sharing is not), listed in
 *   `copiedGroups`.
 */
export function planAliases(tensors: readonly NamedTensor[]): AliasPlan {
  const byStorage = new Map<Storage, NamedTensor[]>();
  for (const t of tensors) {
    if (t.tensor.storage.size === 0) continue;
    const list = byStorage.get(t.tensor.storage) ?? [];
    list.push(t);
    byStorage.set(t.tensor.storage, list);
  }
  const dropped = new Set<string>();
  const aliases = new Map<string, string>();
  const copiedGroups: string[][] = [];
  for (const [storage, members] of byStorage) {
    if (members.length < 2) continue;
    for (const group of overlapping(members)) {
      if (group.length < 2) continue;
      const complete = group.filter(({ tensor }) => tensor.offset === 0 && elementCount(tensor.shape) * tensor.type.size === storage.size);
      if (complete.length === 0) {
        copiedGroups.push(group.map((g) => g.name).sort(byUtf8));
        continue;
      }
      const keep = complete.map((c) => c.name).sort(byUtf8)[0]!;
      for (const { name } of group) {
        if (name === keep) continue;
        dropped.add(name);
        aliases.set(name, keep);
      }
    }
  }
  return { write: tensors.filter((t) => !dropped.has(t.name)), aliases, copiedGroups };
}

/**
 * `_filter_shared_not_shared`: sort by (start, end, name); a view starting before the previous
 * one's end joins its group. As in the reference, the running end is the previous view's end,
 * not the largest end seen.
 */
function overlapping(members: NamedTensor[]): NamedTensor[][] {
  const areas = members.map((m) => ({ ...byteExtent(m.tensor), m }));
  areas.sort((a, b) => a.start - b.start || a.end - b.end || byUtf8(a.m.name, b.m.name));
  const groups: NamedTensor[][] = [[areas[0]!.m]];
  let lastStop = areas[0]!.end;
  for (const area of areas.slice(1)) {
    if (area.start >= lastStop) groups.push([area.m]);
    else groups[groups.length - 1]!.push(area.m);
    lastStop = area.end;
  }
  return groups;
}
