// The legacy format is read in src/formats/torch/legacy.ts; scanPickle (./pickle.ts) walks it.
export { isLegacyMagic, legacyPersistentLoad, skipLegacyStorages } from '../../formats/torch/legacy.js';
