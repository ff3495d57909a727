#!/usr/bin/env python3
"""Score other main-content extractors on parasift's labeled dev pages, with parasift's metric.

Each extractor runs on the raw page file named by a fixture record's id and is scored against
that record's `gold` text (the gold parasift's `eval` command scores against) with the same
shingle F1, so the figures can be shown next to parasift's own. Extraction output saved by
parasift (JSON Lines of {"id", "source", "text"}) is scored the same way with --predictions.

Requires: Python 3, `pip install trafilatura==2.3.1 zstandard justext lxml_html_clean`
(jusText is skipped when it is not installed; current lxml needs lxml_html_clean).

Usage:

    python3 training/compare_extractors.py --fixtures training/fixtures/dev.jsonl.zst \
        --pages DATA/labeled-html [--predictions parasift=FILE ...]
    python3 training/compare_extractors.py --self-test

Metric: tokens are `\\w+` matches (case-sensitive); shingles are runs of 4 consecutive tokens
(a single shingle of all tokens when there are fewer than 4), counted as multisets. Per page,
tp/fp/fn are normalized by their sum; precision is averaged over pages with tp+fp > 0, recall
over pages with tp+fn > 0, and F1 is the harmonic mean of the two averages. Extractors run in
one process, one page at a time; seconds is the summed extraction time (after one untimed
warm-up call) and MB/s is HTML megabytes (10^6 bytes) per second.
"""
import argparse
import io
import json
import re
import sys
import time
from collections import Counter, defaultdict

DATASETS = ("cleaneval", "googletrends-2017", "l3s-gn1")


def shingles(text):
    tokens = re.findall(r"\w+", text)
    if len(tokens) < 4:
        return Counter([tuple(tokens)] if tokens else [])
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def page_counts(gold, pred):
    """Normalized (tp, fp, fn) of one page."""
    g, p = shingles(gold), shingles(pred)
    tp, fp, fn = sum((g & p).values()), sum((p - g).values()), sum((g - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(counts):
    """(precision, recall, f1) over a list of per-page (tp, fp, fn)."""
    precisions, recalls = [], []
    for tp, fp, fn in counts:
        if tp + fp > 0:
            precisions.append(1.0 if fp == fn == 0 else tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(1.0 if fp == fn == 0 else tp / (tp + fn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def read_jsonl(path):
    with open(path, "rb") as f:
        raw = f.read()
    if path.endswith(".zst"):
        import zstandard

        raw = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw)).read()
    return [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]


def extractors():
    """Name -> function(html bytes) -> extracted text, for the extractors that are installed."""
    import trafilatura

    found = {
        "trafilatura": lambda b: trafilatura.extract(b, include_comments=False) or "",
        "trafilatura-default": lambda b: trafilatura.extract(b) or "",
    }
    try:
        import justext

        stoplist = justext.get_stoplist("English")
        found["justext"] = lambda b: "\n".join(
            p.text for p in justext.justext(b, stoplist) if not p.is_boilerplate
        )
    except ImportError as e:
        print(f"jusText skipped: {e}", file=sys.stderr)
    return found


def run_extractor(fn, pages):
    """Per page id: (extracted text, seconds)."""
    fn(next(iter(pages.values())))  # warm-up: lazy imports and caches
    out = {}
    for pid, html in pages.items():
        start = time.perf_counter()
        text = fn(html)
        out[pid] = (text, time.perf_counter() - start)
    return out


def load_predictions(path, ids):
    """Page id -> text from a parasift output file, matched by `id` or by `source` ending in the id."""
    found = {}
    for rec in read_jsonl(path):
        source = str(rec.get("source", "")).replace("\\", "/")
        pid = rec.get("id") if rec.get("id") in ids else next((i for i in ids if source.endswith(i)), None)
        if pid is not None:
            found[pid] = rec.get("text") or ""
    missing = len(ids) - len(found)
    if missing:
        print(f"{path}: no prediction for {missing} of {len(ids)} pages, scored as empty", file=sys.stderr)
    return {pid: (found.get(pid, ""), None) for pid in ids}


def report(name, results, gold, sizes):
    """Prints the overall line and one line per dataset; results maps page id -> (text, seconds)."""
    groups = [(name, list(gold))]
    groups += [(f"{name}/{d}", [i for i in gold if i.split("/")[0] == d]) for d in DATASETS]
    for label, ids in groups:
        if not ids:
            continue
        p, r, f1 = scores([page_counts(gold[i], results[i][0]) for i in ids])
        line = f"{label:<38} pages={len(ids):<4} P={p:.4f} R={r:.4f} F1={f1:.4f}"
        if results[ids[0]][1] is not None:
            secs = sum(results[i][1] for i in ids)
            mbps = sum(sizes[i] for i in ids) / 1e6 / secs if secs else float("inf")
            line += f"  seconds={secs:.2f}  MB/s={mbps:.2f}"
        print(line, flush=True)


def self_test():
    close = lambda a, b: abs(a - b) < 1e-9
    assert all(close(x, 1 / 3) for x in page_counts("a b c d e", "a b c d x"))
    assert scores([page_counts("a b c d e", "a b c d x")]) == (0.5, 0.5, 0.5)
    assert scores([page_counts("Some gold text here.", "Some gold text here!")]) == (1.0, 1.0, 1.0)
    assert page_counts("a b c d", "") == (0.0, 0.0, 1.0)
    assert scores([page_counts("a b c d", "")]) == (0.0, 0.0, 0.0)  # no page has a precision
    assert scores([page_counts("x y z w", "x y z w"), page_counts("a b c d", "")])[:2] == (1.0, 0.5)
    assert page_counts("", "") == (0.0, 0.0, 0.0)  # empty on both sides: no shingle at all
    assert shingles("a b") == Counter([("a", "b")]) and shingles(" ,. ") == Counter()
    assert scores([page_counts("a b", "a c")]) == (0.0, 0.0, 0.0)  # short texts: one shingle each
    assert scores([page_counts("The cat sat down", "the cat sat down")])[2] == 0.0  # case-sensitive
    tp, fp, fn = page_counts("a b c d a b c d", "a b c d")  # multisets: (a b c d) twice in gold
    assert close(tp, 0.2) and fp == 0 and close(fn, 0.8)
    assert scores([(tp, fp, fn)])[:2] == (1.0, 0.2)
    print("self-test passed")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fixtures", help="fixture file (.jsonl or .jsonl.zst) with a `gold` per page")
    ap.add_argument("--pages", help="labeled-html root holding <dataset>/<split>/<file>.html")
    ap.add_argument("--predictions", action="append", default=[], metavar="NAME=FILE",
                    help="score a JSON Lines file of extracted text (repeatable)")
    ap.add_argument("--self-test", action="store_true", help="check the metric and exit")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if not (args.fixtures and args.pages):
        ap.error("--fixtures and --pages are required")
    records = [r for r in read_jsonl(args.fixtures) if r.get("format", "html") == "html"]
    gold = {r["id"]: r.get("gold") or "" for r in records}
    pages = {}
    for pid in gold:
        with open(f"{args.pages}/{pid}", "rb") as f:
            pages[pid] = f.read()
    sizes = {pid: len(b) for pid, b in pages.items()}
    print(f"{len(gold)} pages, {sum(sizes.values()) / 1e6:.1f} MB of HTML", file=sys.stderr)
    for spec in args.predictions:
        name, _, path = spec.partition("=")
        if not path:
            ap.error(f"--predictions wants NAME=FILE, got {spec!r}")
        report(name, load_predictions(path, list(gold)), gold, sizes)
    outputs = {}
    for name, fn in extractors().items():
        outputs[name] = run_extractor(fn, pages)
        if name == "trafilatura-default" and all(
            outputs[name][i][0] == outputs["trafilatura"][i][0] for i in pages
        ):
            print("trafilatura-default: same output as include_comments=False", flush=True)
            continue
        report(name, outputs[name], gold, sizes)


if __name__ == "__main__":
    main()
