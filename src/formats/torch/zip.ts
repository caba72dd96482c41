/**
 * Member names of a torch.save zip (torch/serialization.py `_save`, torch ≥ 1.6): the pickle
 * `<archive>/data.pkl`, whose storage persistent ids name the raw members `<archive>/data/<key>`,
 * and the small records torch writes beside them.
 */

/** The records `_save` writes beside data.pkl and data/, relative to the archive folder. */
export const TORCH_ZIP_RECORDS: ReadonlySet<string> = new Set([
  'byteorder',
  'version',
  '.format_version',
  '.storage_alignment',
  '.data/version',
  '.data/serialization_id',
]);

/** True for a checkpoint pickle, `data.pkl` in any folder. */
export function isTorchDataPickle(name: string): boolean {
  return /(^|\/)data\.pkl$/.test(name);
}

/** The storage key of a raw storage member `<folder>/data/<key>`, or undefined for any other name. */
export function storageMemberKey(name: string): string | undefined {
  return /(?:^|\/)data\/([^/]+)$/.exec(name)?.[1];
}
