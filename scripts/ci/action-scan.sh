#!/usr/bin/env bash
# The scan step of the modelgate GitHub Action (action.yml). It reads its inputs from the
# environment (never from text spliced into the script, so an input cannot inject shell code),
# runs `modelgate scan` once, and exits with modelgate's own exit code.
#
#   MG_TARGETS      targets, one per line (blank lines ignored; default ".")
#   MG_FORMAT       text | json | sarif | html (default sarif)
#   MG_OUTPUT       report file ("" writes the report to standard output)
#   MG_FAIL_ON      info | low | medium | high | critical (default medium)
#   MG_POLICY       policy file ("" for none)
#   MG_SARIF_ROOT   folder that SARIF URIs are relative to ("" for modelgate's default)
#   MG_UPLOAD_SARIF "true" when the report is uploaded to code scanning (then it must be SARIF in a file)
#   MG_ARGS         extra flags, split on blanks (e.g. "--exit-zero --no-hash")
#   MG_CLI          the built CLI (default: dist/main.js next to this script's repo)
set -euo pipefail
set -f # no globbing of targets or extra flags: modelgate walks folders itself

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="${MG_CLI:-$here/../../dist/main.js}"
format="${MG_FORMAT:-sarif}"
output="${MG_OUTPUT-}"

if [[ "${MG_UPLOAD_SARIF:-false}" == "true" ]]; then
  if [[ "$format" != "sarif" || -z "$output" ]]; then
    echo "modelgate action: upload-sarif needs format: sarif and an output file" >&2
    exit 2
  fi
fi

args=(scan --format "$format" --fail-on "${MG_FAIL_ON:-medium}")
[[ -n "$output" ]] && args+=(--output "$output")
[[ -n "${MG_POLICY-}" ]] && args+=(--policy "$MG_POLICY")
[[ -n "${MG_SARIF_ROOT-}" ]] && args+=(--sarif-root "$MG_SARIF_ROOT")
if [[ -n "${MG_ARGS-}" ]]; then
  read -r -a extra <<<"$MG_ARGS"
  args+=("${extra[@]}")
fi

targets=()
while IFS= read -r line; do
  line="${line#"${line%%[![:space:]]*}"}" # trim leading blanks
  line="${line%"${line##*[![:space:]]}"}" # and trailing ones
  [[ -n "$line" ]] && targets+=("$line")
done <<<"${MG_TARGETS:-.}"
[[ ${#targets[@]} -eq 0 ]] && targets=(.)

# `--` ends the options: a target named like a flag stays a target.
exec node "$cli" "${args[@]}" -- "${targets[@]}"
