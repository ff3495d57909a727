#!/usr/bin/env python3
"""Times resiliparse and trafilatura main-content extraction and parasift on the same HTML pages,
in the same run, one thread each.

Requires: Python 3, `pip install resiliparse==2.0.1 trafilatura==2.3.1 zstandard`
(trafilatura is skipped when it is not installed), and a release build of parasift.

    cargo build --release
    python3 benches/compare_resiliparse.py [PAGES.jsonl[.zst]] [--parasift target/release/parasift]

PAGES is a JSONL file of records with an "html" key (default: benches/data/pages.jsonl.zst).
Throughput is HTML bytes (UTF-8) per second of wall-clock time; parasift's time includes
starting the process, reading and writing.
"""
import argparse
import json
import os
import subprocess
import time

import zstandard

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:4] == b"\x28\xb5\x2f\xfd":
        raw = zstandard.ZstdDecompressor().stream_reader(raw).read()
    return raw, [json.loads(l)["html"] for l in raw.decode("utf-8").splitlines() if l.strip()]


def timed(name, fn, pages, nbytes, repeat):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for p in pages:
            fn(p)
        best = min(best, time.perf_counter() - t)
    print(f"{name:<40} {nbytes / best / 1e6:8.1f} MB/s  ({best:.2f} s)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="?", default=os.path.join(ROOT, "benches/data/pages.jsonl.zst"))
    ap.add_argument("--parasift", default=os.path.join(ROOT, "target/release/parasift"))
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    raw, pages = load(a.pages)
    nbytes = sum(len(p.encode("utf-8")) for p in pages)
    print(f"{len(pages)} pages, {nbytes / 1e6:.1f} MB of HTML")

    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    timed("resiliparse 2.0.1 main_content=True",
          lambda p: extract_plain_text(HTMLTree.parse(p), main_content=True), pages, nbytes, a.repeat)
    try:
        import trafilatura
        timed("trafilatura", lambda p: trafilatura.extract(p), pages, nbytes, 1)
    except ImportError:
        print("trafilatura: not installed")

    tmp = "/tmp/parasift-compare-pages.jsonl"
    with open(tmp, "wb") as f:
        f.write(raw)
    for cmd in ("classify", "extract"):
        def run(_):
            subprocess.run([a.parasift, cmd, "--threads", "1", "--quiet", tmp],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        timed(f"parasift {cmd} --threads 1", run, [None], nbytes, a.repeat)


if __name__ == "__main__":
    main()
