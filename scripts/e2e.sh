#!/usr/bin/env bash
# The desktop app end to end: builds the UI and the app, then drives the real binary through
# tauri-driver + WebKitWebDriver under Xvfb (tests/e2e/tests/desktop.rs).
#
# Needs (Debian): libwebkit2gtk-4.1-dev xvfb xauth webkit2gtk-driver; tauri-driver is installed
# with cargo when missing. Fails (never skips) when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/desktop-env.sh

(cd ui && { [ -d node_modules ] || npm ci; } && npm run build)
cargo build -p assistid-desktop
# The e2e test itself also runs `cargo build -p assistid-desktop` (a no-op now) so it can never
# drive a stale binary.
xvfb-run -a -s "-screen 0 1280x800x24" cargo test -p assistid-e2e --test desktop -- --nocapture "$@"
