#!/usr/bin/env bash
# csmith differential tester: random C programs run natively (clang-19) and by `tessera run`,
# every seed classified (match, wrong, panic, internal, trap, rejected by construct,
# tessera-timeout, native-timeout), every non-match kept under fuzz-out/ with the commands
# that reproduce it.
#
#   scripts/fuzz.sh [--count N] [--seed S] [--seeds A,B,...] [--stage run] [--opt-level O1]
#                   [--jobs J] [--out DIR] [--tessera BIN] [--max-steps N] [--timeout SECS]
#                   [--native-timeout SECS] [--json]
#
# --stage takes only `run` for now; `check` and `prove` will follow. The csmith options, the
# runtime that replaces csmith's printf-based checksum (scripts/fuzz/csmith.h) and the classes
# are documented in scripts/fuzz/fuzz.py; `scripts/fuzz.sh --help` lists every option.
# Needs csmith, libcsmith-dev and clang-19 (scripts/install-deps.sh) and python3. Exit status 0
# when no seed is wrong, panics or hits an internal error.
set -euo pipefail
exec python3 "$(dirname "$0")/fuzz/fuzz.py" "$@"
