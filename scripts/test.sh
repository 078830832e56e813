#!/usr/bin/env bash
# Runs every test of certconnect on a fresh machine: installs what the tests need, then `cargo test`.
# Extra arguments go to cargo test (e.g. scripts/test.sh cert_load).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --locked "$@" 2>&1 | tee "$log"
# The tests that need the operating system's credential store run against a real Secret Service
# (GNOME Keyring in a private D-Bus session), not a mock.
if [ $# -eq 0 ]; then
  dbus-run-session -- scripts/with-keyring.sh cargo test --locked --test core secret_store_real -- --ignored 2>&1 | tee -a "$log"
fi
sum() { grep -Eo "[0-9]+ $1" "$log" | awk '{ s += $1 } END { print s + 0 }'; }
echo "tests: $(sum passed) passed, $(sum failed) failed"
