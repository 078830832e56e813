#!/usr/bin/env bash
# Whole-process token exchange, side by side in one run: MSAL Python's
# ConfidentialClientApplication.acquire_token_for_client against `certconnect test --token-only`,
# the same local HTTPS token endpoint (the sandbox with TLS) and the same RSA-2048 certificate.
# Prints median, min and p90 of each and the ratio, then certconnect's per-phase timings. Then a
# thousand saved connections: `profile list`, and `test --all` on 100 and 1,000 profiles (profiles
# per second, failures, peak memory). Then the desktop app against a bare eframe window
# (scripts/bench/window.sh).
#   scripts/bench.sh [RUNS]     (default 20 runs after 3 warm-up runs each)
#   BENCH_PARTS="token profiles window hot" (the default) picks the parts; hot is the criterion
#   bench of the warm paths (benches/hot_paths.rs) with the signing overhead as a ratio
#   BENCH_PROFILES=1000 BENCH_JOBS=8 size the thousand-connections part
#   BENCH_EXE=path/to/certconnect scripts/bench.sh   measures that build instead of a fresh one
# Needs python3-venv; installs msal from PyPI into ${CARGO_TARGET_DIR:-target}/bench-venv once.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
target_dir=$(realpath -m "${CARGO_TARGET_DIR:-target}")

if [ -n "${BENCH_EXE:-}" ]; then
  exe=$(realpath "$BENCH_EXE")
else
  cargo build --release --locked --bin certconnect
  exe="$target_dir/release/certconnect"
fi

venv="$target_dir/bench-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet msal
fi

work=$(mktemp -d)
sandbox_pid=""
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"${BENCH_SANDBOX_EXE:-$exe}" sandbox --tls --port 0 --dir "$work/sandbox" >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 100); do grep -q 'TLS CA' "$work/sandbox.log" 2>/dev/null && break; sleep 0.1; done
field() { sed -n "s/^  $1 *//p" "$work/sandbox.log"; }
token_url=$(field 'token URL')
client_id=$(field 'client ID')
ca_file=$(field 'TLS CA')
base_url=${token_url%/oauth2/v2.0/token}
base_url=${base_url%/*}
tenant=${token_url#"$base_url"/}
tenant=${tenant%%/*}
pfx="$work/sandbox/sandbox.pfx"
openssl pkcs12 -in "$pfx" -passin pass: -nodes -nocerts -out "$work/key.pem" 2>/dev/null
thumbprint=$(openssl pkcs12 -in "$pfx" -passin pass: -nokeys 2>/dev/null \
  | openssl x509 -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')

parts=" ${BENCH_PARTS:-token profiles window hot} "
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"

if [[ $parts == *" token "* ]]; then
  # requests (under MSAL) trusts what this names, besides its own verify= argument.
  export REQUESTS_CA_BUNDLE="$ca_file"
  echo "msal $("$venv/bin/python" -c 'import msal; print(msal.__version__)'), $("$exe" --version)"
  "$venv/bin/python" scripts/bench/compare.py "$runs" 3 \
    "MSAL Python (whole process)" -- "$venv/bin/python" scripts/bench/msal_token.py \
      "$client_id" "$base_url/$tenant" "$work/key.pem" "$thumbprint" "$base_url/.default" "$ca_file" ";;" \
    "certconnect test --token-only" -- "$exe" test --token-only --json --token-url "$token_url" \
      --client-id "$client_id" --pfx "$pfx" --ca-file "$ca_file" --scope "$base_url/.default"

  echo
  echo "certconnect, where one run's time goes (test --timings):"
  "$exe" test --token-only --timings --token-url "$token_url" --client-id "$client_id" --pfx "$pfx" \
    --ca-file "$ca_file" --scope "$base_url/.default" 2>&1 >/dev/null | sed -n "/^timings/,\$p"
fi

if [[ $parts == *" profiles "* ]]; then
  echo
  echo "A thousand saved connections:"
  config="$work/config"
  CERTCONNECT_CONFIG_DIR="$config" "$exe" profile import "$work/sandbox/sandbox-profile.ron" >/dev/null 2>&1
  CERTCONNECT_CONFIG_DIR="$config" "$exe" profile trust "Sandbox demo" >/dev/null
  python3 scripts/bench/copy_profiles.py "$config/profiles" "${BENCH_PROFILES:-1000}"
  python3 scripts/bench/many_profiles.py "$exe" "$config" "${BENCH_JOBS:-8}"
fi

if [[ $parts == *" window "* ]]; then
  echo
  scripts/bench/window.sh
fi

if [[ $parts == *" hot "* ]]; then
  echo
  echo "Warm paths in one process (criterion, medians):"
  cargo bench --locked --bench hot_paths -- --noplot >/dev/null
  python3 scripts/bench/criterion_table.py "$target_dir/criterion"
fi
