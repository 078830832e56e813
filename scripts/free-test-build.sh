#!/usr/bin/env bash
# Deletes the debug build's intermediate files (test binaries, rlibs, build scripts' output) and keeps
# the Linux exe, so a CI machine has the disk for the Windows release build that follows.
#   scripts/free-test-build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
debug_dir="${CARGO_TARGET_DIR:-target}/debug"
[ -d "$debug_dir" ] || exit 0
before=$(du -sm "$debug_dir" | cut -f1)
find "$debug_dir" -mindepth 1 -maxdepth 1 ! -name certconnect -exec rm -rf {} +
after=$(du -sm "$debug_dir" | cut -f1)
echo "freed $((before - after)) MiB of $debug_dir (kept the certconnect exe)"
