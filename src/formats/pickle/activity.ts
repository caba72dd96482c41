import type { PickleStream } from './model.js';

/** True when a stream imported, called, built or mutated anything. */
export function hasActivity(s: PickleStream): boolean {
  return s.imports.length + s.calls.length + s.dynamicImports.length + s.builds.length + s.mutations.length + s.extensions.length > 0;
}
