#!/usr/bin/env bash
# Debian packages the tests use: Chromium for the HTML report's browser test (driven by
# playwright-core; never `npx playwright install`, which downloads a browser of its own).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ((${#need[@]})); then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
