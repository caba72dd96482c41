/**
 * Python objects as the bench's pickler (pickler.ts) sees them: `null` (None), booleans,
 * integers (`number` or `bigint`), `PyFloat`, strings (a JS string is a new str object each time
 * it is saved; a `PyStr` is one object, so saving it again is a memo get), `Buffer` (a bytes
 * object: its identity is the Buffer's), `PyTuple`, lists (`PyList` or a JS array), `PyDict`,
 * `PyGlobal` (a class or function), `PyReduce` (an object with `__reduce__`) and `PyPersistent`
 * (a persistent id). Containers make their items on demand, so a 32 MB pickle never exists as
 * JS objects all at once.
 */

/** A float (a JS number is an int). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A str object with an identity: saved twice, it is memoised once and fetched after. */
export class PyStr {
  constructor(readonly value: string) {}
}

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A list of `size` items made on demand, so a 32 MB pickle never exists as objects at once. */
export class PyList {
  constructor(
    readonly size: number,
    readonly at: (index: number) => PyValue,
  ) {}
}

/** A dict of `size` entries made on demand, in insertion order. */
export class PyDict {
  constructor(
    readonly size: number,
    readonly at: (index: number) => readonly [PyValue, PyValue],
  ) {}

  static of(entries: ReadonlyArray<readonly [PyValue, PyValue]>): PyDict {
    return new PyDict(entries.length, (i) => entries[i]!);
  }
}

/** A module-level name (class or function): `global(module, name)` gives one object per name. */
export class PyGlobal {
  constructor(
    readonly module: PyStr,
    readonly name: PyStr,
  ) {}
}

/** What `__reduce__` returns beside the callable and its arguments. */
export interface ReduceParts {
  /** BUILD with this after the object is made. */
  state?: PyValue;
  /** `cls.__new__(cls, *args)`: NEWOBJ instead of REDUCE (copyreg.__newobj__). */
  newobj?: boolean;
  /** Items set on the new object from an iterator (an OrderedDict's). */
  dictitems?: PyDict;
}

/** An object pickled through `__reduce__`: `func(*args)`, then its items and its state. */
export class PyReduce {
  constructor(
    readonly func: PyValue,
    readonly args: PyTuple,
    readonly parts: ReduceParts = {},
  ) {}
}

/** An object the pickler's `persistent_id` names (torch's storages): BINPERSID of `pid`. */
export class PyPersistent {
  constructor(readonly pid: PyValue) {}
}

export type PyValue =
  null | boolean | number | bigint | string | PyFloat | PyStr | Buffer | PyTuple | PyList | PyValue[] | PyDict | PyGlobal | PyReduce | PyPersistent;

const interned = new Map<string, PyStr>();
/** The one str object for `text` (module names, attribute names, literals in code are shared objects). */
export function intern(text: string): PyStr {
  let s = interned.get(text);
  if (!s) interned.set(text, (s = new PyStr(text)));
  return s;
}

const globals = new Map<string, PyGlobal>();
/** The one object for `module.name`. */
export function global(module: string, name: string): PyGlobal {
  const key = `${module}\n${name}`;
  let g = globals.get(key);
  if (!g) globals.set(key, (g = new PyGlobal(intern(module), intern(name))));
  return g;
}

export const tuple = (...items: PyValue[]): PyTuple => new PyTuple(items);
export const float = (value: number): PyFloat => new PyFloat(value);
