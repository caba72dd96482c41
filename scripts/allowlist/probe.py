"""Pickle real objects from the installed libraries and record which globals the pickles use
and how (see picklesim.py). Runs at development time only.

Each case is pickled with protocols 0-5 where the library allows it, and with the library's
own writers (torch.save zip + legacy, joblib.dump, DataFrame.to_pickle).
Cases tagged 'hostile' are NOT expected to be covered: they check that the list refuses them.
"""
import argparse
import array
import collections
import datetime
import decimal
import fractions
import functools
import io
import ipaddress
import os
import pathlib
import pickle
import random
import re
import signal
import socket
import sys
import tempfile
import traceback
import types
import uuid
import warnings
import zipfile

import picklesim

PROTOCOLS = (0, 1, 2, 3, 4, 5)


class Probe:
    def __init__(self):
        self.uses = {}        # (m, n) -> {"roles": set, "cases": set, "libs": set}
        self.cases = []       # (lib, case, fmt, status)
        self.codecs = set()
        self.dynamic = 0
        self.ext = 0

    def add_bytes(self, lib, case, fmt, data, stream=0):
        try:
            if stream:
                res, _ = picklesim.simulate_stream(data, max_pickles=stream)
            else:
                res, _ = picklesim.simulate(data)
        except Exception as e:  # noqa: BLE001
            self.cases.append((lib, case, fmt, f"sim-error: {e}"))
            return
        for key, roles in res.uses.items():
            u = self.uses.setdefault(key, {"roles": set(), "cases": set(), "libs": set()})
            u["roles"] |= roles
            u["cases"].add(f"{lib}:{case}:{fmt}")
            u["libs"].add(lib)
        self.codecs |= res.codecs
        self.dynamic += res.dynamic
        self.ext += res.ext
        self.cases.append((lib, case, fmt, "ok"))

    def pickle_all(self, lib, case, obj, protocols=PROTOCOLS):
        for p in protocols:
            try:
                data = pickle.dumps(obj, protocol=p)
            except Exception as e:  # noqa: BLE001
                self.cases.append((lib, case, f"p{p}", f"unpicklable: {type(e).__name__}: {str(e)[:80]}"))
                continue
            self.add_bytes(lib, case, f"p{p}", data)

    def fail(self, lib, case, e):
        self.cases.append((lib, case, "-", f"factory-error: {type(e).__name__}: {str(e)[:120]}"))


def _quiet():
    warnings.simplefilter("ignore")


# ----------------------------------------------------------------------------- stdlib
def probe_stdlib(pr):
    import argparse as ap
    objs = {
        "namespace": ap.Namespace(lr=0.1, layers=[1, 2], name="x", flag=True),
        "datetime": [datetime.datetime(2020, 1, 2, 3, 4, 5, 6), datetime.date(2020, 1, 2),
                     datetime.time(1, 2), datetime.timedelta(days=1),
                     datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc),
                     datetime.timezone(datetime.timedelta(hours=2), "X")],
        "numbers": [decimal.Decimal("1.25"), fractions.Fraction(1, 3), complex(1, 2), 10 ** 30],
        "uuid": uuid.UUID(int=12345),
        "containers": [collections.OrderedDict(a=1), collections.defaultdict(list, a=[1]),
                       collections.deque([1, 2]), collections.Counter("aab"), {1, 2},
                       frozenset([3]), bytearray(b"ab"), range(3), slice(1, 2), b"\x00\xff"],
        "singletons": [Ellipsis, NotImplemented, None, True],
        "paths": [pathlib.PurePosixPath("a/b"), pathlib.Path("rel/path")],
        "random_state": random.Random(1).getstate(),
        "ip": [ipaddress.ip_address("10.0.0.1"), ipaddress.ip_address("::1"), ipaddress.ip_network("10.0.0.0/8"),
               ipaddress.ip_interface("10.0.0.1/24"), ipaddress.IPv6Network("fe80::/64"),
               ipaddress.IPv6Interface("::1/128")],
        "regex": [re.compile(r"[a-z]+", re.IGNORECASE), re.compile(b"x")],
        "array": [array.array("f", [1.0, 2.0]), array.array("q", [1, 2]), array.array("u", "ab")],
        "enums": [re.IGNORECASE, socket.AddressFamily.AF_INET, socket.SocketKind.SOCK_STREAM,
                  uuid.SafeUUID.safe, signal.Signals.SIGTERM],
        "pure_windows_path": pathlib.PureWindowsPath("c:/x"),
        "rng": random.Random(3),
        "simple_namespace": types.SimpleNamespace(a=1, b="x"),
        "chain_map": collections.ChainMap({"a": 1}, {"b": 2}),
        "builtin_partials": [functools.partial(round), functools.partial(sorted, key=len),
                             functools.partial(max), functools.partial(min), functools.partial(sum),
                             functools.partial(abs), functools.partial(len)],
    }
    for case, obj in objs.items():
        pr.pickle_all("stdlib", case, obj)


# ----------------------------------------------------------------------------- numpy
def probe_numpy(pr):
    import numpy as np
    arrays = {
        "float": np.arange(6, dtype="f4").reshape(2, 3), "f8": np.linspace(0, 1, 5),
        "f16": np.ones(3, dtype=np.float16), "int": np.arange(4), "bool": np.array([True, False]),
        "complex": np.array([1 + 2j]), "unicode": np.array(["ab", "c"]),
        "bytes": np.array([b"ab"]), "object": np.array([1, "a", None, {"k": 2}], dtype=object),
        "structured": np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8", (2,))]),
        "datetime": np.array(["2020-01-01"], dtype="datetime64[ns]"),
        "timedelta": np.array([1], dtype="timedelta64[s]"),
        "fortran": np.asfortranarray(np.ones((2, 2))), "0d": np.array(3.5),
        "bigendian": np.arange(3, dtype=">i4"), "noncontig": np.arange(10)[::2],
        "matrix": np.matrix([[1, 2]]), "recarray": np.rec.array([(1, 2.0)], dtype=[("x", "i4"), ("y", "f8")]),
        "masked": np.ma.masked_array([1, 2, 3], mask=[0, 1, 0]),
        "masked_const": np.ma.masked,
    }
    for case, a in arrays.items():
        pr.pickle_all("numpy", "array_" + case, a)
    scalars = [np.float64(1.5), np.float32(2), np.int64(3), np.int8(1), np.bool_(True),
               np.str_("s"), np.bytes_(b"b"), np.datetime64("2020-01-01"), np.timedelta64(1, "D"),
               np.complex128(1j), np.void(b"\x00\x01")]
    pr.pickle_all("numpy", "scalars", scalars)
    pr.pickle_all("numpy", "dtypes", [np.dtype("f4"), np.dtype([("a", "i4")]), np.dtype("O"),
                                       np.dtype("M8[ns]"), np.dtype(">u2")])
    try:
        pr.pickle_all("numpy", "dtype_classes", [type(np.dtype("f4")), type(np.dtype("i8"))])
    except Exception as e:  # noqa: BLE001
        pr.fail("numpy", "dtype_classes", e)
    pr.pickle_all("numpy", "randomstate", np.random.RandomState(0))
    pr.pickle_all("numpy", "legacy_get_state", np.random.get_state())
    for bg in ("MT19937", "PCG64", "PCG64DXSM", "Philox", "SFC64"):
        if hasattr(np.random, bg):
            pr.pickle_all("numpy", "generator_" + bg, np.random.Generator(getattr(np.random, bg)(1)))
            pr.pickle_all("numpy", "bitgen_" + bg, getattr(np.random, bg)(1))
    pr.pickle_all("numpy", "default_rng", np.random.default_rng(0))
    pr.pickle_all("numpy", "seedsequence", np.random.SeedSequence(1))
    pr.pickle_all("numpy", "ufunc_refs", [np.log1p, np.exp, np.add])
    try:
        sd = np.dtypes.StringDType()
        pr.pickle_all("numpy", "stringdtype", np.array(["a", "bb"], dtype=sd))
    except Exception as e:  # noqa: BLE001
        pr.fail("numpy", "stringdtype", e)
    # np.save of an object array embeds a pickle after the .npy header
    try:
        buf = io.BytesIO()
        np.save(buf, np.array([1, "x"], dtype=object), allow_pickle=True)
        raw = buf.getvalue()
        hlen = int.from_bytes(raw[8:10], "little") if raw[6] == 1 else int.from_bytes(raw[8:12], "little")
        off = 10 + hlen if raw[6] == 1 else 12 + hlen
        pr.add_bytes("numpy", "npy_object", "npy", raw[off:])
    except Exception as e:  # noqa: BLE001
        pr.fail("numpy", "npy_object", e)


# ----------------------------------------------------------------------------- torch
P1_CASES = {"tensors", "state_dict_seq", "checkpoint", "module_seq", "optim_state_Adam"}


def _torch_save_variants(pr, lib, case, obj):
    if os.environ.get("PROBE_DEBUG"):
        print("[probe] torch.save", lib, case, file=sys.stderr, flush=True)
    import torch
    # protocol 1 goes through copyreg._reduce_ex, which aborts the process on some pybind11
    # objects (quantized packed params): only for plain data
    protos = (1, 2, 3, 4, 5) if case in P1_CASES else (2, 3, 4, 5)
    for p in protos:
        for legacy in (False, True):
            fmt = f"torch.save-{'legacy' if legacy else 'zip'}-p{p}"
            buf = io.BytesIO()
            try:
                torch.save(obj, buf, pickle_protocol=p, _use_new_zipfile_serialization=not legacy)
            except Exception as e:  # noqa: BLE001
                pr.cases.append((lib, case, fmt, f"unsaveable: {type(e).__name__}: {str(e)[:80]}"))
                continue
            data = buf.getvalue()
            if legacy:
                pr.add_bytes(lib, case, fmt, data, stream=5)
            else:
                with zipfile.ZipFile(io.BytesIO(data)) as z:
                    for n in z.namelist():
                        if n.endswith(".pkl"):
                            pr.add_bytes(lib, case, fmt + ":" + n.split("/", 1)[-1], z.read(n))


def probe_torch(pr):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    torch.manual_seed(0)
    cases = {}
    t = torch.randn(3, 4)
    cases["tensors"] = {
        "f32": t, "f16": t.half(), "bf16": t.bfloat16(), "i64": torch.arange(5),
        "bool": t > 0, "c64": torch.randn(2, dtype=torch.complex64), "u8": torch.zeros(2, dtype=torch.uint8),
        "view": t[1:, ::2], "scalar": torch.tensor(1.5), "empty": torch.empty(0),
        "param": nn.Parameter(torch.ones(2)), "conj": torch.randn(2, dtype=torch.complex64).conj(),
    }
    attr_t = torch.randn(2)
    attr_t.note = "extra"
    cases["tensor_with_attr"] = attr_t
    p2 = nn.Parameter(torch.ones(2))
    p2.note = "extra"
    cases["param_with_attr"] = p2
    cases["meta"] = torch.empty(3, device="meta")
    cases["sparse_coo"] = torch.eye(3).to_sparse()
    for lay in ("to_sparse_csr", "to_sparse_csc"):
        if hasattr(t, lay):
            cases["sparse_" + lay] = getattr(torch.eye(3), lay)()
    try:
        cases["quant_per_tensor"] = torch.quantize_per_tensor(t, 0.1, 10, torch.quint8)
        cases["quant_per_channel"] = torch.quantize_per_channel(
            t, torch.tensor([0.1, 0.2, 0.3]), torch.tensor([0, 1, 2]), 0, torch.qint8)
    except Exception as e:  # noqa: BLE001
        pr.fail("torch", "quantized", e)
    try:
        cases["nested"] = torch.nested.nested_tensor([torch.ones(2), torch.ones(3)])
    except Exception as e:  # noqa: BLE001
        pr.fail("torch", "nested", e)

    model = nn.Sequential(
        nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.1),
        nn.Flatten(), nn.Linear(2, 4), nn.LayerNorm(4), nn.GELU(), nn.Softmax(dim=-1), nn.Identity())
    rnn = nn.ModuleDict({"lstm": nn.LSTM(4, 4, batch_first=True), "gru": nn.GRU(4, 4),
                         "emb": nn.Embedding(10, 4), "mha": nn.MultiheadAttention(4, 2)})
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, activation="gelu"), 1)
    enc2 = nn.TransformerEncoderLayer(8, 2, 16)  # relu
    cases["module_seq"] = model
    cases["module_rnn"] = rnn
    cases["module_transformer"] = enc
    cases["module_transformer_relu"] = enc2
    cases["module_lists"] = nn.ModuleList([nn.Linear(1, 1), nn.ParameterList([nn.Parameter(torch.ones(1))]),
                                           nn.ParameterDict({"a": nn.Parameter(torch.ones(1))})])
    cases["module_dataparallel"] = nn.DataParallel(nn.Linear(2, 2))
    cases["state_dict_seq"] = model.state_dict()
    cases["state_dict_rnn"] = rnn.state_dict()
    cases["state_dict_transformer"] = enc.state_dict()
    try:
        wn = torch.nn.utils.weight_norm(nn.Linear(3, 3))
        cases["module_weight_norm"] = wn
        cases["module_spectral_norm"] = torch.nn.utils.spectral_norm(nn.Linear(3, 3))
        import torch.nn.utils.prune as prune
        pm = nn.Linear(3, 3)
        prune.l1_unstructured(pm, "weight", amount=0.5)
        cases["module_pruned"] = pm
    except Exception as e:  # noqa: BLE001
        pr.fail("torch", "weight_norm/prune", e)
    try:
        from torch.nn.utils import parametrizations
        cases["module_parametrized_weight_norm"] = parametrizations.weight_norm(nn.Linear(2, 2))
    except Exception as e:  # noqa: BLE001
        pr.fail("torch", "parametrizations", e)
    try:
        q = torch.ao.quantization.quantize_dynamic(nn.Sequential(nn.Linear(4, 4), nn.LSTM(4, 4)),
                                                   {nn.Linear, nn.LSTM}, dtype=torch.qint8)
        cases["module_quant_dynamic"] = q
        cases["state_dict_quant_dynamic"] = q.state_dict()
    except Exception as e:  # noqa: BLE001
        pr.fail("torch", "quantize_dynamic", e)
    try:
        tq = torch.ao.quantization
        m = nn.Sequential(tq.QuantStub(), nn.Conv2d(1, 1, 1), nn.ReLU(), tq.DeQuantStub())
        m.eval()
        m.qconfig = tq.get_default_qconfig("fbgemm")
        tq.prepare(m, inplace=True)
        m(torch.randn(1, 1, 4, 4))
        tq.convert(m, inplace=True)
        cases["module_quant_static"] = m
        cases["state_dict_quant_static"] = m.state_dict()
    except Exception as e:  # noqa: BLE001
        pr.fail("torch", "quantize_static", e)

    # optimizers and schedulers after one step
    lin = nn.Linear(3, 1)
    opts = {}
    for name, ctor in [("SGD", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
                       ("Adam", lambda p: torch.optim.Adam(p)), ("AdamW", lambda p: torch.optim.AdamW(p)),
                       ("RMSprop", lambda p: torch.optim.RMSprop(p)), ("Adagrad", lambda p: torch.optim.Adagrad(p)),
                       ("LBFGS", lambda p: torch.optim.LBFGS(p))]:
        try:
            o = ctor(lin.parameters())
            lin(torch.randn(2, 3)).sum().backward()
            if name == "LBFGS":
                o.step(lambda: lin(torch.randn(2, 3)).sum())
            else:
                o.step()
            opts[name] = o
            cases["optim_state_" + name] = o.state_dict()
        except Exception as e:  # noqa: BLE001
            pr.fail("torch", "optim_" + name, e)
    for name, o in opts.items():
        cases["optim_object_" + name] = o
    S = torch.optim.lr_scheduler
    sched_ctors = {
        "StepLR": lambda o: S.StepLR(o, 2), "MultiStepLR": lambda o: S.MultiStepLR(o, [1, 2]),
        "ExponentialLR": lambda o: S.ExponentialLR(o, 0.9),
        "CosineAnnealingLR": lambda o: S.CosineAnnealingLR(o, 10),
        "CosineAnnealingWarmRestarts": lambda o: S.CosineAnnealingWarmRestarts(o, 5),
        "OneCycleLR": lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=10),
        "CyclicLR": lambda o: S.CyclicLR(o, 0.01, 0.1, cycle_momentum=True),
        "ReduceLROnPlateau": lambda o: S.ReduceLROnPlateau(o),
        "LinearLR": lambda o: S.LinearLR(o), "ConstantLR": lambda o: S.ConstantLR(o),
        "PolynomialLR": lambda o: S.PolynomialLR(o),
        "SequentialLR": lambda o: S.SequentialLR(o, [S.ConstantLR(o), S.ExponentialLR(o, 0.9)], [2]),
    }
    for name, ctor in sched_ctors.items():
        try:
            o = torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1, momentum=0.9)
            s = ctor(o)
            o.step()
            s.step(1.0) if name == "ReduceLROnPlateau" else s.step()
            cases["sched_state_" + name] = s.state_dict()
            cases["sched_object_" + name] = s
        except Exception as e:  # noqa: BLE001
            pr.fail("torch", "sched_" + name, e)
    try:
        from torch.optim.swa_utils import AveragedModel, SWALR
        o = torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1)
        cases["swa_model"] = AveragedModel(nn.Linear(2, 1))
        cases["swalr_state"] = SWALR(o, swa_lr=0.05).state_dict()
    except Exception as e:  # noqa: BLE001
        pr.fail("torch", "swa", e)

    import numpy as np
    import argparse as ap
    ckpt = {
        "epoch": 3, "model_state_dict": model.state_dict(),
        "optimizer_state_dict": opts.get("Adam").state_dict() if "Adam" in opts else None,
        "loss": torch.tensor(0.5), "args": ap.Namespace(lr=0.1, layers=[1, 2]),
        "torch_rng": torch.get_rng_state(), "np_rng": np.random.get_state(), "py_rng": random.getstate(),
        "dtype": torch.float16, "device": torch.device("cpu"), "size": torch.Size([2, 3]),
        "layout": torch.strided, "version": torch.__version__, "np_array": np.ones(3),
        "np_scalar": np.float32(1.0), "path": pathlib.PurePosixPath("runs/exp1"),
        "best": {"acc": np.float64(0.9)},
    }
    cases["checkpoint"] = ckpt
    try:
        g = torch.Generator().manual_seed(1)
        cases["generator"] = g
    except Exception as e:  # noqa: BLE001
        pr.fail("torch", "generator", e)
    cases["dtypes_layouts"] = [torch.float32, torch.int8, torch.bool, torch.bfloat16, torch.complex64,
                               torch.strided, torch.sparse_coo, torch.per_tensor_affine]
    for case, obj in cases.items():
        _torch_save_variants(pr, "torch", case, obj)
    # plain pickle of the same objects (what joblib/pickle users get): expected to use
    # torch.storage._load_from_bytes (nested torch.load) - recorded, denied.
    for case in ("tensors", "module_seq", "checkpoint", "dtypes_layouts"):
        pr.pickle_all("torch-plain-pickle", case, cases[case], protocols=(2, 4, 5))

    # torchvision
    try:
        import torchvision
        for name in ("resnet18", "mobilenet_v3_small"):
            m = getattr(torchvision.models, name)()
            _torch_save_variants(pr, "torchvision", name, m)
            _torch_save_variants(pr, "torchvision", name + "_state", m.state_dict())
        try:
            det = torchvision.models.detection.fasterrcnn_mobilenet_v3_large_fpn(
                weights=None, weights_backbone=None) if hasattr(torchvision.models.detection, "fasterrcnn_mobilenet_v3_large_fpn") else None
            if det is not None:
                _torch_save_variants(pr, "torchvision", "fasterrcnn", det)
        except Exception as e:  # noqa: BLE001
            pr.fail("torchvision", "fasterrcnn", e)
    except ImportError:
        pass

    # TorchScript archive: its data.pkl is read by the C++ unpickler (informational)
    try:
        sm = torch.jit.script(nn.Linear(2, 2))
        buf = io.BytesIO()
        torch.jit.save(sm, buf)
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
            for n in z.namelist():
                if n.endswith(".pkl"):
                    pr.add_bytes("torchscript", "linear", n.split("/", 1)[-1], z.read(n))
    except Exception as e:  # noqa: BLE001
        pr.fail("torchscript", "linear", e)


# ----------------------------------------------------------------------------- sklearn
def _sk_data():
    import numpy as np
    rng = np.random.RandomState(0)
    X = rng.rand(40, 4)
    y = (X[:, 0] + X[:, 1] > 1).astype(int)
    y3 = (X[:, 0] * 3).astype(int)
    yr = X @ np.array([1.0, 2.0, -1.0, 0.5])
    return X, y, y3, yr


def sklearn_estimators():
    import numpy as np
    from sklearn import (calibration, cluster, compose, covariance, cross_decomposition, decomposition,
                         discriminant_analysis, dummy, ensemble, feature_extraction, feature_selection,
                         gaussian_process, impute, isotonic, kernel_ridge, linear_model, manifold, mixture,
                         model_selection, multiclass, multioutput, naive_bayes, neighbors, neural_network,
                         pipeline, preprocessing, random_projection, semi_supervised, svm, tree)
    X, y, y3, yr = _sk_data()
    text = ["the cat sat", "the dog ran", "a cat ran", "dogs and cats"] * 5
    yt = [0, 1, 0, 1] * 5
    gp = gaussian_process.kernels
    E = []

    def add(name, factory):
        E.append((name, factory))

    clf = lambda est, yy=y: (lambda: est().fit(X, yy))  # noqa: E731
    reg = lambda est: (lambda: est().fit(X, yr))  # noqa: E731
    for n in ("LogisticRegression", "RidgeClassifier", "Perceptron", "PassiveAggressiveClassifier",
              "LogisticRegressionCV"):
        if hasattr(linear_model, n):
            add(n, clf(getattr(linear_model, n)))
    for loss in ("hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron"):
        add("SGDClassifier_" + loss, lambda loss=loss: linear_model.SGDClassifier(loss=loss).fit(X, y))
    for loss in ("squared_error", "huber", "epsilon_insensitive"):
        add("SGDRegressor_" + loss, lambda loss=loss: linear_model.SGDRegressor(loss=loss).fit(X, yr))
    for n in ("LinearRegression", "Ridge", "Lasso", "ElasticNet", "BayesianRidge", "ARDRegression",
              "HuberRegressor", "RidgeCV", "LassoCV", "Lars", "OrthogonalMatchingPursuit", "TheilSenRegressor",
              "RANSACRegressor", "TweedieRegressor", "QuantileRegressor"):
        if hasattr(linear_model, n):
            add(n, reg(getattr(linear_model, n)))
    add("PoissonRegressor", lambda: linear_model.PoissonRegressor().fit(X, abs(yr) + 0.1))
    add("SVC_proba", lambda: svm.SVC(probability=True).fit(X, y))
    add("NuSVC", clf(svm.NuSVC))
    add("LinearSVC", clf(svm.LinearSVC))
    add("SVR", reg(svm.SVR))
    add("OneClassSVM", lambda: svm.OneClassSVM().fit(X))
    add("DecisionTreeClassifier", clf(tree.DecisionTreeClassifier, y3))
    add("DecisionTreeRegressor", reg(tree.DecisionTreeRegressor))
    add("DecisionTree_entropy", lambda: tree.DecisionTreeClassifier(criterion="entropy").fit(X, y))
    add("DecisionTree_abs", lambda: tree.DecisionTreeRegressor(criterion="absolute_error").fit(X, yr))
    add("ExtraTreeClassifier", clf(tree.ExtraTreeClassifier))
    add("RandomForestClassifier", lambda: ensemble.RandomForestClassifier(n_estimators=3).fit(X, y3))
    add("RandomForestRegressor", lambda: ensemble.RandomForestRegressor(n_estimators=3).fit(X, yr))
    add("ExtraTreesClassifier", lambda: ensemble.ExtraTreesClassifier(n_estimators=3).fit(X, y))
    add("GradientBoostingClassifier", lambda: ensemble.GradientBoostingClassifier(n_estimators=3).fit(X, y3))
    add("GradientBoostingRegressor", lambda: ensemble.GradientBoostingRegressor(n_estimators=3).fit(X, yr))
    add("HistGradientBoostingClassifier", lambda: ensemble.HistGradientBoostingClassifier(max_iter=3).fit(X, y3))
    add("HistGradientBoostingRegressor", lambda: ensemble.HistGradientBoostingRegressor(max_iter=3).fit(X, yr))
    add("AdaBoostClassifier", lambda: ensemble.AdaBoostClassifier(n_estimators=3).fit(X, y))
    add("BaggingClassifier", lambda: ensemble.BaggingClassifier(n_estimators=3).fit(X, y))
    add("IsolationForest", lambda: ensemble.IsolationForest(n_estimators=3).fit(X))
    add("VotingClassifier", lambda: ensemble.VotingClassifier(
        [("lr", linear_model.LogisticRegression()), ("nb", naive_bayes.GaussianNB())], voting="soft").fit(X, y))
    add("StackingClassifier", lambda: ensemble.StackingClassifier(
        [("lr", linear_model.LogisticRegression()), ("dt", tree.DecisionTreeClassifier())]).fit(X, y))
    add("RandomTreesEmbedding", lambda: ensemble.RandomTreesEmbedding(n_estimators=2).fit(X))
    for algo in ("kd_tree", "ball_tree", "brute"):
        add("KNeighborsClassifier_" + algo, lambda algo=algo: neighbors.KNeighborsClassifier(algorithm=algo).fit(X, y))
    add("KNeighborsRegressor", reg(neighbors.KNeighborsRegressor))
    add("NearestNeighbors_minkowski", lambda: neighbors.NearestNeighbors(metric="minkowski", p=3).fit(X))
    add("KNN_haversine", lambda: neighbors.NearestNeighbors(algorithm="ball_tree", metric="haversine").fit(X[:, :2]))
    add("KernelDensity", lambda: neighbors.KernelDensity().fit(X))
    add("LocalOutlierFactor", lambda: neighbors.LocalOutlierFactor(novelty=True).fit(X))
    add("NearestCentroid", clf(neighbors.NearestCentroid))
    add("KDTree", lambda: neighbors.KDTree(X))
    add("BallTree", lambda: neighbors.BallTree(X))
    add("DistanceMetric", lambda: neighbors.DistanceMetric.get_metric("euclidean")
        if hasattr(neighbors, "DistanceMetric") else __import__("sklearn.metrics", fromlist=["x"]).DistanceMetric.get_metric("euclidean"))
    for n in ("GaussianNB", "MultinomialNB", "BernoulliNB", "ComplementNB", "CategoricalNB"):
        add(n, clf(getattr(naive_bayes, n)))
    add("LDA", clf(discriminant_analysis.LinearDiscriminantAnalysis))
    add("QDA", clf(discriminant_analysis.QuadraticDiscriminantAnalysis))
    add("KMeans", lambda: cluster.KMeans(3, n_init=2).fit(X))
    add("MiniBatchKMeans", lambda: cluster.MiniBatchKMeans(3, n_init=2).fit(X))
    add("DBSCAN", lambda: cluster.DBSCAN().fit(X))
    add("Agglomerative", lambda: cluster.AgglomerativeClustering().fit(X))
    add("Birch", lambda: cluster.Birch().fit(X))
    add("MeanShift", lambda: cluster.MeanShift().fit(X))
    add("GaussianMixture", lambda: mixture.GaussianMixture(2).fit(X))
    add("BayesianGaussianMixture", lambda: mixture.BayesianGaussianMixture(n_components=2).fit(X))
    add("PCA", lambda: decomposition.PCA(2).fit(X))
    add("TruncatedSVD", lambda: decomposition.TruncatedSVD(2).fit(X))
    add("KernelPCA", lambda: decomposition.KernelPCA(2).fit(X))
    add("NMF", lambda: decomposition.NMF(2, max_iter=50).fit(X))
    add("LDA_topics", lambda: decomposition.LatentDirichletAllocation(2, max_iter=2).fit(X))
    add("FastICA", lambda: decomposition.FastICA(2).fit(X))
    add("Isomap", lambda: manifold.Isomap(n_neighbors=5).fit(X))
    add("EmpiricalCovariance", lambda: covariance.EmpiricalCovariance().fit(X))
    add("PLSRegression", lambda: cross_decomposition.PLSRegression(2).fit(X, yr))
    add("GaussianRandomProjection", lambda: random_projection.GaussianRandomProjection(2).fit(X))
    add("SparseRandomProjection", lambda: random_projection.SparseRandomProjection(2).fit(X))
    for n in ("StandardScaler", "MinMaxScaler", "RobustScaler", "MaxAbsScaler", "Normalizer",
              "QuantileTransformer", "PowerTransformer", "PolynomialFeatures", "KBinsDiscretizer",
              "SplineTransformer", "Binarizer"):
        if hasattr(preprocessing, n):
            add(n, lambda n=n: getattr(preprocessing, n)().fit(X))
    cat = np.array([["a", "x"], ["b", "y"], ["a", "y"]] * 4, dtype=object)
    add("OneHotEncoder", lambda: preprocessing.OneHotEncoder(handle_unknown="ignore").fit(cat))
    add("OrdinalEncoder", lambda: preprocessing.OrdinalEncoder().fit(cat))
    add("LabelEncoder", lambda: preprocessing.LabelEncoder().fit(["a", "b", "a"]))
    add("LabelBinarizer", lambda: preprocessing.LabelBinarizer().fit([0, 1, 2]))
    add("MultiLabelBinarizer", lambda: preprocessing.MultiLabelBinarizer().fit([["a"], ["b", "c"]]))
    add("FunctionTransformer_log1p", lambda: preprocessing.FunctionTransformer(np.log1p).fit(X))
    add("SimpleImputer", lambda: impute.SimpleImputer().fit(X))
    add("KNNImputer", lambda: impute.KNNImputer().fit(X))
    try:
        from sklearn.experimental import enable_iterative_imputer  # noqa: F401
        add("IterativeImputer", lambda: impute.IterativeImputer(max_iter=2).fit(X))
    except Exception:  # noqa: BLE001
        pass
    FE = feature_extraction.text
    add("CountVectorizer", lambda: FE.CountVectorizer().fit(text))
    add("TfidfVectorizer", lambda: FE.TfidfVectorizer(ngram_range=(1, 2)).fit(text))
    add("HashingVectorizer", lambda: FE.HashingVectorizer(n_features=16).fit(text))
    add("TfidfTransformer", lambda: FE.TfidfTransformer().fit(FE.CountVectorizer().fit_transform(text)))
    add("DictVectorizer", lambda: feature_extraction.DictVectorizer().fit([{"a": 1}, {"b": 2}]))
    add("SelectKBest", lambda: feature_selection.SelectKBest(k=2).fit(X, y))
    add("SelectKBest_chi2", lambda: feature_selection.SelectKBest(feature_selection.chi2, k=2).fit(X, y))
    add("SelectKBest_mi", lambda: feature_selection.SelectKBest(feature_selection.mutual_info_classif, k=2).fit(X, y))
    add("VarianceThreshold", lambda: feature_selection.VarianceThreshold().fit(X))
    add("RFE", lambda: feature_selection.RFE(linear_model.LogisticRegression(), n_features_to_select=2).fit(X, y))
    add("SelectFromModel", lambda: feature_selection.SelectFromModel(linear_model.Lasso()).fit(X, yr))
    add("Pipeline", lambda: pipeline.make_pipeline(preprocessing.StandardScaler(), decomposition.PCA(2),
                                                   linear_model.LogisticRegression()).fit(X, y))
    add("TextPipeline", lambda: pipeline.Pipeline([("v", FE.TfidfVectorizer()),
                                                   ("c", linear_model.SGDClassifier())]).fit(text, yt))
    add("FeatureUnion", lambda: pipeline.FeatureUnion([("p", decomposition.PCA(1)),
                                                       ("s", preprocessing.StandardScaler())]).fit(X))
    add("GridSearchCV", lambda: model_selection.GridSearchCV(
        linear_model.LogisticRegression(), {"C": [0.1, 1.0]}, cv=2).fit(X, y))
    add("RandomizedSearchCV", lambda: model_selection.RandomizedSearchCV(
        tree.DecisionTreeClassifier(), {"max_depth": [1, 2, 3]}, n_iter=2, cv=2).fit(X, y))
    add("CalibratedClassifierCV", lambda: calibration.CalibratedClassifierCV(svm.LinearSVC(), cv=2).fit(X, y))
    add("CalibratedClassifierCV_isotonic", lambda: calibration.CalibratedClassifierCV(
        naive_bayes.GaussianNB(), cv=2, method="isotonic").fit(X, y))
    add("MLPClassifier_adam", lambda: neural_network.MLPClassifier(hidden_layer_sizes=(5,), max_iter=20).fit(X, y))
    add("MLPClassifier_sgd", lambda: neural_network.MLPClassifier(hidden_layer_sizes=(5,), solver="sgd", max_iter=20).fit(X, y))
    add("MLPRegressor", lambda: neural_network.MLPRegressor(hidden_layer_sizes=(5,), max_iter=20).fit(X, yr))
    add("BernoulliRBM", lambda: neural_network.BernoulliRBM(2, n_iter=2).fit(X))
    add("GPC", lambda: gaussian_process.GaussianProcessClassifier(gp.RBF() + gp.WhiteKernel()).fit(X, y))
    add("GPR", lambda: gaussian_process.GaussianProcessRegressor(
        gp.ConstantKernel() * gp.Matern() + gp.DotProduct() + gp.RationalQuadratic()).fit(X, yr))
    add("IsotonicRegression", lambda: isotonic.IsotonicRegression().fit(X[:, 0], yr))
    add("KernelRidge", reg(kernel_ridge.KernelRidge))
    add("DummyClassifier", clf(dummy.DummyClassifier))
    add("DummyRegressor", reg(dummy.DummyRegressor))
    add("OneVsRest", lambda: multiclass.OneVsRestClassifier(linear_model.LogisticRegression()).fit(X, y3))
    add("OneVsOne", lambda: multiclass.OneVsOneClassifier(svm.LinearSVC()).fit(X, y3))
    add("MultiOutputRegressor", lambda: multioutput.MultiOutputRegressor(linear_model.Ridge()).fit(
        X, np.c_[yr, yr]))
    add("ClassifierChain", lambda: multioutput.ClassifierChain(linear_model.LogisticRegression()).fit(
        X, np.c_[y, 1 - y]))
    add("TransformedTargetRegressor", lambda: compose.TransformedTargetRegressor(
        regressor=linear_model.Ridge(), func=np.log1p, inverse_func=np.expm1).fit(X, np.abs(yr)))
    add("LabelSpreading", lambda: semi_supervised.LabelSpreading().fit(X, y))
    add("SelfTraining", lambda: semi_supervised.SelfTrainingClassifier(svm.SVC(probability=True)).fit(X, y))
    try:
        import pandas as pd
        df = pd.DataFrame({"num": X[:, 0], "cat": ["a", "b"] * 20, "num2": X[:, 1]})
        add("ColumnTransformer_df", lambda: pipeline.make_pipeline(compose.ColumnTransformer(
            [("n", preprocessing.StandardScaler(), ["num", "num2"]),
             ("c", preprocessing.OneHotEncoder(), ["cat"])]), linear_model.LogisticRegression()).fit(df, y))
        add("set_output_pandas", lambda: preprocessing.StandardScaler().set_output(transform="pandas").fit(df[["num"]]))
    except Exception:  # noqa: BLE001
        pass
    return E


def _joblib_probe(pr, lib, case, obj):
    """joblib.dump writes NumpyArrayWrapper objects with the array bytes right after them in
    the stream. For the probe we swap write_array for a no-op (the globals are identical)
    and probe object arrays' own nested pickles separately."""
    import joblib
    from joblib import numpy_pickle as jnp
    orig = jnp.NumpyArrayWrapper.write_array
    nested = []

    def write_array(self, array, pickler):
        if array.dtype.hasobject:
            nested.append(pickle.dumps(array, protocol=2))

    jnp.NumpyArrayWrapper.write_array = write_array
    try:
        for p in (2, 3, 4, 5):
            buf = io.BytesIO()
            try:
                joblib.dump(obj, buf, protocol=p)
            except Exception as e:  # noqa: BLE001
                pr.cases.append((lib, case, f"joblib-p{p}", f"error: {e}"))
                continue
            pr.add_bytes(lib, case, f"joblib-p{p}", buf.getvalue())
    finally:
        jnp.NumpyArrayWrapper.write_array = orig
    for i, data in enumerate(nested[:4]):
        pr.add_bytes(lib, case, f"joblib-object-array-{i}", data)


def probe_sklearn(pr):
    for name, factory in sklearn_estimators():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                est = factory()
        except Exception as e:  # noqa: BLE001
            pr.fail("sklearn", name, e)
            continue
        pr.pickle_all("sklearn", name, est)
        _joblib_probe(pr, "sklearn", name, est)


def probe_joblib(pr):
    import numpy as np
    _joblib_probe(pr, "joblib", "arrays", {"a": np.ones((3, 3)), "o": np.array([1, "x"], dtype=object),
                                           "l": [np.arange(3)], "s": np.float32(1)})


# ----------------------------------------------------------------------------- pandas
def probe_pandas(pr):
    import numpy as np
    import pandas as pd
    objs = {}
    idx = pd.date_range("2020-01-01", periods=4, freq="D")
    base = {
        "i": [1, 2, 3, 4], "f": [0.5, np.nan, 1.5, 2.0], "o": ["a", None, "c", 1], "s": ["w", "x", "y", "z"],
        "b": [True, False, True, True], "cat": pd.Categorical(["a", "b", "a", "c"]),
        "dt": idx, "td": pd.to_timedelta([1, 2, 3, 4], unit="h"),
        "per": pd.period_range("2020-01", periods=4, freq="M"),
        "itv": pd.interval_range(0, 4),
        "Int64": pd.array([1, None, 3, 4], dtype="Int64"), "boolean": pd.array([True, None, False, True], dtype="boolean"),
        "string": pd.array(["a", None, "c", "d"], dtype="string"), "Float64": pd.array([1.0, None, 2, 3], dtype="Float64"),
        "sparse": pd.arrays.SparseArray([0, 0, 1, 0]),
    }
    df = pd.DataFrame(base)
    objs["frame_mixed"] = df
    objs["frame_numeric"] = pd.DataFrame(np.arange(12.0).reshape(4, 3), columns=list("abc"))
    for tzname in ("UTC", "Europe/Berlin"):
        try:
            objs["frame_tz_" + tzname] = pd.DataFrame({"t": pd.date_range("2020", periods=3, tz=tzname)})
        except Exception as e:  # noqa: BLE001
            pr.fail("pandas", "tz " + tzname, e)
    try:
        import datetime as _dt
        objs["frame_tz_fixed"] = pd.DataFrame({"t": pd.date_range("2020", periods=2, tz=_dt.timezone.utc)})
    except Exception as e:  # noqa: BLE001
        pr.fail("pandas", "tz fixed", e)
    objs["series"] = pd.Series([1.0, 2.0], index=["x", "y"], name="s")
    objs["series_cat"] = pd.Series(pd.Categorical(["a", "b"], ordered=True))
    objs["multiindex"] = pd.DataFrame({"v": [1, 2, 3, 4]},
                                      index=pd.MultiIndex.from_product([["a", "b"], [1, 2]], names=["k", "n"]))
    objs["indexes"] = [pd.RangeIndex(5), pd.Index([1, 2]), pd.Index(["a", "b"]), pd.Index([1.5]),
                       idx, pd.TimedeltaIndex(["1 day"]), pd.PeriodIndex(["2020-01"], freq="M"),
                       pd.CategoricalIndex(["a", "b"]), pd.IntervalIndex.from_breaks([0, 1, 2]),
                       pd.Index([True, False])]
    objs["scalars"] = [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-01-01", tz="UTC"),
                       pd.Timedelta("1h"), pd.Period("2020-01", freq="M"), pd.NaT, pd.NA,
                       pd.Interval(0, 1)]
    objs["offsets"] = [pd.offsets.Day(2), pd.offsets.MonthEnd(), pd.offsets.BDay(), pd.DateOffset(months=1),
                       pd.offsets.Week(weekday=0), pd.offsets.Hour(3)]
    objs["categorical"] = pd.Categorical(["x", "y", "x"], categories=["y", "x"], ordered=True)
    objs["dtypes"] = [pd.CategoricalDtype(["a"]), pd.DatetimeTZDtype(tz="UTC"), pd.Int64Dtype(),
                      pd.StringDtype(), pd.SparseDtype("float")]
    objs["frame_with_attrs"] = df.assign(z=1)
    objs["frame_with_attrs"].attrs["note"] = "x"
    for case, obj in objs.items():
        pr.pickle_all("pandas", case, obj)
    for case in ("frame_mixed", "multiindex"):
        with tempfile.TemporaryDirectory() as d:
            fn = os.path.join(d, "x.pkl")
            objs[case].to_pickle(fn)
            with open(fn, "rb") as fh:
                pr.add_bytes("pandas", case, "to_pickle", fh.read())
        _joblib_probe(pr, "pandas", case, objs[case])


# ----------------------------------------------------------------------------- pyarrow
def probe_pyarrow(pr):
    import pyarrow as pa
    objs = {
        "arrays": [pa.array([1, 2, None]), pa.array(["a"]), pa.array([1.5], pa.float32()), pa.array([[1], [2]]),
                   pa.array([{"x": 1}]), pa.array([datetime.datetime(2020, 1, 1)], pa.timestamp("us", tz="UTC")),
                   pa.array([datetime.date(2020, 1, 1)]), pa.array([decimal.Decimal("1.5")]),
                   pa.array(["a", "b", "a"]).dictionary_encode(), pa.array([b"x"]), pa.array([True]),
                   pa.array([1], pa.int8()), pa.array([datetime.timedelta(1)]), pa.array([datetime.time(1)]),
                   pa.array([None]), pa.array(["x"], pa.large_string()),
                   pa.array([{"a": 1}], pa.map_(pa.string(), pa.int64()))],
        "containers": [pa.chunked_array([[1], [2]]), pa.table({"a": [1], "b": ["x"]}), pa.record_batch({"a": [1]})],
        "scalars": [pa.scalar(1), pa.scalar("x"), pa.scalar(1.5, pa.float16())],
        "types": [pa.schema([("a", pa.int64())], metadata={"k": "v"}), pa.large_list(pa.int8()), pa.list_(pa.int8(), 2),
                  pa.binary(3), pa.decimal128(5, 2), pa.struct([("a", pa.int8())]), pa.time32("s"), pa.duration("ms"),
                  pa.dictionary(pa.int8(), pa.string())],
    }
    for case, obj in objs.items():
        pr.pickle_all("pyarrow", case, obj)
    import pandas as pd
    frame = pd.DataFrame({"a": pd.array([1, None], dtype="int64[pyarrow]"),
                          "s": pd.array(["x", None], dtype="string[pyarrow]"),
                          "c": pd.Series(["x", "y"], dtype=pd.ArrowDtype(pa.string()))})
    pr.pickle_all("pyarrow", "pandas_arrow_frame", frame)


# ----------------------------------------------------------------------------- torch data/distributions
def probe_torch_data(pr):
    import torch
    from torch import distributions as D
    from torch.utils.data import ConcatDataset, Subset, TensorDataset, random_split
    from torch.utils.data import sampler as S
    ds = TensorDataset(torch.arange(6.0).reshape(3, 2), torch.tensor([0, 1, 0]))
    objs = {
        "datasets": [ds, Subset(ds, [0, 2]), ConcatDataset([ds, ds]),
                     random_split(ds, [2, 1], generator=torch.Generator().manual_seed(0))],
        "samplers": [S.SequentialSampler(ds), S.RandomSampler(ds), S.BatchSampler(S.SequentialSampler(ds), 2, False),
                     S.SubsetRandomSampler([0, 1]), S.WeightedRandomSampler([0.5, 0.5], 2)],
        "distributions": [D.Normal(torch.zeros(2), torch.ones(2)), D.Categorical(probs=torch.tensor([0.25, 0.75])),
                          D.Bernoulli(logits=torch.tensor([0.0])), D.MultivariateNormal(torch.zeros(2), torch.eye(2)),
                          D.Independent(D.Normal(torch.zeros(2), torch.ones(2)), 1), D.Beta(1.0, 2.0),
                          D.Gamma(1.0, 1.0), D.Uniform(0.0, 1.0), D.Dirichlet(torch.ones(3)),
                          D.TransformedDistribution(D.Normal(0.0, 1.0), [D.transforms.ExpTransform(),
                                                                          D.transforms.AffineTransform(1.0, 2.0)]),
                          D.MixtureSameFamily(D.Categorical(torch.ones(2)), D.Normal(torch.zeros(2), torch.ones(2)))],
        "constraints": [D.constraints.positive, D.constraints.interval(0.0, 1.0), D.constraints.simplex,
                        D.constraints.real, D.constraints.lower_cholesky],
    }
    for case, obj in objs.items():
        _torch_save_variants(pr, "torch_data", case, obj)


# ----------------------------------------------------------------------------- timm
def probe_timm(pr):
    import timm
    for name in ("resnet18", "vit_tiny_patch16_224", "efficientnet_b0", "convnext_atto"):
        try:
            _torch_save_variants(pr, "timm", name, timm.create_model(name, pretrained=False))
        except Exception as e:  # noqa: BLE001
            pr.fail("timm", name, e)


# ----------------------------------------------------------------------------- scipy
def probe_scipy(pr):
    import numpy as np
    import scipy.sparse as sp
    objs = {"csr": sp.csr_matrix(np.eye(3)), "csc": sp.csc_matrix(np.eye(3)), "coo": sp.coo_matrix(np.eye(3)),
            "dia": sp.diags([1, 2, 3]), "lil": sp.lil_matrix(np.eye(2))}
    if hasattr(sp, "csr_array"):
        objs["csr_array"] = sp.csr_array(np.eye(3))
    for case, obj in objs.items():
        pr.pickle_all("scipy", case, obj)


# ----------------------------------------------------------------------------- transformers etc.
def probe_transformers(pr):
    import transformers as T
    objs = {}
    for n in ("BertConfig", "GPT2Config", "LlamaConfig", "T5Config", "ViTConfig", "WhisperConfig"):
        if hasattr(T, n):
            try:
                objs[n] = getattr(T, n)()
            except Exception as e:  # noqa: BLE001
                pr.fail("transformers", n, e)
    try:
        objs["GenerationConfig"] = T.GenerationConfig(max_new_tokens=5)
    except Exception as e:  # noqa: BLE001
        pr.fail("transformers", "GenerationConfig", e)
    with tempfile.TemporaryDirectory() as d:
        for n in ("TrainingArguments", "Seq2SeqTrainingArguments"):
            try:
                objs[n] = getattr(T, n)(output_dir=d, report_to=[])
            except Exception as e:  # noqa: BLE001
                pr.fail("transformers", n, e)
        try:
            objs["TrainingArguments_used"] = T.TrainingArguments(output_dir=d, report_to=[], eval_strategy="steps",
                                                                  save_strategy="epoch", lr_scheduler_type="cosine")
            _ = objs["TrainingArguments_used"].device  # populates cached state as Trainer does
        except Exception as e:  # noqa: BLE001
            pr.fail("transformers", "TrainingArguments_used", e)
    for case, obj in objs.items():
        pr.pickle_all("transformers", case, obj)
        _torch_save_variants(pr, "transformers", case, obj)


def probe_accelerate(pr):
    import numpy as np
    import torch
    # accelerate.save_state writes random_states_N.pkl with torch.save of this dict
    states = {"step": 0, "random_state": random.getstate(), "numpy_random_seed": np.random.get_state(),
              "torch_manual_seed": torch.get_rng_state()}
    try:
        from accelerate.utils import DistributedType
        states["distributed_type"] = DistributedType.NO
    except Exception:  # noqa: BLE001
        pass
    _torch_save_variants(pr, "accelerate", "random_states", states)


def probe_lightning(pr):
    import torch
    try:
        from lightning.fabric.utilities.data import AttributeDict
    except Exception:  # noqa: BLE001
        return
    import argparse as ap
    ckpt = {"epoch": 1, "global_step": 10, "pytorch-lightning_version": "2.0.0",
            "state_dict": torch.nn.Linear(2, 2).state_dict(), "hyper_parameters": AttributeDict(lr=0.1, n=2),
            "hparams_name": "kwargs", "loops": {}, "callbacks": {"ModelCheckpoint{}": {"best_model_score": torch.tensor(0.5)}},
            "optimizer_states": [], "lr_schedulers": [], "args": ap.Namespace(lr=0.1)}
    _torch_save_variants(pr, "lightning", "checkpoint", ckpt)
    pr.pickle_all("lightning", "attributedict", AttributeDict(a=1))


# ----------------------------------------------------------------------------- hostile
def probe_hostile(pr):
    """Must NOT be covered: the coverage check expects misses here."""
    pr.pickle_all("hostile", "os.system-ref", os.system, protocols=(0, 2, 4))
    pr.pickle_all("hostile", "builtins.eval-ref", eval, protocols=(0, 2, 4))
    try:
        import cloudpickle
        pr.add_bytes("hostile", "cloudpickle-lambda", "p4", cloudpickle.dumps(lambda x: x + 1))
    except Exception:  # noqa: BLE001
        pass
    try:
        import dill
        pr.add_bytes("hostile", "dill-lambda", "p4", dill.dumps(lambda x: x + 1))
    except Exception:  # noqa: BLE001
        pass


PROBES = [("stdlib", probe_stdlib), ("numpy", probe_numpy), ("torch", probe_torch),
          ("sklearn", probe_sklearn), ("joblib", probe_joblib), ("pandas", probe_pandas),
          ("scipy", probe_scipy), ("pyarrow", probe_pyarrow), ("torch_data", probe_torch_data),
          ("timm", probe_timm), ("transformers", probe_transformers),
          ("accelerate", probe_accelerate), ("lightning", probe_lightning), ("hostile", probe_hostile)]


def run(only=None):
    pr = Probe()
    for name, fn in PROBES:
        if only and name not in only:
            continue
        try:
            with warnings.catch_warnings():
                _quiet()
                fn(pr)
            print(f"[probe] {name}: done", file=sys.stderr)
        except ImportError as e:
            print(f"[probe] {name}: not installed ({e})", file=sys.stderr)
        except Exception as e:  # noqa: BLE001
            traceback.print_exc()
            pr.fail(name, "*", e)
    return pr


if __name__ == "__main__":
    ap_ = argparse.ArgumentParser()
    ap_.add_argument("only", nargs="*")
    a = ap_.parse_args()
    p = run(set(a.only) or None)
    for k in sorted(p.uses):
        print(k, sorted(p.uses[k]["roles"]), len(p.uses[k]["cases"]))
    bad = [c for c in p.cases if c[3] != "ok"]
    print(len(p.cases), "cases;", len(bad), "not ok")
    for c in bad:
        print("  ", c)
