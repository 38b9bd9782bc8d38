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
echo "== tessera prove bench/programs/sha256.c --entry sha256_blocks -o target/sha256.proof -- file:bench/programs/four_blocks.txt 4"
echo "   (SHA-256 over four blocks, the whole run proven: GKR per template, grand products for the glue)"
$T prove bench/programs/sha256.c --entry sha256_blocks -o target/sha256.proof --quiet -- file:bench/programs/four_blocks.txt 4
echo
echo "== tessera verify bench/programs/sha256.c --entry sha256_blocks --proof target/sha256.proof -- file:bench/programs/four_blocks.txt 4"
$T verify bench/programs/sha256.c --entry sha256_blocks --proof target/sha256.proof -- file:bench/programs/four_blocks.txt 4
