#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, one after the other, from the
# committed seeds plus what earlier runs found (fuzz/corpus/, not committed). Prints each
# target's executions; a crash stops the run with the input that caused it under
# fuzz/artifacts/TARGET/ — copy it to fuzz/regressions/TARGET/ (the tests replay those).
#
#   fuzz/run.sh 600                 # ten minutes per target
#   fuzz/run.sh 60 read_jsonl segment
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
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
    # The documents of seeds/classify are kept once: the HTML readers and the segmenters start
    # from them too.
    case "$t" in
        read_html) cp -n seeds/classify/*.html "corpus/$t/" ;;
        segment) cp -n seeds/classify/*.html seeds/classify/*.txt "corpus/$t/" ;;
    esac
    if [ -d "regressions/$t" ]; then cp -n regressions/"$t"/* "corpus/$t/" 2>/dev/null || true; fi
    log="corpus/$t.log"
    cargo fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=30 \
        -print_final_stats=1 >"$log" 2>&1 || {
        echo "$t: CRASH (see fuzz/$log and fuzz/artifacts/$t/)"
        exit 1
    }
    execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
    echo "$t: $execs executions in ${seconds} s, no crash"
done
