#!/usr/bin/env bash
# Refreshes docs/screenshots/app-*.png from the real desktop app under Xvfb (through WebDriver).
# Look at them afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/desktop-env.sh
(cd ui && { [ -d node_modules ] || npm ci; } && npm run build)
xvfb-run -a -s "-screen 0 1280x800x24" cargo run -q -p assistid-e2e --bin screenshots -- docs/screenshots
