#!/bin/sh
# Entry point of the modelgate container image (Dockerfile): runs the built CLI with the
# container's arguments, e.g. `docker run --rm -v "$PWD:/scan:ro" IMAGE scan /scan`.
# Without arguments it scans /scan, the folder the image expects a model folder mounted on.
# MODELGATE_HOME is where modelgate is installed (the image sets it; tests point it at a checkout).
set -eu
home="${MODELGATE_HOME:-/opt/modelgate}"
if [ "$#" -eq 0 ]; then
  set -- scan /scan
fi
exec node "$home/dist/main.js" "$@"
