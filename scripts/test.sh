#!/usr/bin/env bash
# Runs every test of certconnect on a fresh machine: installs what the tests need, then `cargo test`.
# Extra arguments go to cargo test (e.g. scripts/test.sh cert_load).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --locked "$@"
