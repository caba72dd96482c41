#!/usr/bin/env bash
# System packages the tests use; `npm test` runs this first (pretest), so CI and a fresh clone
# need nothing else:
#   - Debian's `chromium`, for the HTML report's browser test, driven by playwright-core (never
#     `npx playwright install`, which downloads a browser of its own);
#   - Debian's `postgresql` (its server programs in /usr/lib/postgresql/N/bin), for the throwaway
#     server test/global-setup.ts starts for the database tests (test/helpers/postgres.ts).
# When both are there this does nothing (no apt-get). Otherwise it installs what is missing in one
# apt-get run, as root, or through `sudo -n` when that needs no password; failing both it stops
# with the command to run: the browser and database tests are never skipped.
set -euo pipefail

missing=()

# The binary test/helpers/browser.ts launches.
chromium="${MODELGATE_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ -n "${MODELGATE_CHROMIUM:-}" ]; then
    echo "install-test-deps: MODELGATE_CHROMIUM=$MODELGATE_CHROMIUM is not an executable file" >&2
    exit 1
  fi
  missing+=(chromium)
fi

# The PostgreSQL programs test/helpers/postgres.ts runs (initdb, pg_ctl, createdb). A server
# given in MODELGATE_TEST_DATABASE_URL needs none of them.
postgres_installed() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
if [ -n "${MODELGATE_TEST_DATABASE_URL:-}" ]; then
  :
elif [ -n "${MODELGATE_PG_BIN:-}" ]; then
  if [ ! -x "$MODELGATE_PG_BIN/initdb" ]; then
    echo "install-test-deps: MODELGATE_PG_BIN=$MODELGATE_PG_BIN holds no initdb" >&2
    exit 1
  fi
elif ! postgres_installed; then
  missing+=(postgresql)
fi

if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

command_to_run="sudo apt-get update && sudo apt-get install -y ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: the tests need ${missing[*]} and there is no apt-get here; install" >&2
  echo "Chromium (MODELGATE_CHROMIUM names its binary) and PostgreSQL (MODELGATE_PG_BIN names the" >&2
  echo "folder of its initdb, or MODELGATE_TEST_DATABASE_URL a running server), then run npm test again." >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "install-test-deps: the tests need Debian's ${missing[*]} (chromium: the HTML report's browser" >&2
  echo "test; postgresql: the database tests) and this user cannot install it without a password." >&2
  echo "Run this, then npm test again:" >&2
  echo "  $command_to_run" >&2
  exit 1
fi

# Wait for another apt run (unattended upgrades, a parallel CI step) instead of failing at once.
apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -qq)
echo "install-test-deps: installing ${missing[*]} for the tests (apt-get)" >&2
${as_root[@]+"${as_root[@]}"} "${apt[@]}" update
${as_root[@]+"${as_root[@]}"} "${apt[@]}" install -y "${missing[@]}"
if [ ! -x "$chromium" ]; then
  echo "install-test-deps: apt-get ran but $chromium is still missing" >&2
  exit 1
fi
if [[ " ${missing[*]} " == *" postgresql "* ]] && ! postgres_installed; then
  echo "install-test-deps: apt-get ran but /usr/lib/postgresql/N/bin/initdb is still missing" >&2
  exit 1
fi
