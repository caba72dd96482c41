/**
 * What a face needs before it knows whether it will scan in this process, without loading the
 * engine, the sources or the detectors behind src/app/index.ts (a sandboxed scan's parent never
 * does; issue 16): the private temporary folders, whether a target is a Hub repo, and what
 * `--hf-cache` scans.
 */
export { sandboxTemp, sweepPrivateTemps } from '../formats/hdf5/temp-dir.js';
export { isHubTarget } from '../sources/hf/ref.js';
export { policyPresent } from './policy/locate.js';
export { describeHfCache, selectHfCache, type HfCacheSelection } from './hf-cache.js';
export { entryAbove } from '../sources/hf/local-cache.js';
