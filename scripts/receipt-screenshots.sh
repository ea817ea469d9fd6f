#!/usr/bin/env bash
# Renders the example receipt, assistant's copy and invoice figures (the demo month in
# crates/receipt/tests/spec/support.rs) and turns their pages into docs/screenshots/receipt-*.png
# for a person to look at. Needs poppler-utils (pdftoppm).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$root"
RECEIPT_EXAMPLES_DIR="$out" cargo test -q -p assistid-receipt --test spec examples:: >/dev/null
mkdir -p docs/screenshots
rm -f docs/screenshots/receipt-*.png
pdftoppm -png -r 60 "$out/receipt.pdf" docs/screenshots/receipt-kvitto
pdftoppm -png -r 60 "$out/assistant-copy.pdf" docs/screenshots/receipt-assistentkopia
pdftoppm -png -r 60 "$out/invoice.pdf" docs/screenshots/receipt-rakningsunderlag
ls -l docs/screenshots/receipt-*.png
