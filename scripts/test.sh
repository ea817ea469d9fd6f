#!/usr/bin/env bash
# Runs every check and every test of Assistid, exactly as CI does (.ci/run calls this script).
#
# Every step is timed; the run ends with each step's time and the total, and warns (it never
# fails for time: these machines are shared and noisy) when the run passes its budget: 25
# minutes when the build folder and the tools were already there (a warm run), 40 minutes on a
# fresh machine. CI's hard limit is 90 minutes. Figures: docs/PERFORMANCE.md, "CI time".
#
# One build folder for every step (CARGO_TARGET_DIR, else ./target): clippy and the docs share
# their checked dependencies, the tests, the crash suite and the desktop end to end share one
# test build; only the fuzz targets, which need instrumented code, build apart (in fuzz/ below
# it). The tools (cargo-deny, cargo-fuzz, tauri-driver) are pinned and built once into a cache
# (scripts/tools.sh); on a fresh machine they build in the background while the checks run.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

run_start=$(date +%s)
target_dir="${CARGO_TARGET_DIR:-$root/target}"
# Incremental compilation only pays off for the next edit of a crate; a check run would write
# its caches for nothing.
export CARGO_INCREMENTAL=0

source scripts/tools.sh

# A warm run finds the test build and every tool from an earlier run on this machine.
warm=yes
[ -d "$target_dir/debug/.fingerprint" ] || warm=no
for tool in cargo-deny cargo-fuzz tauri-driver; do
  [ -x "$(_tool_root "$tool")/bin/$tool" ] || warm=no
done
if [ "$warm" = yes ]; then budget=$((25 * 60)); else budget=$((40 * 60)); fi

step_names=()
step_secs=()
current=""
current_start=0
end_step() {
  if [ -n "$current" ]; then
    step_names+=("$current")
    step_secs+=($(( $(date +%s) - current_start )))
    current=""
  fi
}
step() {
  end_step
  current="$1"
  current_start=$(date +%s)
  printf '\n==> %s\n' "$2"
}
mmss() { printf '%d m %02d s' $(( $1 / 60 )) $(( $1 % 60 )); }
summary() {
  local status=$?
  end_step
  local total=$(( $(date +%s) - run_start )) i
  printf '\n==> time per step (%s run: %s build folder and tools)\n' \
    "$([ "$warm" = yes ] && echo warm || echo fresh)" \
    "$([ "$warm" = yes ] && echo "reused" || echo "new")"
  for i in "${!step_names[@]}"; do
    printf '  %-12s %6d s  %s\n' "${step_names[$i]}" "${step_secs[$i]}" "$(mmss "${step_secs[$i]}")"
  done
  printf '  %-12s %6d s  %s%s\n' total "$total" "$(mmss "$total")" \
    "$([ "$status" -eq 0 ] || echo "  (stopped by a failure)")"
  if [ "$total" -gt "$budget" ]; then
    printf 'test: WARNING: this %s run took %s, over its budget of %s (CI stops at 90 min): see docs/PERFORMANCE.md, "CI time"\n' \
      "$([ "$warm" = yes ] && echo warm || echo fresh)" "$(mmss "$total")" "$(mmss "$budget")" >&2
  fi
  exit "$status"
}
trap summary EXIT

step setup "set-up: Debian packages and Rust components that are missing"
bash scripts/setup.sh
# FK's schemas live beside the repository, never inside it.
if [ ! -f ../shared/fk/tidredovisning_extern_v1.xsd ]; then
  echo "test: ../shared/fk (FK's XSD files) is missing beside the repository" >&2; exit 1
fi
# Tools missing from the cache build in the background while the checks below run.
tool_start cargo-fuzz
tool_start tauri-driver
tool_start cargo-deny

step ui "web UI: install, type-check, unit tests, build"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run check && npm test && npm run build)
# scripts/e2e.sh must not build the UI again: new files in ui/dist would make Cargo rebuild the
# desktop app, whose build script watches that folder.
export ASSISTID_UI_BUILT=1

step fmt "format"
cargo fmt --all --check

step clippy "clippy (all targets, warnings are errors)"
# Every package of the lock file, for every platform: the desktop's plugin check reads the whole
# graph (cargo metadata, offline), not only what this machine builds.
cargo fetch --locked
cargo clippy --workspace --all-targets --locked -- -D warnings

step docs "docs (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step build "test build (every crate, every target; the desktop app the end-to-end walk drives)"
cargo test --workspace --all-targets --locked --no-run

step tests "tests (every crate, unit + integration + doc tests; benches run once as tests)"
# The crash suite drives the `assistid` program of this very build (not one it builds with
# other features: that would compile the tree again).
export ASSISTID_BIN="$target_dir/debug/assistid"
cargo test --workspace --all-targets --locked
cargo test --workspace --doc --locked

step fuzz "fuzzing (every target in fuzz/ for ${ASSISTID_FUZZ_SECONDS:-20} s, then what it kept replayed in the test build)"
tool_need cargo-fuzz
bash scripts/fuzz.sh "${ASSISTID_FUZZ_SECONDS:-20}"

step deny "licences, sources, bans and known advisories (cargo deny, deny.toml, the RustSec snapshot in ../shared)"
tool_need cargo-deny
bash scripts/deny.sh

step e2e "desktop end to end (the real built app through WebDriver under Xvfb: import, sign, submit)"
tool_need tauri-driver
bash scripts/e2e.sh
