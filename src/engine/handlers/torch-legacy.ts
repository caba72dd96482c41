import { STORAGE_CLASSES } from '../../formats/torch/dtypes.js';

// The legacy format is read in src/formats/torch/legacy.ts; scanPickle (./pickle.ts) walks it.
export { isLegacyMagic, legacyPersistentLoad, skipLegacyStorages } from '../../formats/torch/legacy.js';

/** Bytes per element of torch's storage classes, by class name (a view of formats/torch/dtypes.ts). */
export const ELEMENT_SIZE: Readonly<Record<string, number>> = Object.fromEntries([...STORAGE_CLASSES].map(([name, c]) => [name, c.dtype.size]));
