#!/usr/bin/env bash
# Builds the Windows release exes (x86_64-pc-windows-gnu, fat LTO) and the MSI from wix/main.wxs.
#   scripts/build-msi.sh   writes ${CARGO_TARGET_DIR:-target}/wix/certconnect-<version>-x64.msi
# Needs the mingw-w64 cross-compiler, the Rust target and wixl: `scripts/setup.sh --ci` installs them.
# On Windows with WiX v3, build the exes with cargo and run candle/light as wix/main.wxs says.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=${CARGO_TARGET_DIR:-target}
version=$(sed -n 's/^version = "\([^"]*\)"/\1/p' Cargo.toml | head -n 1)
# Windows Installer versions are numeric (major.minor.build): drop a pre-release suffix.
msi_version=${version%%-*}

cargo build --release --locked --target x86_64-pc-windows-gnu --bin certconnect --bin certconnect-gui
bin_dir="$target_dir/x86_64-pc-windows-gnu/release"
mkdir -p "$target_dir/wix"
msi="$target_dir/wix/certconnect-$version-x64.msi"
# wixl resolves sources relative to the working directory and refuses absolute paths.
bin_dir_rel=$(realpath --relative-to=. "$bin_dir")
wixl --arch x64 -D Version="$msi_version" -D BinDir="$bin_dir_rel" -o "$msi.partial" wix/main.wxs
mv -f "$msi.partial" "$msi"
ls -l "$bin_dir/certconnect.exe" "$bin_dir/certconnect-gui.exe" "$msi"
