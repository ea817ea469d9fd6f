#!/usr/bin/env bash
# Runs the demo. Where a display exists it builds and opens the desktop app on a demo data folder
# of its own (fake FK and fake BankID on loopback, demo data for March and October 2026 — both
# DST changes). Without a display it runs the CLI demo instead and prints the month review.
# `--cli` forces the CLI demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
data="${ASSISTID_DEMO_DIR:-$PWD/.assistid-demo}"
mkdir -p "$data"
# A demo needs no OS keychain: its database key lives in a key file beside the demo data.
export ASSISTID_KEY_FILE="${ASSISTID_KEY_FILE:-$data/demo.key}"

if [ "${1:-}" != "--cli" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  (cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run build)
  cargo build --release --locked -p assistid-desktop
  export ASSISTID_DATA_DIR="$data/desktop"
  export ASSISTID_LOG_DIR="$data/logs"
  exec "${CARGO_TARGET_DIR:-target}/release/assistid-desktop"
fi
[ "${1:-}" = "--cli" ] && shift
cargo build --release --locked -p assistid-cli
exec "${CARGO_TARGET_DIR:-target}/release/assistid" --data-dir "$data" demo "$@"
