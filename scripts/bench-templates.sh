#!/usr/bin/env bash
# Lowers every testdata program (first run line) in each grouping mode with `tessera check
# --json` and prints one row a program and mode: instructions the transformed program
# executed, templates, committed field elements (live-ins and advice of every copy, padding
# copies included) and layered gates (each template's gates times its padded copies) per
# executed instruction of the program as compiled (the opcode run, which transforms nothing),
# and whether every residual and the glue held.
# Usage: scripts/bench-templates.sh [tessera binary]
set -euo pipefail
cd "$(dirname "$0")/.."
T=${1:-target/release/tessera}
[ -x "$T" ] || cargo build --release --locked -q
printf '%-22s %-8s %10s %9s %14s %12s %6s\n' program grouping executed templates committed/ins gates/ins ok
for f in testdata/*.c testdata/*.rs testdata/*.ll; do
  entry=$(grep -m1 'tessera-entry:' "$f" | sed 's/.*tessera-entry: *\([A-Za-z0-9_]*\).*/\1/')
  read -r -a args <<< "$(grep -m1 'tessera-run:' "$f" | sed 's/.*tessera-run: *//')"
  base=""
  for g in opcode block region; do
    out=$("$T" check "$f" --entry "$entry" --grouping "$g" --json -- "${args[@]}")
    [ -n "$base" ] || base=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["instructions"])')
    echo "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
n = max(int(sys.argv[3]), 1)
r["committed_per_instruction"] = r["committed_elements"] / n
gates = sum(t["gates"] * (1 << max(t["copies"] - 1, 0).bit_length()) for t in r["templates"])
print("%-22s %-8s %10d %9d %14.2f %12.1f %6s" % (sys.argv[1], sys.argv[2], r["instructions"], len(r["templates"]),
      r["committed_per_instruction"], gates / n, "yes" if r["ok"] else "NO"))
' "$(basename "$f")" "$g" "$base"
  done
done
