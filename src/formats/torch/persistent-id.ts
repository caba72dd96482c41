import type { PValue } from '../pickle/model.js';
import type { StorageId } from './model.js';

/**
 * Reads a storage persistent id, `('storage', storage_type, key, ...)` as torch/serialization.py
 * `persistent_id` writes it (zip: `location, numel` follow; legacy: `location, numel,
 * view_metadata`), or undefined for any other id. Only the tag and the key are checked here;
 * callers check the length and the other items as their format needs.
 */
export function storageId(pid: PValue): StorageId | undefined {
  if (pid.k !== 'tuple') return undefined;
  const [tag, storageClass, key] = pid.items;
  if (tag?.k !== 'str' || tag.v !== 'storage' || storageClass === undefined || key?.k !== 'str') return undefined;
  return { storageClass, key: key.v, items: pid.items };
}
