#!/usr/bin/env bash
# Proves the Windows build by running it: installs the MSI into a fresh wine prefix and runs the
# installed exes — --version, cert inspect of a legacy (RC2-40) PFX, a test against the sandbox,
# the Windows certificate store (import, list, test signed in place), the desktop app's first
# frame (a screenshot), and the uninstall.
#   scripts/windows-check.sh MSI
# Needs wine, Xvfb, xdotool, ImageMagick, openssl, the mingw-w64 compiler and a Linux build of
# certconnect for the sandbox (scripts/setup.sh --ci installs the packages).
#
# Wine 8 (Debian 12) lacks bcryptprimitives.dll, which every Rust ≥ 1.78 exe imports: a stand-in
# (scripts/wine/bcryptprimitives.c) is put into the prefix. Wine ≥ 9 ships the DLL. It is test
# scaffolding only; the MSI does not carry it.
set -euo pipefail
cd "$(dirname "$0")/.."

msi=$(realpath "$1")
target_dir=$(realpath "${CARGO_TARGET_DIR:-target}")
out_dir="$target_dir/wix"
linux_exe="$target_dir/debug/certconnect"
[ -x "$linux_exe" ] || cargo build --locked --bin certconnect
version=$(sed -n 's/^version = "\([^"]*\)"/\1/p' Cargo.toml | head -n 1)

work=$(mktemp -d)
sandbox_pid=""
xvfb_pid=""
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  wineserver -k 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "Windows check failed: $*" >&2; exit 1; }
step() { echo "-- $*"; }

export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEARCH=win64
# No display for the command-line checks: wine must not try to open windows.
export DISPLAY=""

step "fresh wine prefix"
wineboot -i >/dev/null 2>&1 || true
system32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -f "$system32/bcryptprimitives.dll" ]; then
  x86_64-w64-mingw32-gcc -O2 -shared -s -o "$system32/bcryptprimitives.dll" \
    scripts/wine/bcryptprimitives.c -ladvapi32
fi

step "install $(basename "$msi")"
wine msiexec /i "$msi" /qn
install_dir="$WINEPREFIX/drive_c/Program Files/certconnect"
for file in certconnect.exe certconnect-gui.exe LICENSE.txt; do
  [ -f "$install_dir/$file" ] || fail "$file is not in Program Files\\certconnect"
done
exe="$install_dir/certconnect.exe"
# Windows output ends lines with CR LF.
win() { wine "$exe" "$@" | tr -d '\r'; }

step "--version"
[ "$(win --version)" = "certconnect $version" ] || fail "--version does not say $version"
verbose=$(win --version --verbose)
echo "$verbose"
grep -q '^platform: windows x86_64' <<<"$verbose" || fail "--verbose does not say windows"
grep -q '^renderer: OpenGL (glow), then wgpu' <<<"$verbose" || fail "the renderer order is not OpenGL first"
grep -q '^Windows certificate store: available' <<<"$verbose" || fail "the certificate store is not available"

step "sandbox on 127.0.0.1"
sandbox_dir="$work/sandbox"
"$linux_exe" sandbox --port 0 --dir "$sandbox_dir" >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 100); do grep -q 'client ID' "$work/sandbox.log" 2>/dev/null && break; sleep 0.1; done
token_url=$(sed -n 's/^  token URL   //p' "$work/sandbox.log")
graph_url=$(sed -n 's/^  Graph URL   //p' "$work/sandbox.log")
client_id=$(sed -n 's/^  client ID   //p' "$work/sandbox.log")
[ -n "$token_url" ] && [ -n "$client_id" ] || fail "the sandbox did not start: $(cat "$work/sandbox.log")"

step "cert inspect of a legacy (RC2-40) PFX"
openssl pkcs12 -in "$sandbox_dir/sandbox.pfx" -passin pass: -nodes -out "$work/pair.pem" 2>/dev/null
export CC_PFX_PASSWORD="legacy export"
openssl pkcs12 -export -legacy -certpbe PBE-SHA1-RC2-40 -keypbe PBE-SHA1-3DES \
  -in "$work/pair.pem" -passout env:CC_PFX_PASSWORD -out "$work/legacy.pfx"
want=$(openssl x509 -in "$work/pair.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')
inspected=$(win cert inspect "$(winepath -w "$work/legacy.pfx")" --password-env CC_PFX_PASSWORD --json)
got=$(sed -n 's/.*"thumbprint_sha1": *"\([0-9A-F]*\)".*/\1/p' <<<"$inspected" | head -n 1)
[ "$got" = "$want" ] || fail "cert inspect thumbprint $got, openssl says $want"
echo "thumbprint $got (openssl agrees)"

step "test against the sandbox over loopback http"
win test --token-url "$token_url" --client-id "$client_id" --graph-url "$graph_url" \
  --pfx "$(winepath -w "$sandbox_dir/sandbox.pfx")" --json >"$work/test-pfx.json" \
  || fail "test with the PFX did not connect: $(cat "$work/test-pfx.json")"
grep -q '^  "ok": true' "$work/test-pfx.json" || fail "test with the PFX: $(cat "$work/test-pfx.json")"

step "test against the sandbox over loopback HTTPS (its CA file as the only trust)"
"$linux_exe" sandbox --tls --port 0 --dir "$work/tls-sandbox" >"$work/tls-sandbox.log" 2>&1 &
tls_sandbox_pid=$!
for _ in $(seq 100); do grep -q 'TLS CA' "$work/tls-sandbox.log" 2>/dev/null && break; sleep 0.1; done
tls_token_url=$(sed -n 's/^  token URL   //p' "$work/tls-sandbox.log")
tls_graph_url=$(sed -n 's/^  Graph URL   //p' "$work/tls-sandbox.log")
tls_ca=$(sed -n 's/^  TLS CA      //p' "$work/tls-sandbox.log")
win test --token-only --token-url "$tls_token_url" --graph-url "$tls_graph_url" --client-id "$client_id" \
  --pfx "$(winepath -w "$work/tls-sandbox/sandbox.pfx")" --ca-file "$(winepath -w "$tls_ca")" \
  --json >"$work/test-tls.json" || fail "HTTPS test did not connect: $(cat "$work/test-tls.json")"
grep -q '^  "ok": true' "$work/test-tls.json" || fail "HTTPS test: $(cat "$work/test-tls.json")"
kill "$tls_sandbox_pid" 2>/dev/null || true

step "Windows certificate store: import, list, test signed in place"
imported=$(win cert import "$(winepath -w "$work/legacy.pfx")" --windows-store CurrentUser \
  --password-env CC_PFX_PASSWORD)
echo "$imported"
grep -q "$want" <<<"$imported" || fail "cert import did not print the thumbprint"
listed=$(win cert list --windows-store CurrentUser --json)
grep -q "\"thumbprint_sha1\": *\"$want\"" <<<"$listed" || fail "cert list does not show it: $listed"
grep -q '"has_private_key": *true' <<<"$listed" || fail "cert list shows no key: $listed"
win test --token-url "$token_url" --client-id "$client_id" --graph-url "$graph_url" \
  --windows-cert "$want" --windows-store CurrentUser --json >"$work/test-store.json" \
  || fail "test with the store certificate did not connect: $(cat "$work/test-store.json")"
grep -q '^  "ok": true' "$work/test-store.json" || fail "store test: $(cat "$work/test-store.json")"
echo "connected with $want from Cert:\\CurrentUser\\My (RS256, signed by the key's provider)"
lower=$(tr 'A-F' 'a-f' <<<"$want" | sed 's/../& /g')
win test --token-url "$token_url" --client-id "$client_id" --graph-url "$graph_url" \
  --windows-cert "$lower" --alg PS256 --json >"$work/test-ps256.json" || true
if grep -q '^  "ok": true' "$work/test-ps256.json"; then
  echo "PS256 connected (a CNG key)"
else
  grep -q '"code": "windows_store_algorithm_unsupported"' "$work/test-ps256.json" \
    || fail "PS256 with a CryptoAPI key is not refused clearly: $(cat "$work/test-ps256.json")"
  echo "PS256 refused clearly (a CryptoAPI key)"
fi
missing=$(win test --token-url "$token_url" --client-id "$client_id" --graph-url "$graph_url" \
  --windows-cert 0000000000000000000000000000000000000000 --json || true)
grep -q '"code": *"windows_store_not_found"' <<<"$missing" || fail "an unknown thumbprint: $missing"

step "desktop app under wine: first frame"
Xvfb :97 -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb_pid=$!
export DISPLAY=:97
sleep 1
wine "$install_dir/certconnect-gui.exe" demo >"$work/gui.log" 2>&1 &
gui_pid=$!
window=""
for _ in $(seq 120); do
  window=$(xdotool search --onlyvisible --name '^certconnect$' 2>/dev/null | head -n 1 || true)
  [ -n "$window" ] && break
  sleep 0.5
done
[ -n "$window" ] || fail "the desktop app opened no window: $(cat "$work/gui.log")"
sleep 5
import -window root "$out_dir/wine-gui.png"
colours=$(convert "$out_dir/wine-gui.png" -format %k info:)
echo "screenshot $out_dir/wine-gui.png: $colours colours"
[ "$colours" -gt 50 ] || fail "the window is blank ($colours colours)"
wine taskkill /im certconnect-gui.exe /f >/dev/null 2>&1 || true
wait "$gui_pid" 2>/dev/null || true
export DISPLAY=""

step "uninstall"
wine msiexec /x "$msi" /qn
[ ! -e "$install_dir/certconnect.exe" ] || fail "uninstall left certconnect.exe behind"
echo "Windows check passed"
