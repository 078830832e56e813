#!/usr/bin/env bash
# Import-scale check with the real binary: imports exports of 250 and 1,000 profiles into fresh
# profile directories and prints the wall time of each and their ratio (linear ≈ 4×; it was ~10×
# for 4× the work before the store kept an index under its lock). Not a test: no assertion.
#
#   benches/import_scale.sh [path/to/certconnect]   (default: target/release, else target/debug)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/certconnect}
[[ -x $bin ]] || bin=target/debug/certconnect
[[ -x $bin ]] || { echo "build certconnect first (cargo build)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make_export() { # COUNT FILE
  {
    printf '(\n    format_version: 1,\n    profiles: [\n'
    for ((i = 0; i < $1; i++)); do
      cat <<PROFILE
        (
            name: "Profile $(printf %05d "$i")",
            authority: (
                preset: SingleTenant,
                tenant: "contoso.onmicrosoft.com",
                token_url: "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
            ),
            client_id: "8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2b",
            scope: "https://graph.microsoft.com/.default",
            certificate: PfxFile(path: "private_key.pfx", password: Ask, alias: None),
            assertion: (algorithm: Rs256, send_chain: false, lifetime_secs: 600),
            graph_url: "https://graph.microsoft.com/v1.0",
            site_id: "root",
            drive_id: None,
            retry: (mode: RetryWhenStatusCodeMatch, status_codes: [429, 503, 423], max_count: 5, multiply_wait: true),
            non_indexed_search: false,
            extra_headers: [],
            timeout_secs: 60,
            ca_file: None,
            certificate_info: None,
        ),
PROFILE
    done
    printf '    ],\n)\n'
  } >"$2"
}

time_import() { # COUNT -> seconds
  make_export "$1" "$work/export-$1.ron"
  local config="$work/config-$1-$RANDOM"
  local start end
  start=$(date +%s.%N)
  CERTCONNECT_CONFIG_DIR=$config "$bin" profile import "$work/export-$1.ron" >/dev/null
  end=$(date +%s.%N)
  local count
  count=$(find "$config/profiles" -name '*.ron' | wc -l)
  [[ $count -eq $1 ]] || { echo "imported $count of $1" >&2; exit 1; }
  echo "$end - $start" | bc -l
}

small=$(time_import 250)
large=$(time_import 1000)
printf 'import  250 profiles: %.3f s\n' "$small"
printf 'import 1000 profiles: %.3f s\n' "$large"
printf 'ratio: %.2f (linear: ~4)\n' "$(echo "$large / $small" | bc -l)"
