"""A symbolic walk over a pickle's opcodes (pickletools.genops) that records, for every global
the pickle imports, HOW it is used:

  call   called: REDUCE / INST / OBJ callable, or a callable that an allowed helper calls
         (first argument of torch._tensor._rebuild_from_type_v2, a class handed to
         numpy.random._pickle.__bit_generator_ctor, the base of copyreg._reconstructor ...)
  new    created without its constructor: NEWOBJ / NEWOBJ_EX class, class argument of
         copyreg.__newobj__ / _reconstructor / numpy _reconstruct / Cython __pyx_unpickle_*...
  value  only referenced (an argument, a dict value, a persistent id component ...)
  build  BUILD was applied to an object that this global created (informational)

Nothing is ever imported or called: values are symbols.
"""
import io
import pickletools


class G:
    """A global (module, name)."""
    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name

    @property
    def key(self):
        return (self.module, self.name)

    def __repr__(self):
        return f"G({self.module}.{self.name})"


class Made:
    """An object produced by calling or creating a global."""
    __slots__ = ("by",)

    def __init__(self, by):
        self.by = by


class Mark:
    pass


MARK = Mark()
OPAQUE = object()

# helpers whose arguments are called / created: name -> {arg index: role}
_OBJ = ("builtins", "object")
ARG_ROLES = {
    ("copyreg", "__newobj__"): {0: "new"},
    ("copyreg", "__newobj_ex__"): {0: "new"},
    ("copyreg", "_reconstructor"): {0: "new", 1: "base"},
    ("numpy.core.multiarray", "_reconstruct"): {0: "new"},
    ("numpy._core.multiarray", "_reconstruct"): {0: "new"},
    ("numpy.ma.core", "_mareconstruct"): {0: "new", 1: "new"},
    ("numpy.random._pickle", "__bit_generator_ctor"): {0: "call"},
    ("numpy.random._pickle", "__generator_ctor"): {1: "call"},
    ("numpy.random._pickle", "__randomstate_ctor"): {1: "call"},
    ("torch._tensor", "_rebuild_from_type_v2"): {0: "call", 1: "new"},
    ("torch._tensor", "_rebuild_from_type"): {0: "call", 1: "new"},
    ("torch._utils", "_rebuild_wrapper_subclass"): {0: "new"},
    ("pandas.core.indexes.base", "_new_Index"): {0: "call"},
    ("pandas.core.indexes.datetimes", "_new_DatetimeIndex"): {0: "call"},
    ("pandas.core.indexes.period", "_new_PeriodIndex"): {0: "call"},
    ("pandas.core.indexes.interval", "_new_IntervalIndex"): {0: "call"},
}


def arg_roles(g):
    r = ARG_ROLES.get(g.key)
    if r is not None:
        return r
    if g.name.startswith("__pyx_unpickle_") or g.name == "newObj":
        return {0: "new"}
    return {}


class Result:
    def __init__(self):
        self.uses = {}          # (module, name) -> set of roles
        self.dynamic = 0        # STACK_GLOBAL with non-literal operands
        self.ext = 0            # EXT1/2/4 (copyreg extension registry)
        self.persids = 0
        self.codecs = set()     # encodings passed to _codecs.encode

    def use(self, g, role):
        self.uses.setdefault(g.key, set()).add(role)


def _globals_in(v, depth=0):
    if depth > 50:
        return
    if isinstance(v, G):
        yield v
    elif isinstance(v, (tuple, list)):
        for x in v:
            yield from _globals_in(x, depth + 1)
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from _globals_in(k, depth + 1)
            yield from _globals_in(x, depth + 1)


def simulate(data, res=None):
    """Walk one pickle (bytes). Returns (Result, end_offset)."""
    res = res or Result()
    stack, metastack, memo = [], [], {}
    f = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
    start = f.tell()
    end = None

    def pop_mark():
        nonlocal stack
        items = stack
        stack = metastack.pop()
        return items

    def value_uses(v):
        for g in _globals_in(v):
            res.use(g, "value")

    def call(fn, args):
        if isinstance(fn, G):
            res.use(fn, "call")
            roles = arg_roles(fn)
            if isinstance(args, tuple):
                for i, a in enumerate(args):
                    role = roles.get(i)
                    if isinstance(a, G) and role == "base":
                        res.use(a, "value" if a.key == _OBJ else "call")
                    elif isinstance(a, G) and role:
                        res.use(a, role)
                    else:
                        value_uses(a)
                if fn.key == ("_codecs", "encode") and len(args) > 1 and isinstance(args[1], str):
                    res.codecs.add(args[1])
            else:
                value_uses(args)
            return Made(fn)
        value_uses(args)
        return OPAQUE

    for op, arg, pos in pickletools.genops(f):
        name = op.name
        if name in ("PROTO", "FRAME"):
            continue
        if name == "STOP":
            end = f.tell()
            break
        if name == "MARK":
            metastack.append(stack)
            stack = []
        elif name in ("INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4",
                      "FLOAT", "BINFLOAT", "STRING", "BINSTRING", "SHORT_BINSTRING",
                      "UNICODE", "SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8",
                      "BINBYTES", "SHORT_BINBYTES", "BINBYTES8", "BYTEARRAY8"):
            stack.append(arg)
        elif name in ("NONE",):
            stack.append(None)
        elif name == "NEWTRUE":
            stack.append(True)
        elif name == "NEWFALSE":
            stack.append(False)
        elif name in ("NEXT_BUFFER",):
            stack.append(OPAQUE)
        elif name == "READONLY_BUFFER":
            pass
        elif name in ("EMPTY_LIST",):
            stack.append([])
        elif name == "EMPTY_TUPLE":
            stack.append(())
        elif name == "EMPTY_DICT":
            stack.append({})
        elif name == "EMPTY_SET":
            stack.append([])
        elif name == "LIST":
            items = list(pop_mark())
            stack.append(items)
        elif name == "TUPLE":
            items = tuple(pop_mark())
            stack.append(items)
        elif name == "TUPLE1":
            stack[-1:] = [tuple(stack[-1:])]
        elif name == "TUPLE2":
            stack[-2:] = [tuple(stack[-2:])]
        elif name == "TUPLE3":
            stack[-3:] = [tuple(stack[-3:])]
        elif name == "DICT":
            items = pop_mark()
            d = {}
            for i in range(0, len(items) - 1, 2):
                d[_hashable(items[i])] = items[i + 1]
            stack.append(d)
        elif name == "FROZENSET":
            items = list(pop_mark())
            stack.append(items)
        elif name == "APPEND":
            v = stack.pop()
            tgt = stack[-1]
            if isinstance(tgt, list):
                tgt.append(v)
            else:
                value_uses(v)
                _mutated(res, tgt)
        elif name in ("APPENDS", "ADDITEMS"):
            items = pop_mark()
            tgt = stack[-1]
            if isinstance(tgt, list):
                tgt.extend(items)
            else:
                value_uses(items)
                _mutated(res, tgt)
        elif name == "SETITEM":
            v = stack.pop()
            k = stack.pop()
            tgt = stack[-1]
            if isinstance(tgt, dict):
                tgt[_hashable(k)] = v
            else:
                value_uses((k, v))
                _mutated(res, tgt)
        elif name == "SETITEMS":
            items = pop_mark()
            tgt = stack[-1]
            if isinstance(tgt, dict):
                for i in range(0, len(items) - 1, 2):
                    tgt[_hashable(items[i])] = items[i + 1]
            else:
                value_uses(items)
                _mutated(res, tgt)
        elif name == "POP":
            if stack:
                value_uses(stack.pop())
            else:
                pop_mark()
        elif name == "POP_MARK":
            value_uses(pop_mark())
        elif name == "DUP":
            stack.append(stack[-1])
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo.get(arg, OPAQUE))
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = stack[-1]
        elif name == "MEMOIZE":
            memo[len(memo)] = stack[-1]
        elif name == "GLOBAL":
            module, gname = arg.split(" ", 1)
            stack.append(G(module, gname))
        elif name == "STACK_GLOBAL":
            gname = stack.pop()
            module = stack.pop()
            if isinstance(module, str) and isinstance(gname, str):
                stack.append(G(module, gname))
            else:
                res.dynamic += 1
                stack.append(OPAQUE)
        elif name in ("EXT1", "EXT2", "EXT4"):
            res.ext += 1
            stack.append(OPAQUE)
        elif name == "REDUCE":
            args = stack.pop()
            fn = stack.pop()
            stack.append(call(fn, args))
        elif name == "NEWOBJ":
            args = stack.pop()
            cls = stack.pop()
            if isinstance(cls, G):
                res.use(cls, "new")
            value_uses(args)
            stack.append(Made(cls) if isinstance(cls, G) else OPAQUE)
        elif name == "NEWOBJ_EX":
            kwargs = stack.pop()
            args = stack.pop()
            cls = stack.pop()
            if isinstance(cls, G):
                res.use(cls, "new")
            value_uses((args, kwargs))
            stack.append(Made(cls) if isinstance(cls, G) else OPAQUE)
        elif name == "INST":
            module, gname = arg.split(" ", 1)
            g = G(module, gname)
            args = tuple(pop_mark())
            stack.append(call(g, args))
        elif name == "OBJ":
            items = pop_mark()
            cls, args = items[0], tuple(items[1:])
            stack.append(call(cls, args))
        elif name == "BUILD":
            state = stack.pop()
            inst = stack[-1]
            value_uses(state)
            if isinstance(inst, Made) and isinstance(inst.by, G):
                res.use(inst.by, "build")
        elif name in ("PERSID", "BINPERSID"):
            res.persids += 1
            pid = stack.pop() if name == "BINPERSID" else arg
            value_uses(pid)
            stack.append(OPAQUE)
        else:
            raise ValueError(f"unhandled opcode {name}")
    # whatever is left is a value
    for v in stack:
        value_uses(v)
    return res, (end - start if end is not None else None)


def _hashable(k):
    try:
        hash(k)
        return k
    except TypeError:
        return id(k)


def _mutated(res, tgt):
    if isinstance(tgt, Made) and isinstance(tgt.by, G):
        res.use(tgt.by, "setitem/append")


def simulate_stream(data, max_pickles=8):
    """Several pickles back to back (legacy torch.save writes five)."""
    res = Result()
    f = io.BytesIO(data)
    n = 0
    while f.tell() < len(data) and n < max_pickles:
        try:
            _, end = simulate(f, res)
        except Exception:  # noqa: BLE001 - raw data after the pickles
            break
        n += 1
        if end is None:
            break
    return res, n
