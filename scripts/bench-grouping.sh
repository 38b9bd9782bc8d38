#!/usr/bin/env bash
# Compares the grouping modes (opcode, block, region, region with automatic unrolling) on the
# first run line of every testdata program with `tessera bench`, and prints one row a program
# and mode: classes, copies, committed inputs and template instructions per executed
# instruction of the program as compiled. Usage: scripts/bench-grouping.sh [tessera binary]
set -euo pipefail
cd "$(dirname "$0")/.."
T=${1:-target/release/tessera}
[ -x "$T" ] || cargo build --release --locked -q
printf '%-22s %-20s %8s %8s %14s %9s %9s\n' program grouping classes copies committed/ins work/ins ins/copy
for f in testdata/*.c testdata/*.rs testdata/*.ll; do
  entry=$(grep -m1 'tessera-entry:' "$f" | sed 's/.*tessera-entry: *\([A-Za-z0-9_]*\).*/\1/')
  read -r -a args <<< "$(grep -m1 'tessera-run:' "$f" | sed 's/.*tessera-run: *//')"
  "$T" bench "$f" --entry "$entry" --json -- "${args[@]}" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
base = max(rows[0]["stats"]["executed"], 1)
for r in rows:
    s = r["stats"]
    print("%-22s %-20s %8d %8d %14.3f %9.2f %9.2f" % (sys.argv[1], r["grouping"], s["classes"], s["copies"],
          s["committed"] / base, s["work"] / base, s["instructions_per_copy"]))
' "$(basename "$f")"
done
