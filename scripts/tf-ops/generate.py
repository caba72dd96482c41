"""Writes src/detectors/savedmodel/tf-ops.json: every op TensorFlow registers, classified.

Run from the repository root in a venv with the tensorflow-cpu wheel (see README.md beside
this script). Reads TensorFlow's own op registry (every OpDef the C++ runtime registered,
the same list `tf.raw_ops` wraps) and sorts each op into one category:

  compute  pure computation on its inputs
  state    stateful but in-process (variables, random, queues, tables, iterators, control flow)
  file     reads or writes files, checkpoints, summaries or file systems
  network  reaches other hosts or processes (RPC, tf.data service, collectives, send/recv)
  python   calls back into the Python interpreter
  native   runs native code named by the graph (custom calls)
  graph    runs a graph it is given as data

The rules look at the op name, its string inputs and string attributes, and the stateful
flag. The ops of the curated table in src/detectors/savedmodel/ops.ts (RISKY_OPS) are never
compute or state; that table keeps the reasons and grades. Nothing scanned is involved here.
"""

import json
import os
import re
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402
from tensorflow.core.framework import op_def_pb2, types_pb2  # noqa: E402
from tensorflow.python.client import pywrap_tf_session as c_api  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPS_TS = os.path.join(ROOT, "src", "detectors", "savedmodel", "ops.ts")
OUT = os.path.join(ROOT, "src", "detectors", "savedmodel", "tf-ops.json")

# Names alone: (category, pattern, reason).
NAME_RULES = [
    ("python", r"PyFunc", "calls a Python function"),
    ("graph", r"^DatasetFromGraph$", "runs a dataset from a serialized GraphDef input"),
    ("native", r"^XlaCustomCall", "calls a native custom-call target registered in the process"),
    (
        "network",
        r"^(Rpc|TryRpc|RemoteCall|WorkerHeartbeat|DataService|RegisterDataset|DistributedSave|Collective|_?Nccl|Send$|Recv$|_Send$|_Recv$|_HostSend|_HostRecv)",
        "talks to other hosts or processes",
    ),
    (
        "file",
        r"(FileSystem|Reader|Checkpoint|SummaryWriter|^Write\w*Summary$|^ImportEvent$|TFRecord|LMDB|Sql|^Save|^Restore|^DTensorRestore|^DumpTensor$|^ListSnapshotChunks|^SnapshotChunk|^Snapshot\w*Reader|^Snapshot\w*Dataset|^CalibrationStatisticsSaver$|^LoadDataset$|^MatchingFiles|^ReadFile$|^WriteFile$|TextFile|^ImmutableConst$|^Debug(Identity|NanCount|NumericSummary))",
        "reads or writes files",
    ),
]

# String inputs and string attributes that carry file names or addresses. `pattern` is not
# here: RegexReplace and RegexFullMatch take a regular expression under that name.
PATH_ARGS = {
    "filename", "filenames", "path", "prefix", "file_pattern", "data_source_name",
    "snapshot_path", "shard_dir", "old_vocab_file", "new_vocab_file", "logdir", "directory",
    "destination_prefix", "db_uri", "ckpt_path", "chunk_file", "checkpoint_prefixes",
}
PATH_ATTRS = {
    "output_file_path", "writer_prefix", "writer_path_prefix", "reader_prefix", "reader_path_prefix",
    "log_dir_path", "file_name", "vocab_file", "memory_region_name", "output_stream", "debug_urls",
    "descriptor_source",
}
NETWORK_ARGS = {"address", "protocol", "server_address", "target"}


def registered_ops():
    buffer = c_api.TF_GetAllOpList()
    ops = op_def_pb2.OpList()
    ops.ParseFromString(c_api.TF_GetBuffer(buffer))
    return list(ops.op)


def curated_names():
    with open(OPS_TS, encoding="utf8") as f:
        text = f.read()
    table = text[text.index("export const RISKY_OPS"):]
    return set(re.findall(r"\[\s*'(\w+)',", table))


def classify(op):
    for category, pattern, why in NAME_RULES:
        if re.search(pattern, op.name):
            return category, f"{why} (op name)"
    strings = [a.name for a in op.input_arg if a.type == types_pb2.DT_STRING]
    for name in strings:
        if name in NETWORK_ARGS:
            return "network", f"takes an address in its string input {name}"
        if name in PATH_ARGS:
            return "file", f"takes a file name in its string input {name}"
    for attr in op.attr:
        if attr.type in ("string", "list(string)") and attr.name in PATH_ATTRS:
            return "file", f"takes a file name or URL in its attribute {attr.name}"
    return ("state", None) if op.is_stateful else ("compute", None)


def main():
    curated = curated_names()
    ops, reasons = {}, {}
    for op in registered_ops():
        category, why = classify(op)
        if op.name in curated and category in ("compute", "state"):
            category, why = "file", "curated in ops.ts"
        ops[op.name] = category
        if why:
            reasons[op.name] = why
    # Curated ops TensorFlow no longer registers (TF 1.x Rpc, TryRpc) stay judged.
    for name in curated - ops.keys():
        category, why = classify(op_def_pb2.OpDef(name=name))
        ops[name] = category if category not in ("compute", "state") else "network"
        reasons[name] = f"{why or 'curated in ops.ts'}; not registered in TensorFlow {tf.__version__}"
    out = {
        "generator": "scripts/tf-ops/generate.py",
        "tensorflow": tf.__version__,
        "categories": ["compute", "state", "file", "network", "python", "native", "graph"],
        "ops": dict(sorted(ops.items())),
        "reasons": dict(sorted(reasons.items())),
    }
    with open(OUT, "w", encoding="utf8") as f:
        json.dump(out, f, indent=0, sort_keys=False)
        f.write("\n")
    counts = {}
    for category in ops.values():
        counts[category] = counts.get(category, 0) + 1
    print(f"TensorFlow {tf.__version__}: {len(ops)} ops {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()
