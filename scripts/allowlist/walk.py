"""Introspection of the installed libraries: builds one environment's entries.

Run only through generate.py. Imports library modules (never scanned files).
"""
import enum
import importlib
import inspect
import io
import pickle
import pickletools
import pkgutil
import re
import sys
import warnings

import curated

MISSING = object()
_MOD_RE = re.compile(curated.EXCLUDED_MODULE_RE)
_CLS_RE = re.compile(curated.EXCLUDED_CLASS_RE)


def log(*a):
    print("[walk]", *a, file=sys.stderr)


def import_quiet(name):
    """Import a module, swallowing everything it prints or raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = io.StringIO()
        try:
            return importlib.import_module(name)
        except BaseException:  # noqa: BLE001 - SystemExit from odd modules too
            return None
        finally:
            sys.stdout, sys.stderr = saved


def resolve(module, qualname):
    """What GLOBAL module/qualname resolves to here (as pickle's find_class does)."""
    m = sys.modules.get(module) or import_quiet(module)
    if m is None:
        return MISSING
    obj = m
    for part in qualname.split("."):
        try:
            obj = getattr(obj, part)
        except BaseException:  # noqa: BLE001
            return MISSING
    return obj


def module_excluded(name):
    if name in curated.MODULE_ALLOW_OVERRIDE:
        return False
    parts = name.split(".")
    if any(p in curated.EXCLUDED_MODULE_PARTS for p in parts):
        return True
    return bool(_MOD_RE.search(name))


def class_excluded(module, qualname, cls):
    if (module, qualname) in curated.EXCLUDED_CLASSES:
        return True
    if (module, qualname) in curated.DENIED:
        return True
    # enums are value lookups whatever their name (DistributedType, HubStrategy ...)
    if not is_enum_with_members(cls) and any(_CLS_RE.search(p) for p in qualname.split(".")):
        return True
    try:
        if issubclass(cls, BaseException):
            return True
        for bm, bq in curated.EXCLUDED_BASES:
            b = sys.modules.get(bm) and resolve(bm, bq)
            if isinstance(b, type) and issubclass(cls, b):
                return True
    except TypeError:
        return True
    return module_excluded(module)


def walk_modules(root, recurse, only=None):
    """Yield (name, module) for root and, if recurse, its submodules, never importing an
    excluded module."""
    mod = import_quiet(root)
    if mod is None:
        log("cannot import", root)
        return
    yield root, mod
    if not recurse or not hasattr(mod, "__path__"):
        return
    stack = [(root, list(mod.__path__))]
    seen = {root}
    while stack:
        pkg, path = stack.pop()
        try:
            infos = list(pkgutil.iter_modules(path, pkg + "."))
        except Exception:  # noqa: BLE001
            continue
        for info in sorted(infos, key=lambda i: i.name):
            name = info.name
            if name in seen or module_excluded(name):
                continue
            seen.add(name)
            if only == "config_modules" and not info.ispkg and \
                    not name.rsplit(".", 1)[1].startswith("configuration_"):
                continue
            m = import_quiet(name)
            if m is None:
                continue
            yield name, m
            if info.ispkg and hasattr(m, "__path__"):
                stack.append((name, list(m.__path__)))


def is_enum_with_members(cls):
    try:
        return issubclass(cls, enum.Enum) and len(cls.__members__) > 0
    except Exception:  # noqa: BLE001
        return False


def collect(env_entries, module, qualname, kind, why):
    """env_entries: {(module, qualname): kind}; class-call beats class."""
    key = (module, qualname)
    if key in curated.DENIED:
        log("refusing denied", key, "from", why)
        return
    old = env_entries.get(key)
    if old is None or (old == "class" and kind == "class-call"):
        env_entries[key] = kind


def _class_call_bases():
    out = []
    for m, q in curated.CLASS_CALL_BASES:
        b = resolve(m, q)
        if inspect.isclass(b):
            out.append(b)
    return tuple(out)


def walked_kind(cls, module, bases):
    if is_enum_with_members(cls) or module in curated.CLASS_CALL_MODULES:
        return "class-call"
    try:
        if bases and issubclass(cls, bases):
            return "class-call"
    except TypeError:
        pass
    return "class"


def walk_classes(env_entries):
    walked_modules = []
    bases = None
    for spec in curated.CLASS_ROOTS:
        prefixes = spec["prefixes"]
        only = spec.get("only")
        n_before = len(env_entries)
        for modname, mod in walk_modules(spec["root"], spec["recurse"], only):
            walked_modules.append((modname, mod))
            if only == "config_modules" and not modname.rsplit(".", 1)[-1].startswith("configuration_"):
                continue
            todo = [v for v in list(vars(mod).values()) if inspect.isclass(v)]
            while todo:
                cls = todo.pop()
                try:
                    cmod, qn = cls.__module__, cls.__qualname__
                except Exception:  # noqa: BLE001
                    continue
                if not isinstance(cmod, str) or not isinstance(qn, str) or "<" in qn:
                    continue
                if not any(cmod == p or cmod.startswith(p + ".") for p in prefixes):
                    continue
                name = qn.rsplit(".", 1)[-1]
                if only == "torch_toplevel" and not (
                        name.endswith("Storage") or name.endswith("Tensor")
                        or name in curated.TORCH_TOPLEVEL_CLASSES):
                    continue
                if only == "storage_types" and not name.endswith("Storage"):
                    continue
                if only == "enums" and not is_enum_with_members(cls):
                    continue
                if class_excluded(cmod, qn, cls):
                    continue
                if resolve(cmod, qn) is not cls:
                    continue
                if (cmod, qn) in env_entries:
                    continue
                if bases is None:
                    bases = _class_call_bases()
                collect(env_entries, cmod, qn, walked_kind(cls, cmod, bases), spec["root"])
                # nested classes (qualname A.B)
                for v in list(vars(cls).values()):
                    if inspect.isclass(v) and getattr(v, "__qualname__", "") == qn + "." + v.__name__:
                        todo.append(v)
        log(f"{spec['root']}: +{len(env_entries) - n_before}")
    return walked_modules


def walk_aliases(env_entries):
    """Old module paths (torch.nn.quantized...) that resolve to a walked class."""
    by_obj = {}
    for (m, q), kind in env_entries.items():
        if kind in ("class", "class-call"):
            obj = resolve(m, q)
            if obj is not MISSING:
                by_obj[id(obj)] = (obj, kind)
    added = 0
    for root in curated.ALIAS_ROOTS:
        for modname, mod in walk_modules(root, True):
            for attr, v in list(vars(mod).items()):
                if not inspect.isclass(v) or id(v) not in by_obj:
                    continue
                if getattr(v, "__module__", None) == modname:
                    continue  # defined here: already collected if allowed
                if (modname, attr) not in env_entries and getattr(mod, attr, None) is v:
                    collect(env_entries, modname, attr, by_obj[id(v)][1], "alias:" + root)
                    added += 1
    log(f"aliases: +{added}")


def walk_pyx_unpickle(env_entries, walked_modules):
    """Cython auto-pickle helpers __pyx_unpickle_<Cls>(type, checksum, state) in the walked
    modules: they do <Cls>.__new__(type) and assign the cdef fields from a tuple."""
    added = 0
    for modname, mod in walked_modules:
        for attr, v in list(vars(mod).items()):
            if not attr.startswith("__pyx_unpickle_") or not callable(v) or inspect.isclass(v):
                continue
            target = attr[len("__pyx_unpickle_"):]
            tcls = getattr(mod, target, None)
            if not inspect.isclass(tcls):
                continue
            key = (getattr(tcls, "__module__", modname), getattr(tcls, "__qualname__", target))
            if key not in env_entries:
                continue
            # the name a pickle uses: the function's own __module__ (may differ from where
            # it was found, e.g. sklearn 1.6's "_loss")
            for m in {modname, getattr(v, "__module__", None) or modname}:
                if resolve(m, attr) is v and (m, attr) not in env_entries:
                    collect(env_entries, m, attr, "function", "pyx")
                    added += 1
    log(f"__pyx_unpickle helpers: +{added}")


def curated_functions(env_entries):
    missing = []
    for (m, q), why in sorted(curated.FUNCTIONS.items()):
        obj = resolve(m, q)
        if obj is MISSING:
            missing.append(f"{m}.{q}")
            continue
        if inspect.isclass(obj) or not callable(obj):
            log("curated function is not a function here:", m, q, type(obj))
            missing.append(f"{m}.{q}")
            continue
        collect(env_entries, m, q, "function", "curated")
    return missing


def curated_class_calls(env_entries):
    missing = []
    for (m, q) in sorted(curated.CLASS_CALL):
        obj = resolve(m, q)
        if obj is MISSING or not inspect.isclass(obj):
            missing.append(f"{m}.{q}")
            continue
        collect(env_entries, m, q, "class-call", "curated")
    for (m, q) in sorted(curated.EXTRA_CLASSES):
        obj = resolve(m, q)
        if obj is MISSING or not inspect.isclass(obj):
            missing.append(f"{m}.{q}")
            continue
        collect(env_entries, m, q, "class", "curated")
    return missing


def ufuncs(env_entries):
    np = import_quiet("numpy")
    if np is None:
        return
    added = 0
    for modname in curated.UFUNC_MODULES:
        mod = import_quiet(modname)
        if mod is None:
            continue
        for attr, v in list(vars(mod).items()):
            if not isinstance(v, np.ufunc):
                continue
            pairs = set()
            if resolve(modname, attr) is v:
                pairs.add((modname, attr))
            try:  # the exact name a pickle of this ufunc uses
                for op, arg, _ in pickletools.genops(pickle.dumps(v, protocol=2)):
                    if op.name == "GLOBAL":
                        gm, gn = arg.split(" ", 1)
                        if resolve(gm, gn) is v:
                            pairs.add((gm, gn))
            except Exception:  # noqa: BLE001
                pass
            for gm, gn in pairs:
                if (gm, gn) not in env_entries:
                    collect(env_entries, gm, gn, "function", "ufunc")
                    added += 1
    log(f"ufuncs: +{added}")


def constants(env_entries):
    torch = import_quiet("torch")
    if torch is not None:
        types = tuple(getattr(torch, t) for t in curated.TORCH_CONSTANT_TYPES if hasattr(torch, t))
        for attr, v in sorted(vars(torch).items()):
            if isinstance(v, types) and not attr.startswith("_"):
                collect(env_entries, "torch", attr, "constant", "torch")
    missing = []
    for m, q in sorted(curated.EXTRA_CONSTANTS):
        obj = resolve(m, q)
        if obj is MISSING or inspect.isclass(obj) or inspect.isfunction(obj):
            missing.append(f"{m}.{q}")
            continue
        collect(env_entries, m, q, "constant", "curated")
    return missing


def stdlib_enums(env_entries):
    """Enum classes with members DEFINED in curated.STDLIB_ENUM_MODULES, as class-call (a call
    with one value is a member lookup). Returns the (module, qualname) pairs found: generate.py
    lets these, and only these, into otherwise forbidden modules (socket, signal, ssl...)."""
    found = []
    for modname in curated.STDLIB_ENUM_MODULES:
        mod = import_quiet(modname)
        if mod is None:
            continue
        for v in list(vars(mod).values()):
            if not inspect.isclass(v) or not is_enum_with_members(v):
                continue
            cmod, qn = v.__module__, v.__qualname__
            if cmod != modname or "<" in qn or resolve(cmod, qn) is not v:
                continue
            collect(env_entries, cmod, qn, "class-call", "stdlib enum")
            found.append([cmod, qn])
    log(f"stdlib enums: +{len(found)}")
    return sorted(found)


def enum_members(env_entries):
    """Members of every collected Enum, as constants (`module`, `Qual.MEMBER`): Python 3.11
    pickles a member of a mixed-in enum (`class Format(str, Enum)`) by name, as
    getattr(Format, 'NCHW'), which the scanner judges as the dotted name it reaches."""
    added = 0
    for (m, q), kind in list(env_entries.items()):
        if kind != "class-call":
            continue
        cls = resolve(m, q)
        if not is_enum_with_members(cls):
            continue
        for name in cls.__members__:
            if name.isidentifier() and (m, f"{q}.{name}") not in env_entries:
                env_entries[(m, f"{q}.{name}")] = "constant"
                added += 1
    log(f"enum members: +{added}")


def build(env_entries):
    """Fill env_entries {(module, qualname): kind}; return notes."""
    notes = {}
    walked = walk_classes(env_entries)
    walk_aliases(env_entries)
    walk_pyx_unpickle(env_entries, walked)
    ufuncs(env_entries)
    notes["enum_lookups"] = stdlib_enums(env_entries)
    # curated last so that class-call overrides class
    notes["missing_functions"] = curated_functions(env_entries)
    notes["missing_class_calls"] = curated_class_calls(env_entries)
    notes["missing_constants"] = constants(env_entries)
    enum_members(env_entries)
    return notes
