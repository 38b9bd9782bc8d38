#!/usr/bin/env bash
# Installs what tessera needs on a Debian machine (bookworm or newer), and nothing that is
# already there: LLVM 19 (libraries, clang-19, lli-19), the C libraries llvm-sys links, and
# csmith (with its headers) for the fuzz tester.
# Idempotent: a second run installs nothing. Needs root (or sudo) only when something is missing.
set -euo pipefail

# csmith and its headers (libcsmith-dev) are for scripts/fuzz.sh and tests/fuzz.rs.
PKGS=(llvm-19-dev llvm-19-tools clang-19 libpolly-19-dev libzstd-dev libz3-dev zlib1g-dev libxml2-dev libffi-dev csmith libcsmith-dev)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
else
  echo "system packages: all present"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo (Rust) is not installed; install it with rustup (https://rustup.rs) and run again" >&2
  exit 1
fi
for tool in /usr/lib/llvm-19/bin/llvm-config clang-19 lli-19; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool missing after install" >&2; exit 1; }
done
