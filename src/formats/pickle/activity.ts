import type { GlobalRef, PickleStream } from './model.js';

/** True when a stream imported, called, built or mutated anything. */
export function hasActivity(s: PickleStream): boolean {
  return s.imports.length + s.calls.length + s.dynamicImports.length + s.builds.length + s.mutations.length + s.extensions.length > 0;
}

/** True when a stream called, built, mutated or imported dynamically: more than imports by name. */
export function actsBeyondImports(s: PickleStream): boolean {
  return s.calls.length + s.dynamicImports.length + s.builds.length + s.mutations.length + s.extensions.length > 0;
}

/** A Python identifier (PEP 3131: XID_Start or `_`, then XID_Continue), and dotted paths of them. */
const DOTTED_IDENTIFIER = /^[\p{XID_Start}_]\p{XID_Continue}*(\.[\p{XID_Start}_]\p{XID_Continue}*)*$/u;

/**
 * True when the names a GLOBAL or INST writes can name an importable object: a module that is a
 * dotted identifier and an attribute path of identifiers. What picklers write is
 * `__module__` and `__qualname__`, identifiers for anything defined by code; `lass XModel:` (a
 * `class XModel:` line read as GLOBAL) or `ertifi==2024.2.2` (a requirements line) are not.
 */
export function isImportableName(ref: GlobalRef): boolean {
  return DOTTED_IDENTIFIER.test(ref.module) && DOTTED_IDENTIFIER.test(ref.name);
}

/**
 * True when unpickling this stream would fail at an import before doing anything: its first
 * event is a GLOBAL or INST whose names are not identifiers. CPython's `find_class` (Lib/pickle.py
 * and `_pickle.c`) calls `__import__(module)` and then `getattr` for the name; no installed
 * module has such a name, so the load raises ModuleNotFoundError or AttributeError right there,
 * before any REDUCE, BUILD or later import runs. (The one way round it, a file of that very name
 * in a folder on sys.path, needs the attacker's file on disk already; a repo's own files are
 * scanned as what they are.)
 */
export function failsAtFirstImport(s: PickleStream): boolean {
  const first = s.imports.find((ref) => !isImportableName(ref) && (ref.op === 'GLOBAL' || ref.op === 'INST'));
  if (!first) return false;
  const before = (at: { opIndex: number }): boolean => at.opIndex < first.opIndex;
  return !(
    s.imports.some(before) ||
    s.calls.some(before) ||
    s.dynamicImports.some(before) ||
    s.builds.some(before) ||
    s.mutations.some(before) ||
    s.extensions.some(before)
  );
}
