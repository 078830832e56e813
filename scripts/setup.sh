#!/usr/bin/env bash
# Installs the system packages certconnect's build and tests need, when they are missing.
# Debian/Ubuntu (apt); run as root or with sudo available. Other systems: install the same by hand.
#   scripts/setup.sh --build   packages for building and running only
#   scripts/setup.sh           packages for building and testing
#   scripts/setup.sh --ci      also what CI adds: the Windows cross-compiler, Rust target, wixl and
#                              wine (MSI build and run), Xvfb, xdotool and ImageMagick (the real
#                              window), and cargo-deny
set -euo pipefail

packages=()
have() { command -v "$1" >/dev/null 2>&1; }
have pkg-config || packages+=(pkg-config)
# OpenSSL is built from source (the openssl crate's vendored feature): a C compiler, perl and make.
have cc || packages+=(gcc)
have perl || packages+=(perl)
have make || packages+=(make)
mode=${1:-}
if [ "$mode" != "--build" ]; then
have openssl || packages+=(openssl)
have keytool || packages+=(default-jdk-headless)   # keytool makes the Java keystores the tests read
# SoftHSM2 (a PKCS#11 module that keeps its tokens in a directory) and OpenSC's pkcs11-tool: the
# hardware-token tests make their tokens with them
have softhsm2-util || packages+=(softhsm2)
have pkcs11-tool || packages+=(opensc)
# egui_kittest (eframe feature) links winit, whose wayland-sys probes pkg-config for these.
pkg-config --exists wayland-client 2>/dev/null || packages+=(libwayland-dev)
pkg-config --exists xkbcommon 2>/dev/null || packages+=(libxkbcommon-dev)
# A real Secret Service for the credential-store tests.
have gnome-keyring-daemon || packages+=(gnome-keyring)
have dbus-run-session || packages+=(dbus)
fi
if [ "$mode" = "--ci" ]; then
  have x86_64-w64-mingw32-gcc || packages+=(gcc-mingw-w64-x86-64)
  have wixl || packages+=(wixl)
  have msiinfo || packages+=(msitools)
  have wine || packages+=(wine wine64)
  have Xvfb || packages+=(xvfb)
  have xdotool || packages+=(xdotool)
  have convert || packages+=(imagemagick)
  # OpenGL for the window (Mesa's software renderer under Xvfb), natively and through wine.
  [ -e /usr/lib/x86_64-linux-gnu/dri/swrast_dri.so ] || packages+=(libgl1-mesa-dri libglx-mesa0)
fi

if [ ${#packages[@]} -gt 0 ]; then
  echo "installing: ${packages[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if [ "$mode" = "--ci" ] && ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
  rustup target add x86_64-pc-windows-gnu
fi

# cargo-deny checks licences, bans and sources (deny.toml). Built from crates.io when missing:
# about 4.5 minutes on 2 cores, once per machine.
if [ "$mode" = "--ci" ] && ! have cargo-deny; then
  cargo install --locked cargo-deny
fi
