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

/**
 * The config files of a `torch.export` archive (.pt2; torch/export/pt2_archive): each names the
 * raw tensor files of its folder, `{"config": {"<fqn>": {"path_name": "weight_0", …}}}`.
 */
export function isExportWeightsConfig(name: string): boolean {
  return /(?:^|\/)data\/(?:weights\/model_weights|constants\/model_constants)_config\.json$/.test(name);
}

/**
 * The members a `torch.export` weights or constants config names, as full member names. The
 * loader reads them as raw tensor bytes (or with torch.load, when they are pickles, which the
 * scan reads by their bytes anyway). Undefined when the config is not that shape.
 */
export function exportTensorMembers(configName: string, json: unknown): string[] | undefined {
  if (typeof json !== 'object' || json === null || !('config' in json)) return undefined;
  const config = (json as { config: unknown }).config;
  if (typeof config !== 'object' || config === null) return undefined;
  const folder = configName.slice(0, configName.lastIndexOf('/') + 1);
  const names: string[] = [];
  for (const entry of Object.values(config)) {
    const path = typeof entry === 'object' && entry !== null ? (entry as { path_name?: unknown }).path_name : undefined;
    if (typeof path === 'string' && path !== '' && !path.includes('..')) names.push(folder + path);
  }
  return names;
}
