#!/usr/bin/env bash
# Re-generate data/pickle-allowlist.json from three environments (development time only).
#   debian-bookworm : Debian's python3-torch/sklearn/pandas/numpy (old releases), /usr/bin/python3
#   wheels-mid      : venv with numpy 1.26 / pandas 2.3 / scikit-learn 1.6 / scipy 1.13 + torch
#   wheels-new      : venv with the newest wheels + transformers, accelerate, lightning, pyarrow
#   debian-bookworm-timm : Debian torch/torchvision with timm beside them (timm needs torchvision)
# Needs root for apt-get. PIP_OPTS lets you point pip at a local wheel store, e.g.
#   PIP_OPTS="--no-index --find-links /opt/wheels --find-links /opt/pypi/files" bash run-all.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="${WORK:-/tmp/allowlist-envs}"
PIP_OPTS="${PIP_OPTS:-}"
mkdir -p "$WORK"

if [ "${SKIP_DEBIAN:-0}" != 1 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    python3-torch python3-sklearn python3-pandas python3-numpy python3-scipy python3-joblib \
    python3-torchvision
  /usr/bin/python3 "$HERE/generate.py" partial --label debian-bookworm --out "$WORK/part-debian.json"
fi

if [ ! -x "$WORK/venv-mid/bin/python" ]; then
  python3 -m venv "$WORK/venv-mid"
  # shellcheck disable=SC2086
  "$WORK/venv-mid/bin/pip" install $PIP_OPTS "numpy==1.26.4" "pandas==2.3.3" "scikit-learn==1.6.1" \
    "scipy==1.13.1" torch joblib pytz
fi
"$WORK/venv-mid/bin/python" "$HERE/generate.py" partial --label wheels-mid --out "$WORK/part-mid.json"

if [ ! -x "$WORK/venv-new/bin/python" ]; then
  python3 -m venv "$WORK/venv-new"
  # shellcheck disable=SC2086
  "$WORK/venv-new/bin/pip" install $PIP_OPTS torch scikit-learn numpy pandas scipy joblib transformers \
    accelerate lightning pytz safetensors dill cloudpickle pyarrow
fi
"$WORK/venv-new/bin/python" "$HERE/generate.py" partial --label wheels-new --out "$WORK/part-new.json"

# timm needs torchvision, which only Debian ships here: Debian's torch/torchvision plus timm
if [ "${SKIP_DEBIAN:-0}" != 1 ]; then
  if [ ! -x "$WORK/venv-deb-timm/bin/python" ]; then
    /usr/bin/python3 -m venv --system-site-packages "$WORK/venv-deb-timm"
    # shellcheck disable=SC2086
    "$WORK/venv-deb-timm/bin/pip" install $PIP_OPTS --no-deps timm
  fi
  "$WORK/venv-deb-timm/bin/python" "$HERE/generate.py" partial --label debian-bookworm-timm --out "$WORK/part-deb-timm.json"
fi

python3 "$HERE/generate.py" merge "$WORK"/part-*.json
