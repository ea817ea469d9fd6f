#!/usr/bin/env bash
# Builds Assistid and runs the demo: demo data for March and October 2026 (both DST changes) in a
# data folder of its own, then prints the month review.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --locked -p assistid-cli
data="${ASSISTID_DEMO_DIR:-$PWD/.assistid-demo}"
mkdir -p "$data"
# Headless machines have no unlocked keychain: keep the demo database key in a key file.
export ASSISTID_KEY_FILE="${ASSISTID_KEY_FILE:-$data/demo.key}"
exec target/release/assistid --data-dir "$data" demo "$@"
