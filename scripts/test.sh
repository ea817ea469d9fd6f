#!/usr/bin/env bash
# Runs every check and every test of Assistid, exactly as CI does (.ci/run calls this script).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# FK's schemas live beside the repository, never inside it.
if [ ! -f ../shared/fk/tidredovisning_extern_v1.xsd ]; then
  echo "test: ../shared/fk (FK's XSD files) is missing beside the repository" >&2; exit 1
fi

step() { printf '\n==> %s\n' "$*"; }

step "web UI: install, type-check, unit tests, build"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run check && npm test && npm run build)

step "format"
cargo fmt --all --check

step "clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "docs (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "licences and sources (cargo deny, deny.toml)"
cargo deny check licenses sources bans

step "fuzzing (every target in fuzz/ for ${ASSISTID_FUZZ_SECONDS:-20} s, then the c14n corpus against xmllint)"
bash scripts/fuzz.sh "${ASSISTID_FUZZ_SECONDS:-20}"

step "tests (every crate, unit + integration + doc tests; benches run once as tests)"
cargo test --workspace --all-targets --locked
cargo test --workspace --doc --locked

step "desktop end to end (the real built app through WebDriver under Xvfb: import, sign, submit)"
bash scripts/e2e.sh
