#!/usr/bin/env bash
# Opens the real desktop app under Xvfb with each renderer, and once with wgpu made unable to start
# (WGPU_BACKEND=dx12 has no adapter on Linux): the window must appear and be drawn every time, the
# last one after falling back to OpenGL. Screenshots go to ${CARGO_TARGET_DIR:-target}/window-check/.
#   scripts/window-check.sh
# Needs Xvfb, xdotool and ImageMagick (scripts/setup.sh --ci installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=$(realpath "${CARGO_TARGET_DIR:-target}")
exe="$target_dir/debug/certconnect"
[ -x "$exe" ] || cargo build --locked --bin certconnect
out="$target_dir/window-check"
mkdir -p "$out"
work=$(mktemp -d)
xvfb_pid=""
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "window check failed: $*" >&2; exit 1; }

Xvfb :96 -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb_pid=$!
export DISPLAY=:96 CERTCONNECT_CONFIG_DIR="$work/config" CERTCONNECT_DATA_DIR="$work/data"
sleep 1

# open NAME ENV... : starts the demo with these variables, waits for its window, screenshots it.
open_app() {
  local name=$1
  shift
  env "$@" "$exe" demo >"$work/$name.log" 2>&1 &
  app_pid=$!
  local window=""
  for _ in $(seq 100); do
    window=$(xdotool search --onlyvisible --pid "$app_pid" 2>/dev/null | head -n 1 || true)
    [ -n "$window" ] && break
    kill -0 "$app_pid" 2>/dev/null || fail "$name: the app ended: $(cat "$work/$name.log")"
    sleep 0.2
  done
  [ -n "$window" ] || fail "$name: no window: $(cat "$work/$name.log")"
  sleep 2
  import -window root "$out/$name.png"
  local colours
  colours=$(convert "$out/$name.png" -format %k info:)
  [ "$colours" -gt 50 ] || fail "$name: the window is blank ($colours colours)"
  kill "$app_pid"
  wait "$app_pid" 2>/dev/null || true
  app_pid=""
  echo "$name: window drawn ($colours colours)"
}

open_app automatic
open_app glow CERTCONNECT_RENDERER=glow
open_app wgpu CERTCONNECT_RENDERER=wgpu
open_app fallback WGPU_BACKEND=dx12
grep -q 'trying the next renderer' "$work/fallback.log" \
  || fail "the fallback was not taken: $(cat "$work/fallback.log")"
echo "window check passed"
