#!/usr/bin/env bash
# Cold start to an interactive overview and idle memory of the desktop app (release build,
# Xvfb). Targets: < 1.5 s and < 200 MB. Pass --debug to measure the debug build instead.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/desktop-env.sh
(cd ui && { [ -d node_modules ] || npm ci; } && npm run build)
# bench-desktop and, beside it, the WebKitGTK floor it measures the app against.
cargo build -q --release -p assistid-e2e --bins
xvfb-run -a -s "-screen 0 1280x800x24" "${CARGO_TARGET_DIR:-target}/release/bench-desktop" "$@"
