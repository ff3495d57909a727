#!/usr/bin/env bash
# Crash safety of `classify --output-dir`: runs are killed at random moments (SIGKILL, SIGTERM,
# SIGINT), rerun until they complete, and what they leave must be what one uninterrupted run
# writes: the same files, byte for byte, and no temporary file.
#
#   tests/crash-safety.sh [ROUNDS] [PARASIFT]
#
# ROUNDS (default 18) rounds cycle through the three signals, one to three kills each.
# PARASIFT defaults to target/release/parasift, else target/debug/parasift.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-18}
bin=${2:-}
if [ -z "$bin" ]; then
    if [ -x target/release/parasift ]; then bin=target/release/parasift; else bin=target/debug/parasift; fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Inputs: the benchmark pages, one JSONL file each (some compressed), and the seed texts.
mkdir -p "$work/in/pages" "$work/in/seeds"
zstd -dcq benches/data/pages.jsonl.zst | split -l 1 -d -a 3 - "$work/in/pages/p"
i=0
for f in "$work"/in/pages/p*; do
    case $((i % 3)) in
        0) mv "$f" "$f.jsonl" ;;
        1) gzip -c "$f" >"$f.jsonl.gz" && rm "$f" ;;
        2) zstd -q --rm "$f" -o "$f.jsonl.zst" ;;
    esac
    i=$((i + 1))
done
cp training/seeds/*.txt "$work/in/seeds/"

args=(classify "$work/in" --quiet --threads 2 --batch-docs 2)
run() { "$bin" "${args[@]}" --output-dir "$1"; }

start=$(date +%s.%N)
run "$work/ref" 2>/dev/null
secs=$(echo "$(date +%s.%N) - $start" | bc)
echo "uninterrupted run: $secs s, $(find "$work/ref" -type f | wc -l) output files"

signals=(KILL TERM INT)
kills=0
for r in $(seq 1 "$rounds"); do
    sig=${signals[$(((r - 1) % 3))]}
    out="$work/out$r"
    for _ in $(seq 1 $((RANDOM % 3 + 1))); do
        # The binary itself in the background (not a subshell), so that the signal reaches it.
        "$bin" "${args[@]}" --output-dir "$out" 2>/dev/null &
        pid=$!
        # A random moment within the run's length.
        sleep "$(echo "scale=3; $secs * $RANDOM / 32768" | bc)"
        if kill -s "$sig" "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
        wait "$pid" 2>/dev/null || true
    done
    run "$out" 2>/dev/null || { echo "round $r: the completing run failed"; exit 1; }
    if ! diff -r "$work/ref" "$out" >/dev/null; then
        echo "round $r (SIG$sig): the output differs from the uninterrupted run"
        diff -rq "$work/ref" "$out" | head
        exit 1
    fi
    if find "$out" -name '.*.tmp-*' | grep -q .; then
        echo "round $r (SIG$sig): temporary files are left"
        exit 1
    fi
done
echo "$rounds rounds, $kills runs killed (SIGKILL, SIGTERM, SIGINT in turn): every output as the uninterrupted run's, no temporary file left"
