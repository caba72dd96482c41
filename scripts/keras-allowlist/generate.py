"""Writes src/detectors/keras/allowlist.json: what a Keras config may resolve.

Run from the repository root in a venv with the keras (and tensorflow-cpu) wheels, see
README.md beside this script. Keras 3 resolves a config's `module` + `class_name` (or, for
`{"class_name": "function"}`, its function name) by its export table
(`keras.src.api_export`), among its built-in modules for `module: "builtins"`, or by importing
the module and taking the name from it (`_retrieve_class_or_fn` in
keras/src/saving/serialization_lib.py; older releases import any module). The allow-list is
what that resolution can legitimately reach:

  classes    every serialisable class (a subclass of `KerasSaveable`: layers, models, losses,
             metrics, optimizers, operations; or of Initializer, Regularizer, Constraint,
             DTypePolicy, LearningRateSchedule) by its defining `keras.src.*` path and every
             public `keras.*` path that exports it
  functions  the public functions of the modules Keras deserialises functions from
             (activations, losses, metrics, initializers, regularizers, constraints,
             optimizers), by public and defining path
  builtins   the function names Keras finds for `module: "builtins"`

Nothing scanned is involved here: the script only introspects the installed keras package.
"""

import importlib
import inspect
import json
import os
import pkgutil
import sys
import types

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
from keras.src import api_export  # noqa: E402
from keras.src.saving import serialization_lib  # noqa: E402
from keras.src.constraints.constraints import Constraint  # noqa: E402
from keras.src.dtype_policies.dtype_policy import DTypePolicy  # noqa: E402
from keras.src.initializers.initializer import Initializer  # noqa: E402
from keras.src.optimizers.schedules.learning_rate_schedule import LearningRateSchedule  # noqa: E402
from keras.src.regularizers.regularizers import Regularizer  # noqa: E402
from keras.src.saving.keras_saveable import KerasSaveable  # noqa: E402

# The roots of every class a config deserialises: KerasSaveable (layers, models, losses,
# metrics, optimizers, operations) and the config-only families outside it.
ROOTS = (KerasSaveable, Initializer, Regularizer, Constraint, DTypePolicy, LearningRateSchedule)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "src", "detectors", "keras", "allowlist.json")

# Subpackages that import other backends, test code or tools, never model objects.
SKIP = ("keras.src.backend.jax", "keras.src.backend.torch", "keras.src.backend.openvino", "keras.src.testing", "keras.src.export")

# The public functions a config may name: those of the modules Keras 3 itself searches for
# `builtins` functions (serialization_lib.BUILTIN_MODULES), under any public path.
FUNCTION_MODULES = {f"keras.{m}" for m in serialization_lib.BUILTIN_MODULES} | {"keras.optimizers.schedules"}

# The helpers every one of those modules exports: they deserialize or look up another object
# from a config or a name (a nested `deserialize_keras_object`), so a config never names them.
NOT_MODEL_FUNCTIONS = {"get", "serialize", "deserialize"}


def import_all():
    """Imports every keras.src module, so every serialisable class is defined."""
    failed = []
    for info in pkgutil.walk_packages(keras.src.__path__, "keras.src."):
        if info.name.startswith(SKIP) or "_test" in info.name:
            continue
        try:
            importlib.import_module(info.name)
        except Exception as e:  # a backend or optional dependency that is not installed
            failed.append(f"{info.name}: {type(e).__name__}")
    return failed


def saveable_classes():
    seen, stack = set(ROOTS), list(ROOTS)
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return {c for c in seen if c.__module__.split(".")[0] == "keras"}


def public_paths():
    """Every `keras.*` public path and the object it names (aliases included)."""
    out = {}
    stack, visited = [keras], set()
    while stack:
        mod = stack.pop()
        if mod.__name__ in visited:
            continue
        visited.add(mod.__name__)
        for name, obj in vars(mod).items():
            if name.startswith("_") and name != "__version__":
                continue
            if isinstance(obj, types.ModuleType):
                if obj.__name__.startswith("keras.") and not obj.__name__.startswith("keras.src"):
                    stack.append(obj)
                continue
            out.setdefault(f"{mod.__name__}.{name}", obj)
    # The canonical export names Keras looks up first.
    for name, obj in api_export.REGISTERED_NAMES_TO_OBJS.items():
        out.setdefault(name, obj)
    return out


def main():
    failed = import_all()
    classes = saveable_classes()
    public = public_paths()
    allowed_classes, allowed_functions, builtins = set(), set(), set()
    for cls in classes:
        allowed_classes.add(f"{cls.__module__}.{cls.__name__}")
    functions = set()
    for path, obj in public.items():
        module = path.rsplit(".", 1)[0]
        if inspect.isclass(obj) and obj in classes:
            allowed_classes.add(path)
        elif inspect.isfunction(obj) and module in FUNCTION_MODULES and path.rsplit(".", 1)[1] not in NOT_MODEL_FUNCTIONS:
            allowed_functions.add(path)
            functions.add(obj)
    for fn in functions:
        allowed_functions.add(f"{fn.__module__}.{fn.__name__}")
    # `{"module": "builtins", "class_name": "function", "config": name}`: searched in keras.<mod>.
    for mod in serialization_lib.BUILTIN_MODULES:
        for path in public:
            name = path.rsplit(".", 1)[1]
            if path.startswith(f"keras.{mod}.") and path.count(".") == 2 and inspect.isfunction(public[path]) and name not in NOT_MODEL_FUNCTIONS:
                builtins.add(name)
    # Keras itself refuses these by name (NON_MODELING_APIS); none may be allowed.
    denied = set(serialization_lib.NON_MODELING_APIS)
    assert not (denied & (allowed_classes | allowed_functions)), denied & (allowed_classes | allowed_functions)
    out = {
        "schema": "modelgate/keras-allowlist@1",
        "generator": "scripts/keras-allowlist/generate.py",
        "keras": keras.__version__,
        "classes": sorted(allowed_classes),
        "functions": sorted(allowed_functions),
        "builtins": sorted(builtins),
    }
    with open(OUT, "w", encoding="utf8") as f:
        json.dump(out, f, indent=0)
        f.write("\n")
    print(
        f"keras {keras.__version__}: {len(allowed_classes)} class paths, {len(allowed_functions)} function paths, "
        f"{len(builtins)} builtins names; {len(failed)} modules not importable: {failed}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
