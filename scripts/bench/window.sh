#!/usr/bin/env bash
# The desktop app against a bare eframe window (examples/bare_window.rs), both release builds, on a
# private Xvfb display: first painted frame, memory, idle CPU, and the longest frame while a test
# connection, a card load and a save run (scripts/bench/window.py).
#   scripts/bench/window.sh [RUNS]   (default 5)
#   BENCH_PROFILES=1000 sets how many saved profiles the "with profiles" run has
# Needs Xvfb and xdotool (scripts/setup.sh --ci installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
target_dir=$(realpath -m "${CARGO_TARGET_DIR:-target}")
cargo build --release --locked --bin certconnect-gui --bin certconnect --example bare_window
bin="$target_dir/release"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Saved profiles for the "with profiles" run: the sandbox's demo profile, copied.
"$bin/certconnect" sandbox --port 0 --dir "$work/sandbox" >"$work/sandbox.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -f "$work/sandbox/sandbox-profile.ron" ] && break; sleep 0.1; done
export CERTCONNECT_CONFIG_DIR="$work/config"
"$bin/certconnect" profile import "$work/sandbox/sandbox-profile.ron" >/dev/null 2>&1
python3 scripts/bench/copy_profiles.py "$work/config/profiles" "${BENCH_PROFILES:-1000}"
unset CERTCONNECT_CONFIG_DIR

display=:95
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
pids+=($!)
export DISPLAY=$display
sleep 1
echo "Desktop app against a bare eframe window (Xvfb, renderer: ${CERTCONNECT_RENDERER:-automatic}):"
python3 scripts/bench/window.py "$bin/examples/bare_window" "$bin/certconnect-gui" "$work/config" "$runs"
