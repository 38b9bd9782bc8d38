#!/usr/bin/env bash
# One command for a newcomer: install what is missing, build tessera, and run the main job on
# a bundled example (the Collatz step counter). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cargo build --release --locked
T=target/release/tessera
echo
echo "== tessera run testdata/collatz.c --entry collatz_steps -- 27"
$T run testdata/collatz.c --entry collatz_steps -- 27
echo
echo "== tessera dump testdata/collatz_branches.c --entry collatz_hash --stage groups -- 27"
echo "   (region grouping: every loop iteration is one copy of one template)"
$T dump testdata/collatz_branches.c --entry collatz_hash --stage groups -- 27
echo
echo "== the same with --grouping block (header, both arms and latch are separate classes)"
$T dump testdata/collatz_branches.c --entry collatz_hash --stage groups --grouping block -- 27
echo
echo "== tessera check testdata/collatz_branches.c --entry collatz_hash -- 27"
echo "   (every class lowered to an arithmetic template; every copy's witness satisfies it)"
$T check testdata/collatz_branches.c --entry collatz_hash -- 27
echo
echo "== tessera prove testdata/collatz_branches.c --entry collatz_hash -o target/collatz.proof -- 27"
echo "   (the whole run proven: GKR per template, grand products for the glue)"
$T prove testdata/collatz_branches.c --entry collatz_hash -o target/collatz.proof --quiet -- 27
echo
echo "== tessera verify testdata/collatz_branches.c --entry collatz_hash --proof target/collatz.proof -- 27"
$T verify testdata/collatz_branches.c --entry collatz_hash --proof target/collatz.proof -- 27
