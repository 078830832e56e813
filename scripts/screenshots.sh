#!/usr/bin/env bash
# Takes the README's screenshots of the real window: a virtual 1280×800 display (Xvfb), the app
# started as an admin would start it, driven with the keyboard and the mouse (xdotool), captured with
# ImageMagick. Needs the Debian packages xvfb, xdotool and imagemagick, and a built binary
# (cargo build). Writes assets/screenshots/*.png.
#   scripts/screenshots.sh [path/to/certconnect]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/certconnect}
out=assets/screenshots
mkdir -p "$out"
for tool in Xvfb xdotool import; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y xvfb xdotool imagemagick" >&2; exit 2; }
done
work=$(mktemp -d)
display=":$((100 + RANDOM % 400))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
app=
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
export DISPLAY=$display
sleep 1

# Starts the app with a profile directory of its own; the window fills the screen.
start() {
  CERTCONNECT_CONFIG_DIR=$work/config-$1 CERTCONNECT_DATA_DIR=$work/data-$1 "$bin" "${@:2}" >"$work/app-$1.log" 2>&1 &
  app=$!
  win=$(xdotool search --sync --onlyvisible --name certconnect | head -1)
  xdotool windowsize --sync "$win" 1280 800 windowmove "$win" 0 0 windowfocus --sync "$win"
  sleep 3
}
stop() { kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; app=; }
shot() { sleep "${2:-1}"; import -window root "$out/$1.png"; echo "$out/$1.png"; }
click() { xdotool mousemove "$1" "$2" click 1; }
# The tab bar of the form at 1280×800 (the list is 250 px wide).
tab() {
  case $1 in
    general) click 313 18 ;; certificate) click 390 18 ;; graph) click 462 18 ;;
    retry) click 550 18 ;; advanced) click 648 18 ;;
  esac
}

start welcome
shot welcome
stop

start demo demo
xdotool key ctrl+Return
shot general 4
tab certificate; shot certificate 2
tab graph; shot graph
tab retry; shot retry-headers
tab advanced; shot advanced
tab general
# A client ID the app registration does not have: the sandbox answers as Entra does.
click 686 141
xdotool key ctrl+a type '00000000-0000-0000-0000-00000000abcd'
sleep 1
xdotool key ctrl+Return
shot refusal 4
xdotool windowsize --sync "$win" 880 560
shot narrow-raw 2
stop
convert "$out/narrow-raw.png" -crop 880x560+0+0 +repage "$out/narrow.png"
rm "$out/narrow-raw.png"
