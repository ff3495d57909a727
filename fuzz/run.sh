#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, from the committed seeds plus what
# earlier runs found (fuzz/corpus/, not committed). Prints each target's executions; a crash
# leaves the input that caused it under fuzz/artifacts/TARGET/ — copy it to
# fuzz/regressions/TARGET/ (the tests replay those) — and makes the script exit 1.
#
#   fuzz/run.sh 600                     # ten minutes per target, one after the other
#   fuzz/run.sh 60 read_jsonl segment
#   FUZZ_JOBS=9 nice -n 19 fuzz/run.sh 3600   # all nine at once, for an hour each
#
# FUZZ_JOBS targets run at the same time (default 1); they share the machine's cores, so each
# gets its share of them: compare runs by executions, not by seconds.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); stable Rust is enough with RUSTC_BOOTSTRAP=1,
# which this script sets. One process per target.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^parasift-fuzz$')
fi
jobs=${FUZZ_JOBS:-1}
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O

# Runs target $1 for $seconds and prints its line of the report; exits 1 on a crash.
run_target() {
    local t=$1
    mkdir -p "corpus/$t"
    cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
    # The documents of seeds/classify are kept once: the HTML readers and the segmenters start
    # from them too.
    case "$t" in
        read_html) cp -n seeds/classify/*.html "corpus/$t/" ;;
        segment) cp -n seeds/classify/*.html seeds/classify/*.txt "corpus/$t/" ;;
    esac
    if [ -d "regressions/$t" ]; then cp -n regressions/"$t"/* "corpus/$t/" 2>/dev/null || true; fi
    local log="corpus/$t.log"
    if ! cargo fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=30 \
        -print_final_stats=1 >"$log" 2>&1; then
        echo "$t: CRASH (see fuzz/$log and fuzz/artifacts/$t/)"
        return 1
    fi
    local execs
    execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
    echo "$t: $execs executions in ${seconds} s, no crash"
}

status=0
running=0
for t in "${targets[@]}"; do
    if [ "$jobs" -le 1 ]; then
        run_target "$t" || exit 1
        continue
    fi
    run_target "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || status=1
        running=$((running - 1))
    fi
done
while [ "$running" -gt 0 ]; do
    wait -n || status=1
    running=$((running - 1))
done
exit "$status"
