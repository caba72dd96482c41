#!/usr/bin/env bash
# System packages the tests use; `npm test` runs this first (pretest), so CI and a fresh clone
# need nothing else. Debian's Chromium is for the HTML report's browser test, driven by
# playwright-core (never `npx playwright install`, which downloads a browser of its own).
# When the browser is there this does nothing (no apt-get). Otherwise it installs it as root, or
# through `sudo -n` when that needs no password; failing both it stops with the command to run:
# the browser test is never skipped.
set -euo pipefail

# The binary test/helpers/browser.ts launches.
chromium="${MODELGATE_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then exit 0; fi
if [ -n "${MODELGATE_CHROMIUM:-}" ]; then
  echo "install-test-deps: MODELGATE_CHROMIUM=$MODELGATE_CHROMIUM is not an executable file" >&2
  exit 1
fi

command_to_run="sudo apt-get update && sudo apt-get install -y chromium"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: the tests need Chromium at /usr/bin/chromium and there is no apt-get here;" >&2
  echo "install Chromium and set MODELGATE_CHROMIUM to its binary, then run npm test again." >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "install-test-deps: the tests need Debian's chromium (test/report/html.browser.test.ts) and" >&2
  echo "this user cannot install it without a password. Run this, then npm test again:" >&2
  echo "  $command_to_run" >&2
  exit 1
fi

# Wait for another apt run (unattended upgrades, a parallel CI step) instead of failing at once.
apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -qq)
echo "install-test-deps: installing chromium for the browser test (apt-get)" >&2
${as_root[@]+"${as_root[@]}"} "${apt[@]}" update
${as_root[@]+"${as_root[@]}"} "${apt[@]}" install -y chromium
if [ ! -x "$chromium" ]; then
  echo "install-test-deps: apt-get ran but $chromium is still missing" >&2
  exit 1
fi
