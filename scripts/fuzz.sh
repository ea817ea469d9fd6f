#!/usr/bin/env bash
# Builds every fuzz target in fuzz/ and runs each for a bounded time, seeded from the committed
# seed corpora (fuzz/seeds/<target>/, test identity numbers only) or, for the targets whose
# seeds hold private keys (pkcs12's certificate files), from seeds made now into a temporary
# folder by tests/fuzz's `fuzz_seeds` example (no key is committed), as many targets at a
# time as the machine has cores. Then replays what the runs kept (fuzz/corpus/<target>/) in the ordinary
# test build: every target's check (tests/fuzz) and, for c14n, the agreement with
# `xmllint --c14n` in one batch (crates/core/tests/spec/fuzz_corpus.rs).
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]
#
# CI runs it with 20 s per target. Longer runs: scripts/fuzz.sh 600. Figures go to
# fuzz/target/fuzz-summary.txt; a crash leaves its input in fuzz/artifacts/<target>/ and fails
# the script (add the input to fuzz/seeds/<target>/ — the test build then replays it on every
# run — and pin it with a regression test in the owning crate's spec, then fix it; for pkcs12,
# whose inputs may hold a key, make the input in the crate's spec instead of committing it).
#
# The machine has only stable Rust: cargo-fuzz needs nightly flags (-Z sanitizer, sancov),
# which RUSTC_BOOTSTRAP=1 unlocks on the stable compiler, for the fuzz build alone (set for the
# whole script it would make Cargo rebuild the main tree, whose build scripts watch it).
# AddressSanitizer is used when its runtime links; otherwise (ASSISTID_FUZZ_SANITIZER=none)
# libFuzzer runs without it, which is enough for safe Rust (no unsafe code in Assistid):
# panics, overflows (overflow checks are on) and timeouts are still found.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(import_csv import_xlsx elt_response bankid_json bankid_signature c14n pkcs12)
fi
sanitizer="${ASSISTID_FUZZ_SANITIZER:-address}"
# ASSISTID_FUZZ_JOBS > 1 runs that many libFuzzer jobs per target (one target at a time: each
# job logs to fuzz-<n>.log in the working folder); otherwise each target runs in one process,
# as many targets at once as the machine has cores.
jobs="${ASSISTID_FUZZ_JOBS:-1}"
if [ "$jobs" -gt 1 ]; then
  parallel=1
  job_args=(-jobs="$jobs" -workers="$jobs")
else
  parallel="${ASSISTID_FUZZ_PARALLEL:-$(nproc 2>/dev/null || echo 1)}"
  job_args=()
fi

source scripts/tools.sh
tool_need cargo-fuzz

# The fuzz build goes below the caller's build folder (CI keeps one between runs), apart from
# the main build: instrumented code cannot be shared with it.
fuzz_target_dir="${CARGO_TARGET_DIR:-$PWD/target}/fuzz"
fuzz() { RUSTC_BOOTSTRAP=1 cargo fuzz "$@"; }

# Seeds made now (assistid_fuzz_checks::seeds::GENERATED), in a folder removed on exit. The
# example is built in the main build with the workspace's features, as the test build has them.
generated_seeds=$(mktemp -d "${TMPDIR:-/tmp}/assistid-fuzz-seeds.XXXXXX")
trap 'rm -rf "$generated_seeds"' EXIT
echo "==> making the seeds that are not committed"
cargo build --workspace --locked --quiet --example fuzz_seeds || {
  echo "fuzz: the seed maker (tests/fuzz/examples/fuzz_seeds.rs) did not build" >&2; exit 1; }
for t in "${targets[@]}"; do
  "${CARGO_TARGET_DIR:-$PWD/target}/debug/examples/fuzz_seeds" "$t" "$generated_seeds/$t" || {
    echo "fuzz: the $t seeds could not be made" >&2; exit 1; }
done
# The seed folder of target $1: the generated one, else the committed one.
seeds_of() {
  if [ -d "$generated_seeds/$1" ]; then echo "$generated_seeds/$1"; else echo "seeds/$1"; fi
}
cd fuzz
echo "==> building ${#targets[@]} fuzz targets (sanitizer: $sanitizer)"
build_start=$(date +%s)
# `cargo fuzz build` takes one target or all; the targets share their dependencies, so all.
fuzz build -O -a --sanitizer "$sanitizer" --target-dir "$fuzz_target_dir" 2>&1 | tail -n 3 || {
  echo "fuzz: build failed" >&2; exit 1; }
echo "built in $(( $(date +%s) - build_start )) s"

summary=target/fuzz-summary.txt
mkdir -p target
: > "$summary"

run_target() {
  local t="$1" log="target/fuzz-$1.log"
  mkdir -p "corpus/$t" "artifacts/$t"
  fuzz run -O -a --sanitizer "$sanitizer" --target-dir "$fuzz_target_dir" "$t" "corpus/$t" "$(seeds_of "$t")" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    "${job_args[@]}" -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" >"$log" 2>&1
}

report_target() {
  local t="$1" rc="$2" log="target/fuzz-$1.log" done_line execs per_sec
  # libFuzzer's last status line: "#<execs> DONE cov: <edges> ft: <features> corp: <n>/<size> ..."
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
  execs=$(grep -E '^stat::number_of_executed_units:' "$log" | tail -n 1 | awk '{print $2}')
  per_sec=$(grep -E '^stat::average_exec_per_sec:' "$log" | tail -n 1 | awk '{print $2}')
  printf '%-18s rc=%s execs=%s exec/s=%s %s\n' "$t" "$rc" "${execs:-?}" "${per_sec:-?}" \
    "${done_line#*DONE }" | tee -a "$summary"
  if [ "$rc" -ne 0 ]; then
    echo "fuzz: $t FAILED; its log: fuzz/$log; the input: fuzz/artifacts/$t/" >&2
    grep -E 'panicked at|ERROR: libFuzzer|SUMMARY' "$log" | head -n 5 >&2 || true
  fi
}

status=0
i=0
while [ "$i" -lt "${#targets[@]}" ]; do
  batch=("${targets[@]:$i:$parallel}")
  echo "==> ${batch[*]} for ${seconds} s"
  pids=()
  for t in "${batch[@]}"; do
    run_target "$t" &
    pids+=($!)
  done
  for k in "${!batch[@]}"; do
    rc=0
    wait "${pids[$k]}" || rc=$?
    report_target "${batch[$k]}" "$rc"
    [ "$rc" -eq 0 ] || status=1
  done
  i=$((i + parallel))
done
cd ..

echo "==> what the runs kept, replayed in the test build (tests/fuzz; c14n also against xmllint --c14n)"
# Built by the ordinary test build already (same features as `cargo test --workspace
# --all-targets`), so this compiles nothing new after scripts/test.sh's test step.
replay_log=fuzz/target/fuzz-replay.log
rc=0
cargo test --workspace --locked --test spec -- fuzz_replay fuzz_corpus --nocapture >"$replay_log" 2>&1 || rc=$?
grep -E '^test .*(fuzz_replay|fuzz_corpus).* \.\.\. |c14n corpus:' "$replay_log" || true
if [ "$rc" -ne 0 ]; then
  echo "fuzz: replaying the kept inputs failed; the end of fuzz/target/fuzz-replay.log:" >&2
  tail -n 40 "$replay_log" >&2
  status=1
fi

echo "==> summary (fuzz/target/fuzz-summary.txt)"
cat fuzz/target/fuzz-summary.txt
exit $status
