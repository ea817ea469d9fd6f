#!/usr/bin/env bash
# Builds every fuzz target in fuzz/ and runs each for a bounded time, seeded from the committed
# seed corpora (fuzz/seeds/<target>/, test identity numbers only). Then replays the c14n corpus
# through `xmllint --c14n` in one batch (crates/core/tests/spec/fuzz_corpus.rs).
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]
#
# CI runs it with ~20-30 s per target. Longer runs: scripts/fuzz.sh 600. Figures go to
# fuzz/target/fuzz-summary.txt; a crash leaves its input in fuzz/artifacts/<target>/ and fails
# the script (turn it into a regression test in the owning crate's spec, then fix it).
#
# The machine has only stable Rust: cargo-fuzz needs nightly flags (-Z sanitizer, sancov),
# which RUSTC_BOOTSTRAP=1 unlocks on the stable compiler. AddressSanitizer is used when its
# runtime links; otherwise (ASSISTID_FUZZ_SANITIZER=none) libFuzzer runs without it, which is
# enough for safe Rust (no unsafe code in Assistid): panics, overflows (overflow checks are on)
# and timeouts are still found.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(import_csv import_xlsx elt_response bankid_json bankid_signature c14n)
fi
sanitizer="${ASSISTID_FUZZ_SANITIZER:-address}"
jobs="${ASSISTID_FUZZ_JOBS:-1}"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz (crates.io)"
  cargo install cargo-fuzz --locked --version ^0.13
fi

export RUSTC_BOOTSTRAP=1
# Reuse the caller's build folder (CI keeps one between runs) instead of fuzz/target.
target_dir_args=()
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
  target_dir_args=(--target-dir "$CARGO_TARGET_DIR/fuzz")
fi
cd fuzz
echo "==> building ${#targets[@]} fuzz targets (sanitizer: $sanitizer)"
build_start=$(date +%s)
# `cargo fuzz build` takes one target or all; the targets share their dependencies, so all.
cargo fuzz build -O -a --sanitizer "$sanitizer" "${target_dir_args[@]}" 2>&1 | tail -n 3 || {
  echo "fuzz: build failed" >&2; exit 1; }
echo "built in $(( $(date +%s) - build_start )) s"

summary=target/fuzz-summary.txt
mkdir -p target
: > "$summary"
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log="target/fuzz-$t.log"
  echo "==> $t for ${seconds}s"
  set +e
  cargo fuzz run -O -a --sanitizer "$sanitizer" "${target_dir_args[@]}" "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -jobs="$jobs" -workers="$jobs" -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" >"$log" 2>&1
  rc=$?
  set -e
  # libFuzzer's last status line: "#<execs> DONE cov: <edges> ft: <features> corp: <n>/<size> ..."
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
  execs=$(grep -E '^stat::number_of_executed_units:' "$log" | tail -n 1 | awk '{print $2}')
  per_sec=$(grep -E '^stat::average_exec_per_sec:' "$log" | tail -n 1 | awk '{print $2}')
  printf '%-18s rc=%s execs=%s exec/s=%s %s\n' "$t" "$rc" "${execs:-?}" "${per_sec:-?}" \
    "${done_line#*DONE }" | tee -a "$summary"
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "fuzz: $t FAILED; its log: fuzz/$log; the input: fuzz/artifacts/$t/" >&2
    grep -E 'panicked at|ERROR: libFuzzer|SUMMARY' "$log" | head -n 5 >&2 || true
  fi
done
cd ..

for t in "${targets[@]}"; do
  if [ "$t" = c14n ]; then
    echo "==> c14n corpus against xmllint --c14n (one batch)"
    ASSISTID_C14N_CORPUS="$PWD/fuzz/corpus/c14n" \
      cargo test -p assistid-core --test spec --locked -- fuzz_corpus --nocapture 2>&1 \
      | grep -E 'c14n corpus:|test result|panicked|differ|we refuse it' || status=1
  fi
done

echo "==> summary (fuzz/target/fuzz-summary.txt)"
cat fuzz/target/fuzz-summary.txt
exit $status
