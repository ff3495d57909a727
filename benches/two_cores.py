#!/usr/bin/env python3
"""Measures what a second thread gives, against what the machine's two cores can give at all.

Requires: Python 3 (standard library only), and a release build of parasift.

    python3 benches/two_cores.py FILE [--rounds N] [--parasift target/release/parasift]

Each round runs `parasift classify --quiet FILE` with one thread alone, then two such one-thread
runs started together, then with `--threads 2`. "Delivered" is twice the time alone over the
time of the pair: what two cores give two processes that share nothing, the most a second
thread can add. "Ratio" is the time alone over the `--threads 2` time. Medians over the rounds.
"""
import argparse
import os
import statistics
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--parasift", default=os.path.join(ROOT, "target/release/parasift"))
    a = ap.parse_args()

    def start(threads):
        return subprocess.Popen(
            [a.parasift, "classify", "--threads", str(threads), "--quiet", a.file],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def timed(*threads):
        t = time.perf_counter()
        runs = [start(n) for n in threads]
        if any(r.wait() != 0 for r in runs):
            raise SystemExit(f"parasift failed on {a.file}")
        return time.perf_counter() - t

    alone, pair, two = [], [], []
    for _ in range(a.rounds):
        alone.append(timed(1))
        pair.append(timed(1, 1))
        two.append(timed(2))
    delivered = [2 * x / p for x, p in zip(alone, pair)]
    ratio = [x / t for x, t in zip(alone, two)]
    print(f"{a.file}: one thread {statistics.median(alone):.3f} s, two one-thread runs together "
          f"{statistics.median(pair):.3f} s, --threads 2 {statistics.median(two):.3f} s")
    print(f"delivered {statistics.median(delivered):.2f}x, ratio {statistics.median(ratio):.2f}x "
          f"(rounds: {' '.join(f'{d:.2f}' for d in delivered)} | {' '.join(f'{r:.2f}' for r in ratio)})")


if __name__ == "__main__":
    main()
