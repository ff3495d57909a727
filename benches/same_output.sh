#!/usr/bin/env bash
# Runs two builds of parasift over the same inputs and compares every output byte for byte:
# for a change that must not change behaviour (a refactoring, a new model file format).
#
#   benches/same_output.sh OLD_BINARY NEW_BINARY [LABELED_HTML_DIR]
#
# Inputs: the corpora of benches/make_corpus.py (text, html, news; built in a temporary
# directory), the sample documents of training/seeds, the dev fixtures, and the HTML pages under
# LABELED_HTML_DIR/*/dev when given (the labeled pages the fixtures come from). Commands:
# classify with one and two threads, the clean and attributes outputs, extract, inspect,
# detect, eval, index (exact and sketch) and classify with each index, an output directory, and
# a file with bad records (rejects file and messages). Index files are compared too; a
# difference there is reported on its own line, since a new index format version may change
# the bytes but must not change the counts (the classify runs with each index show that).
#
# Requires: bash, cmp, Python 3 with `pip install zstandard` (for make_corpus.py).
# Prints "ALL IDENTICAL" and exits 0, or names each output that differs and exits 1.
set -u
if [ $# -lt 2 ]; then
    sed -n '2,16p' "$0" >&2
    exit 2
fi
old=$(realpath "$1")
new=$(realpath "$2")
pages=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$root/benches/make_corpus.py" "$work/corp" >/dev/null || exit 2
printf '{"id":1,"text":"a\\nb"}\nnot json\n{"id":"x","text":5}\n' > "$work/bad.jsonl"

run() {
    local b=$1 o=$2 c=$work/corp
    mkdir -p "$o"
    cd "$root" || exit 2
    for f in text html news; do
        for t in 1 2; do
            "$b" classify --quiet --threads $t "$c/$f.jsonl" > "$o/$f.t$t.json" 2>/dev/null
            echo "$f t$t $?" >> "$o/exit"
        done
    done
    for k in clean attributes; do
        "$b" classify --quiet --output $k "$c/news.jsonl" "$c/html.jsonl" > "$o/$k.json" 2>/dev/null
        echo "$k $?" >> "$o/exit"
    done
    "$b" extract --quiet "$c/html.jsonl" > "$o/extract.json" 2>/dev/null
    "$b" classify --quiet --format text training/seeds/*.txt > "$o/seeds.json" 2>/dev/null
    "$b" extract --quiet --plain --format text training/seeds/*.txt > "$o/seeds.txt" 2>/dev/null
    "$b" detect --format text training/seeds/*.txt > "$o/seeds.detect.json" 2>/dev/null
    "$b" inspect --format text training/seeds/*.txt > "$o/seeds.inspect.json" 2>/dev/null
    "$b" eval training/fixtures/dev.jsonl.zst > "$o/eval.txt" 2>&1
    if [ -n "$pages" ]; then
        "$b" classify --quiet --format html "$pages"/*/dev > "$o/dev.json" 2>/dev/null
        "$b" inspect --format html "$pages"/*/dev > "$o/dev.inspect.json" 2>/dev/null
    fi
    "$b" index --quiet "$c/text.jsonl" "$c/news.jsonl" --out "$o/exact.idx" 2>/dev/null
    "$b" classify --quiet --index "$o/exact.idx" "$c/news.jsonl" > "$o/news.exact-index.json" 2>/dev/null
    "$b" index --quiet --index-memory 8M "$c/text.jsonl" --out "$o/sketch.idx" 2>/dev/null
    "$b" classify --quiet --index "$o/sketch.idx" "$c/text.jsonl" > "$o/text.sketch-index.json" 2>/dev/null
    mkdir -p "$o/dir"
    "$b" classify --quiet --output-dir "$o/dir" --output clean "$c/news.jsonl" 2>/dev/null
    echo "output-dir $?" >> "$o/exit"
    "$b" classify --quiet "$work/bad.jsonl" --rejects "$o/bad.rejects" > "$o/bad.json" 2> "$o/bad.full"
    echo "bad $?" >> "$o/exit"
    # The summary line carries the run's time.
    sed 's/[0-9.]* s ([0-9.]* MB.s)//' "$o/bad.full" > "$o/bad.stderr"
    rm "$o/bad.full"
}

run "$old" "$work/old"
run "$new" "$work/new"
status=0
for f in $(cd "$work/old" && find . -type f | sort); do
    case $f in
        *.idx) cmp -s "$work/old/$f" "$work/new/$f" || echo "index file bytes differ: $f" ;;
        *) cmp -s "$work/old/$f" "$work/new/$f" || { echo "differs: $f"; status=1; } ;;
    esac
done
[ $status = 0 ] && echo "ALL IDENTICAL"
exit $status
