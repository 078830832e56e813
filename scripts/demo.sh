#!/usr/bin/env bash
# Runs the desktop app on a fresh machine: installs what the build needs, then opens certconnect with
# a local sandbox (an Entra-like token endpoint and Graph mock) and a profile for it. Extra arguments
# replace "demo" (scripts/demo.sh --help lists the command-line tools).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --build
if [ $# -eq 0 ]; then set -- demo; fi
cargo run --release --locked -- "$@"
