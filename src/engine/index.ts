/**
 * The scan kernel's public face: everything outside src/engine imports it from here (the
 * layer rules in eslint.config.js enforce it). The kernel is synchronous and does no I/O of its
 * own: it reads the byte sources it is given, walks the format registry, runs the rules and
 * returns findings.
 */
import { setFlagsFromString } from 'node:v8';
import { initPython } from '../formats/python/runtime.js';
import './dispatch.js';

export { ScanContext, type ScanObserver, type Budget, type SiblingFile } from './context.js';
export { dispatch } from './dispatch.js';
export { FORMATS, formatVersions, type FormatEntry } from './registry.js';
export { prepareProvenance, provenance } from './provenance.js';
export { scanEntry, scanSource, type OpenFailure } from './scan-entry.js';
export { sniff, classifyOther, type Sniffed } from './sniff.js';
export { sandboxTemp, sweepPrivateTemps } from '../formats/hdf5/temp-dir.js';

/**
 * Loads what the synchronous kernel needs loaded asynchronously first (the Python parser's
 * WebAssembly). The HDF5 library loads in its own thread on first use, so scans without HDF5
 * files never pay for it.
 */
export async function prepareEngine(): Promise<void> {
  // A pickle's containers are mostly dropped soon after they are made, but a dict keeps its
  // first 65,536 entries: V8 sees those survive and starts allocating every later container of
  // the same site in the old generation (allocation-site pretenuring), where only full garbage
  // collections free them. Measured on a 32 MB vocabulary-shaped pickle: 3× the time.
  // Process-wide, set once before any scan; it changes no result.
  setFlagsFromString('--no-allocation-site-pretenuring');
  await initPython();
}
