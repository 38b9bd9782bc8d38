#!/usr/bin/env bash
# The whole test suite: installs what is missing (idempotent), then runs every crate's tests,
# the differential tests against native execution and lli-19, and the insta snapshots
# (which fail on any unreviewed change).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export INSTA_UPDATE=no
cargo test --workspace --locked --no-fail-fast "$@"
