#!/usr/bin/env python3
"""Generate src/detectors/pickle/allowlist.json from the real libraries.

Development-time only: modelgate never runs Python at scan time and never executes scanned
content; this script imports the LIBRARIES (torch, sklearn, numpy, pandas ...) to read their
classes and pickles objects it builds itself. It never reads model files.

Two steps, because the list must cover more than one release of each library:

  1. in each Python environment (old Debian packages, newer wheels, ...):
       python generate.py partial --label debian-bookworm --out /tmp/allowlist-debian.json
     writes that environment's entries plus the probe results (probe.py: real objects
     pickled with protocols 0-5, torch.save, joblib.dump, DataFrame.to_pickle).

  2. once, with any Python:
       python generate.py merge /tmp/allowlist-*.json
     merges the partials into src/detectors/pickle/allowlist.json (entries record which package
     versions they were seen in), runs the sanity checks (nothing dangerous is listed) and
     the coverage check (every global the real pickles call or create is allowed, or is
     denied on purpose with a reason), and writes scripts/allowlist/probe-report.json.

What goes into the list and why is in curated.py (curated functions and class-calls, the
walked module roots, the exclusion rules, the DENIED names). See README.md.
"""
import argparse
import json
import os
import platform
import re
import subprocess  # only to ask dpkg for Debian package versions
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import curated  # noqa: E402

SCHEMA = "modelgate/pickle-allowlist@1"
DEFAULT_OUT = os.path.join(REPO, "src", "detectors", "pickle", "allowlist.json")
DEFAULT_REPORT = os.path.join(HERE, "probe-report.json")

# top-level module -> distribution name (for "seen"); anything else is the stdlib ("python")
OWNERS = {
    "torch": "torch", "torchvision": "torchvision", "sklearn": "scikit-learn", "numpy": "numpy",
    "pandas": "pandas", "scipy": "scipy", "joblib": "joblib", "transformers": "transformers",
    "accelerate": "accelerate", "lightning": "lightning", "lightning_fabric": "lightning",
    "pytorch_lightning": "pytorch-lightning", "dateutil": "python-dateutil", "pytz": "pytz",
    "_loss": "scikit-learn",  # scikit-learn 1.6's Cython loss module (see curated.CLASS_ROOTS)
    "pyarrow": "pyarrow", "timm": "timm",
}

# Modules and names that must never appear in the output, whatever the rules above say.
FORBIDDEN_MODULES = [
    "os", "posix", "nt", "sys", "subprocess", "operator", "_operator", "functools",
    "importlib", "pickle", "_pickle", "marshal", "types", "pydoc", "pkgutil", "runpy", "timeit",
    "cProfile", "profile", "shutil", "socket", "urllib", "http", "webbrowser", "io", "_io",
    "logging", "code", "codeop", "ctypes", "multiprocessing", "threading", "_thread", "asyncio",
    "signal", "pty", "tempfile", "glob", "zipfile", "tarfile", "sqlite3", "inspect", "ast",
    "builtins.eval", "imp", "zipimport", "bdb", "pdb", "trace", "doctest", "idlelib", "lib2to3",
    "test", "unittest", "distutils", "setuptools", "pip", "ensurepip", "venv", "site",
    "cloudpickle", "dill", "torch.hub", "torch.utils.collect_env", "torch.utils.cpp_extension",
    "torch.distributed", "torch.multiprocessing", "torch._dynamo", "torch.fx", "torch.package",
    "torch.utils.data", "numpy.testing", "numpy.lib", "numpy.distutils", "numpy.f2py",
    "pandas.io", "pandas.compat", "sklearn.datasets", "sklearn.externals", "joblib.parallel",
    "joblib.memory", "joblib.numpy_pickle_compat", "accelerate.launchers", "zoneinfo",
    # pyarrow: readers, file systems, IPC and RPC (only pyarrow.lib value constructors may enter)
    "pyarrow.ipc", "pyarrow.fs", "pyarrow._fs", "pyarrow.parquet", "pyarrow._parquet",
    "pyarrow.feather", "pyarrow.csv", "pyarrow._csv", "pyarrow.json", "pyarrow._json",
    "pyarrow.dataset", "pyarrow._dataset", "pyarrow.flight", "pyarrow._flight", "pyarrow.orc",
    "pyarrow.hdfs", "pyarrow.cffi", "pyarrow.jvm", "pyarrow.compute", "pyarrow._compute",
    "pyarrow.substrait", "pyarrow.acero", "pyarrow.cuda", "pyarrow.interchange",
]
FORBIDDEN_NAMES = {
    ("builtins", n) for n in ("eval", "exec", "compile", "getattr", "setattr", "delattr",
                              "open", "__import__", "input", "breakpoint", "globals", "locals",
                              "vars", "type", "memoryview", "print", "help", "exit", "quit")
} | {("torch", "load"), ("torch.serialization", "load"), ("numpy", "load"),
     ("numpy", "loadtxt"), ("numpy", "fromfile"), ("numpy", "memmap"), ("torch", "from_file"),
     ("torch.storage", "_load_from_bytes"), ("numpy.core", "_ufunc_reconstruct"),
     ("numpy._core", "_ufunc_reconstruct"), ("copyreg", "_reduce_ex"), ("_codecs", "decode"),
     ("torch.jit", "load"), ("pandas", "read_pickle"), ("joblib", "load")} | {
    # pyarrow.lib file, IPC and extension-type entry points (PyExtensionType unpickles: CVE-2023-47248)
    ("pyarrow.lib", n) for n in ("memory_map", "create_memory_map", "OSFile", "MemoryMappedFile",
                                 "PythonFile", "NativeFile", "input_stream", "output_stream",
                                 "ipc_read_message", "read_message", "read_schema", "read_record_batch",
                                 "read_tensor", "write_tensor", "PyExtensionType", "ExtensionType",
                                 "register_extension_type", "unregister_extension_type",
                                 "_register_py_extension_type", "load_library", "deserialize")}


def log(*a):
    print("[generate]", *a, file=sys.stderr)


# --------------------------------------------------------------------- versions
def _debian_version(path):
    try:
        pkg = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True, timeout=30).stdout
        pkg = pkg.split(":", 1)[0].strip()
        if not pkg:
            return None
        v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True,
                           text=True, timeout=30).stdout.strip()
        v = v.split(":", 1)[-1]           # epoch
        v = re.split(r"[+~-]", v, 1)[0]   # +dfsg, -N
        return v or None
    except Exception:  # noqa: BLE001
        return None


def package_versions():
    import importlib
    import importlib.metadata as md
    out = {}
    for mod, dist in OWNERS.items():
        try:
            m = importlib.import_module(mod)
        except BaseException:  # noqa: BLE001
            continue
        f = getattr(m, "__file__", None) or ""
        v = None
        if f.startswith("/usr/lib/python3/dist-packages/"):
            v = _debian_version(f)
        if v is None:
            try:
                v = md.version(dist)
            except Exception:  # noqa: BLE001
                v = getattr(m, "__version__", "unknown")
        out[dist] = str(v)
    return out


def owner(module):
    top = module.split(".", 1)[0]
    return OWNERS.get(top, "python")


# --------------------------------------------------------------------- partial
def cmd_partial(args):
    import walk
    import probe

    env_entries = {}
    notes = walk.build(env_entries)
    versions = package_versions()
    pyver = platform.python_version()
    log(f"{len(env_entries)} entries in this environment")

    pr = probe.run()
    uses = []
    for (m, n), u in sorted(pr.uses.items()):
        nm, nn = normalize(m, n)
        obj = walk.resolve(nm, nn)
        if obj is walk.MISSING:
            actual = "missing"
        elif isinstance(obj, type):
            actual = "class"
        elif callable(obj):
            actual = "function"
        else:
            actual = "constant"
        uses.append({"module": m, "name": n, "roles": sorted(u["roles"]), "libs": sorted(u["libs"]),
                     "ncases": len(u["cases"]), "examples": sorted(u["cases"])[:3], "actual": actual})
    failures = [list(c) for c in pr.cases if c[3] != "ok"]
    out = {
        "label": args.label,
        "python": pyver,
        "executable": sys.executable,
        "packages": versions,
        "entries": sorted([m, q, k] for (m, q), k in env_entries.items()),
        "notes": notes,
        "probe": {"uses": uses, "cases": len(pr.cases), "failures": failures,
                  "codecs": sorted(pr.codecs), "dynamic_stack_globals": pr.dynamic,
                  "ext_opcodes": pr.ext},
    }
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    log(f"wrote {args.out}: {len(env_entries)} entries, {len(pr.cases)} probe cases, "
        f"{len(failures)} not pickled")


# --------------------------------------------------------------------- merge
def normalize(module, name):
    """As pickle.Unpickler.find_class does for protocol < 3 (fix_imports)."""
    import _compat_pickle as cp
    if (module, name) in cp.NAME_MAPPING:
        return cp.NAME_MAPPING[(module, name)]
    if module in cp.IMPORT_MAPPING:
        return cp.IMPORT_MAPPING[module], name
    return module, name


KIND_RANK = {"constant": 0, "class": 1, "class-call": 2, "function": 3}


# Submodules of a forbidden module that hold only plain value classes (walked in curated.CLASS_ROOTS).
FORBIDDEN_MODULE_EXCEPTIONS = ["torch.utils.data.dataset", "torch.utils.data.sampler"]
# Exact curated names inside a forbidden module, each justified in curated.py.
FORBIDDEN_NAME_EXCEPTIONS = {
    ("zoneinfo", "ZoneInfo"), ("zoneinfo", "ZoneInfo._unpickle"),
    ("torch._dynamo.decorators", "_DimRange"),
    ("types", "SimpleNamespace"),  # an attribute bag: see curated.CLASS_CALL
}


def forbidden(module, name, enum_lookups=frozenset()):
    """Why (module, name) must stay out, or None. An Enum class with members that walk.py's
    stdlib_enums proved (enum_lookups) may live in a forbidden module: calling it is a lookup."""
    # a member of such an enum (`socket.AddressFamily.AF_INET`) is a constant of it
    owner_enum = (module, name.rsplit(".", 1)[0]) if "." in name else None
    if ((module, name) in enum_lookups or owner_enum in enum_lookups) and (module, name) not in FORBIDDEN_NAMES \
            and (module, name) not in curated.DENIED:
        return None
    if (module, name) in FORBIDDEN_NAME_EXCEPTIONS or \
            any(module == e or module.startswith(e + ".") for e in FORBIDDEN_MODULE_EXCEPTIONS):
        return (f"{module}.{name}") if (module, name) in curated.DENIED else None
    for f in FORBIDDEN_MODULES:
        if "." in f and f.startswith("builtins."):
            if module == "builtins" and name == f.split(".", 1)[1]:
                return f
        elif module == f or module.startswith(f + "."):
            return f
    if (module, name) in FORBIDDEN_NAMES:
        return f"{module}.{name}"
    if (module, name) in curated.DENIED:
        return "DENIED"
    return None


def cmd_merge(args):
    partials = []
    for p in args.partials:
        with open(p) as f:
            partials.append(json.load(f))
    sources = {}
    merged = {}   # (m, q) -> {"kinds": {kind: set(seen)}, "seen": set}
    enum_lookups = {tuple(x) for part in partials for x in part["notes"].get("enum_lookups", [])}
    if args.base:
        # Keep what environments that cannot be rebuilt here contributed: the committed list's
        # entries (with their "seen" tags) and sources count as one more partial.
        with open(args.base) as f:
            base = json.load(f)
        for s in base["sources"]:
            sources[(s["package"], s["version"], s["python"])] = True
        for m, names in base["entries"].items():
            for q, e in names.items():
                b = merged.setdefault((m, q), {"kinds": {}, "seen": set()})
                b["kinds"].setdefault(e["kind"], set()).update(e["seen"])
                b["seen"].update(e["seen"])
    for part in partials:
        pyshort = ".".join(part["python"].split(".")[:2])
        pk = dict(part["packages"])
        pk["python"] = part["python"]
        for dist, ver in pk.items():
            sources[(dist, ver, pyshort)] = True
        for m, q, kind in part["entries"]:
            dist = owner(m)
            tag = f"{dist} {pk.get(dist, 'unknown')}"
            e = merged.setdefault((m, q), {"kinds": {}, "seen": set()})
            e["kinds"].setdefault(kind, set()).add(tag)
            e["seen"].add(tag)

    problems = []
    entries = {}
    conflicts = []
    for (m, q), e in sorted(merged.items()):
        why = forbidden(m, q, enum_lookups if e["kinds"].keys() & {"class-call", "constant"} else frozenset())
        if why:
            problems.append(f"forbidden entry {m}.{q} ({why})")
            continue
        kinds = set(e["kinds"])
        if len(kinds) > 1:
            if kinds == {"class", "class-call"}:
                kind = "class-call"
            else:
                kind = max(kinds, key=KIND_RANK.get)
                conflicts.append(f"{m}.{q}: " + ", ".join(
                    f"{k} in {sorted(v)}" for k, v in sorted(e["kinds"].items())) + f" -> {kind}")
        else:
            kind = kinds.pop()
        entries.setdefault(m, {})[q] = {"kind": kind, "seen": sorted(e["seen"], key=_vkey)}

    used_dists = {owner(m) for m in entries}
    src_list = [{"package": d, "version": v, "python": py}
                for (d, v, py) in sorted(sources, key=lambda s: (s[0], _vkey(s[1]), s[2]))
                if d in used_dists]
    doc = {
        "schema": SCHEMA,
        "generatedBy": "scripts/allowlist/generate.py",
        "sources": src_list,
        "entries": entries,
    }

    # coverage of the real pickles, against the merged list
    report = coverage(partials, entries)
    counts = {}
    for mod in entries.values():
        for v in mod.values():
            counts[v["kind"]] = counts.get(v["kind"], 0) + 1
    report["entries_by_kind"] = dict(sorted(counts.items()))
    report["kind_conflicts"] = conflicts
    report["curated_not_found_anywhere"] = sorted(
        set.intersection(*[set(p["notes"]["missing_functions"]) for p in partials]) |
        set.intersection(*[set(p["notes"]["missing_class_calls"]) for p in partials]) |
        set.intersection(*[set(p["notes"]["missing_constants"]) for p in partials]))

    if problems:
        for p in problems:
            log("PROBLEM:", p)
        sys.exit(2)
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(args.report, "w") as f:
        f.write(_compact_report(report))
    log(f"wrote {args.out}: {counts}, {os.path.getsize(args.out)} bytes")
    log(f"wrote {args.report}: {report['summary']}")
    for c in conflicts:
        log("kind conflict:", c)
    for name in report["curated_not_found_anywhere"]:
        log("curated but found in no partial (kept only where --base has it):", name)
    for m in report["misses"]:
        log("MISS:", m["global"], m["roles"], m["libs"], m["examples"][:1])
    if report["misses"] and not args.allow_misses:
        sys.exit(1)


def _compact_report(report):
    """One global per line: small and diff-friendly."""
    parts = []
    for k in sorted(report):
        v = report[k]
        if k in ("globals", "misses") and v:
            body = ",\n".join("  " + json.dumps(r, sort_keys=True) for r in v)
            parts.append(f"{json.dumps(k)}: [\n{body}\n]")
        else:
            parts.append(f"{json.dumps(k)}: {json.dumps(v, indent=1, sort_keys=True)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _vkey(s):
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", s)]


def coverage(partials, entries):
    glob = {}
    for part in partials:
        for u in part["probe"]["uses"]:
            m, n = normalize(u["module"], u["name"])
            g = glob.setdefault((m, n), {"roles": set(), "libs": set(), "examples": [],
                                         "actual": set(), "ncases": 0, "written_as": set(),
                                         "envs": set()})
            g["roles"] |= set(u["roles"])
            g["libs"] |= set(u["libs"])
            g["actual"].add(u["actual"])
            g["ncases"] += u["ncases"]
            g["envs"].add(part["label"])
            if (u["module"], u["name"]) != (m, n):
                g["written_as"].add(f"{u['module']}.{u['name']}")
            for ex in u["examples"]:
                if len(g["examples"]) < 2 and ex not in g["examples"]:
                    g["examples"].append(f"{part['label']}:{ex}")
    rows, misses = [], []
    summary = {"covered": 0, "denied": 0, "informational": 0, "miss": 0}
    for (m, n), g in sorted(glob.items()):
        kind = entries.get(m, {}).get(n, {}).get("kind")
        roles = g["roles"]
        is_class = "class" in g["actual"]
        need = set()
        if "call" in roles:
            need.add("class-call" if is_class else "function")
        if "new" in roles or (is_class and "build" in roles):
            need.add("class")
        ok = kind is not None
        for r in need:
            if r == "class" and kind not in ("class", "class-call"):
                ok = False
            if r == "class-call" and kind != "class-call":
                ok = False
            if r == "function" and kind != "function":
                ok = False
        if ok:
            status = "covered"
        elif (m, n) in curated.DENIED or forbidden(m, n):
            status = "denied"
        elif g["libs"] <= {"hostile", "torchscript"}:
            status = "informational"
        else:
            status = "miss"
        summary[status] += 1
        row = {"global": f"{m}.{n}", "roles": sorted(roles - {"setitem/append"}) +
               (["setitem/append"] if "setitem/append" in roles else []),
               "libs": sorted(g["libs"]), "kind": kind, "status": status, "cases": g["ncases"]}
        if status != "covered" or "call" in roles:
            row["examples"] = g["examples"]
        if g["written_as"]:
            row["written_as"] = sorted(g["written_as"])
        if status == "denied":
            row["reason"] = curated.DENIED.get((m, n)) or f"forbidden: {forbidden(m, n)}"
        rows.append(row)
        if status == "miss":
            misses.append(row)
    envs = []
    for part in partials:
        envs.append({"label": part["label"], "python": part["python"],
                     "packages": part["packages"], "probe_cases": part["probe"]["cases"],
                     "not_pickled": len(part["probe"]["failures"]),
                     "not_pickled_examples": [" | ".join(map(str, f)) for f in part["probe"]["failures"]
                                              if "lambda" not in f[3]][:25],
                     "codecs_seen_in__codecs.encode": part["probe"]["codecs"],
                     "dynamic_stack_globals": part["probe"]["dynamic_stack_globals"],
                     "ext_opcodes": part["probe"]["ext_opcodes"]})
    return {"summary": summary, "environments": envs, "globals": rows, "misses": misses,
            "note": "Globals that real pickles (built by probe.py) import, how they use them "
                    "(call / new / build / value), and whether src/detectors/pickle/allowlist.json covers "
                    "them. 'written_as' is the protocol<3 spelling normalised as pickle's "
                    "find_class does (the scanner must normalise the same way)."}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("partial", help="introspect + probe the current environment")
    p.add_argument("--label", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(fn=cmd_partial)
    m = sub.add_parser("merge", help="merge partials into the allow-list")
    m.add_argument("partials", nargs="+")
    m.add_argument("--out", default=DEFAULT_OUT)
    m.add_argument("--report", default=DEFAULT_REPORT)
    m.add_argument("--base", help="a committed allowlist.json whose entries and sources are kept "
                   "(environments that cannot be rebuilt here, e.g. Debian bookworm's torch 1.13)")
    m.add_argument("--allow-misses", action="store_true",
                   help="write the files even if a probe global is not covered")
    m.set_defaults(fn=cmd_merge)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
