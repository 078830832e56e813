#!/usr/bin/env bash
# Installs certconnect for the current user on Linux: the binary (cargo install), the icon and a
# desktop entry, so the app appears in the desktop's application menu.
#   scripts/install-linux.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --build
cargo install --locked --path .
data=${XDG_DATA_HOME:-$HOME/.local/share}
install -Dm644 assets/icon.png "$data/icons/hicolor/256x256/apps/certconnect.png"
install -Dm644 assets/icon.svg "$data/icons/hicolor/scalable/apps/certconnect.svg"
bin=${CARGO_HOME:-$HOME/.cargo}/bin/certconnect
# The menu starts the installed binary by its full path: ~/.cargo/bin is often not on the
# desktop session's PATH.
mkdir -p "$data/applications"
sed "s|^Exec=certconnect$|Exec=$bin|" assets/certconnect.desktop >"$data/applications/certconnect.desktop"
echo "Installed $bin, its icon and a menu entry"
