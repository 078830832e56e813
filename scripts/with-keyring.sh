#!/bin/sh
# Runs a command with a real Secret Service: a fresh, unlocked GNOME Keyring in a private D-Bus
# session. Use it as: dbus-run-session -- scripts/with-keyring.sh COMMAND...
set -e
XDG_DATA_HOME=$(mktemp -d)
XDG_RUNTIME_DIR=$(mktemp -d)
chmod 700 "$XDG_RUNTIME_DIR"
export XDG_DATA_HOME XDG_RUNTIME_DIR
# The password on stdin creates and unlocks the login collection; nothing prompts.
printf 'certconnect-test-keyring' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
"$@"
