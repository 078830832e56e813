#!/usr/bin/env bash
# Renders the app icon from its source, assets/icon.svg, into the files that are checked in:
#   assets/icon.png  256x256 RGBA, transparent background (the window/taskbar icon, built into the app)
#   assets/icon.ico  16, 24, 32, 48, 64 and 256 px (for a Windows installer or resource file)
# Run it after editing the SVG, and commit all three files; building the app never needs these tools.
#
# Needs rsvg-convert (librsvg) to draw the SVG and ImageMagick (convert, or magick) to pack the ICO.
# On Debian/Ubuntu: sudo apt-get install -y librsvg2-bin imagemagick
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v rsvg-convert >/dev/null || missing+=("rsvg-convert (apt package librsvg2-bin)")
if command -v magick >/dev/null; then
    im=(magick)
elif command -v convert >/dev/null; then
    im=(convert)
else
    missing+=("ImageMagick's convert or magick (apt package imagemagick)")
fi
if [ ${#missing[@]} -gt 0 ]; then
    printf 'make-icon.sh needs: %s\n' "${missing[@]}" >&2
    exit 1
fi

src=assets/icon.svg
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Each size is drawn from the vector source, not scaled down from the large one, so small sizes stay
# sharp. No timestamps or other metadata go into the files, so the same SVG gives the same bytes.
sizes=(16 24 32 48 64 256)
for size in "${sizes[@]}"; do
    rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio "$src" --output "$work/$size.png"
done

"${im[@]}" "$work/256.png" -strip -define png:exclude-chunks=date,time -define png:color-type=6 \
    "PNG32:assets/icon.png"

frames=()
for size in "${sizes[@]}"; do frames+=("$work/$size.png"); done
"${im[@]}" "${frames[@]}" -strip -define png:exclude-chunks=date,time assets/icon.ico

echo "wrote assets/icon.png and assets/icon.ico (${sizes[*]} px) from $src"
