#!/usr/bin/env bash
# The desktop app end to end: builds the UI and the app, then drives the real binary through
# tauri-driver + WebKitWebDriver under Xvfb (tests/e2e/tests/desktop.rs).
#
# Two walks: the demo walk, and the live walk through Settings against stand-ins for FK's and
# BankID's test services (`scripts/e2e.sh live_walk` runs only that one, `demo_walk` the other);
# then tests/e2e/tests/one_folder.rs (the CLI and the app on one folder, single instance).
#
# Needs (Debian): libwebkit2gtk-4.1-dev xvfb xauth webkit2gtk-driver dbus-daemon (a D-Bus session:
# the app's single-instance hand-over uses it), and for the live walk's keychain dbus and
# gnome-keyring; tauri-driver comes from the tool cache (scripts/tools.sh).
# Fails (never skips) when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/desktop-env.sh

# scripts/test.sh built the UI moments ago (ASSISTID_UI_BUILT=1): building it again would write
# new files into ui/dist, and the desktop app's build script, which watches that folder, would
# make Cargo compile the app and its tests once more.
if [ "${ASSISTID_UI_BUILT:-}" != 1 ] || [ ! -f ui/dist/index.html ]; then
  (cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run build)
fi
# Exactly scripts/test.sh's test build (cargo builds a package's binaries for its integration
# tests, so this makes target/debug/assistid-desktop with the same features): after the test
# step it builds nothing new, and the app is the binary the spec tests ran against.
cargo test --workspace --all-targets --locked --no-run
export ASSISTID_DESKTOP_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/assistid-desktop"
# A D-Bus session bus, as every desktop session has: the app's single-instance hand-over
# (tauri-plugin-single-instance) goes through it on Linux, and tests/one_folder.rs proves it.
# Without one a second start runs beside the first (tests/one_folder.rs fails, as it should).
command -v dbus-run-session >/dev/null 2>&1 || {
  echo "error: dbus-run-session is missing: apt-get install -y --no-install-recommends dbus-daemon" >&2
  exit 1
}
# The walk (tests/desktop.rs), then the CLI and the app on one folder (tests/one_folder.rs).
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test --workspace --locked --test desktop --test one_folder -- --nocapture "$@"
