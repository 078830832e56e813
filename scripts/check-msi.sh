#!/usr/bin/env bash
# Checks a built MSI's tables with msiinfo: both exes and the license are installed, the Start-menu
# shortcut points at the desktop app with the app icon, the uninstall entry has the icon, and the
# upgrade rules (newer replaces, older refused) are in place. Also checks that both exes carry the
# icon and version resources.
#   scripts/check-msi.sh MSI [BIN_DIR]
set -euo pipefail
msi=$(realpath "$1")
bin_dir=${2:+$(realpath "$2")}
# msiinfo writes binary columns (the icon) as files beside the table: keep them out of the tree.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
fail() { echo "MSI check failed: $*" >&2; exit 1; }
table() { msiinfo export "$msi" "$1" | tr -d '\r'; }

files=$(table File)
for name in certconnect.exe certconnect-gui.exe LICENSE.txt; do
  grep -qP "\t\Q$name\E\t" <<<"$files" || fail "$name is not installed"
done
table Directory | grep -qP '^INSTALLFOLDER\tProgramFiles64Folder\tcertconnect$' \
  || fail "the install folder is not Program Files\\certconnect"
table Shortcut | grep -qP '^AppShortcut\tAppMenuFolder\tcertconnect\t[^\t]*\t\[INSTALLFOLDER\]certconnect-gui\.exe\t.*\tcertconnect\.ico\t' \
  || fail "the Start-menu shortcut does not open certconnect-gui.exe with the app icon"
table Icon | grep -qP '^certconnect\.ico\t' || fail "the app icon is missing"
table Property | grep -qP '^ARPPRODUCTICON\tcertconnect\.ico$' || fail "the uninstall entry has no icon"
upgrade=$(table Upgrade)
grep -q 'WIX_UPGRADE_DETECTED' <<<"$upgrade" || fail "no major upgrade rule"
grep -q 'WIX_DOWNGRADE_DETECTED' <<<"$upgrade" || fail "downgrades are not refused"
table Component | grep -qP '^CommandLine\t[^\t]*\tINSTALLFOLDER\t256\t' || fail "components are not 64-bit"

if [ -n "$bin_dir" ]; then
  for exe in certconnect.exe certconnect-gui.exe; do
    # objdump lists resource types by number: 3 icon, 14 icon group, 16 version information.
    types=$(x86_64-w64-mingw32-objdump -p "$bin_dir/$exe" | sed -n 's/^[0-9a-f]*   Entry: ID: 0x0*\([0-9a-f]*\),.*/\1/p')
    for kind in "3 icon" "e icon group" "10 version information"; do
      grep -qx "${kind%% *}" <<<"$types" || fail "$exe has no ${kind#* } resource"
    done
    x86_64-w64-mingw32-strings -el "$bin_dir/$exe" | grep -qx "certconnect connection manager" \
      || fail "$exe's version information does not describe certconnect"
  done
fi
echo "MSI check passed: $msi"
