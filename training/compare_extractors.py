#!/usr/bin/env python3
"""Score other main-content extractors on parasift's dev pages, per source, with parasift's metrics.

Each extractor runs on the raw page behind a fixture record's id and is scored against that record's
gold, so the figures can be shown next to parasift's own. Extraction output saved by parasift (JSON
Lines of {"id", "source", "text"}) is scored the same way with --predictions.

Raw pages, by the fixture id's source (the id up to its first `/`), under the datasets root DATA:
`l3s-gn1`, `googletrends-2017`, `cleaneval`: id `DATASET/dev/FILE` is the file
DATA/labeled-html/DATASET/dev/FILE; `readability`, `trafilatura`, `cleanportaleval`: id `SOURCE/ID` is
the `html` of the record with that `id` in DATA/readability-test-pages, DATA/trafilatura-eval and
DATA/cleanportaleval (each `pages.jsonl.zst`).

Requires: Python 3, `pip install trafilatura==2.3.1 zstandard justext lxml_html_clean`
(jusText is skipped when it is not installed; current lxml needs lxml_html_clean).

Usage (DATA is the datasets root; run from the repository root):

    # trafilatura and jusText, every source
    python3 training/compare_extractors.py --fixtures training/fixtures/dev.jsonl.zst --datasets DATA
    # parasift: write the dev pages as files named by fixture id, extract, score
    python3 training/compare_extractors.py --fixtures training/fixtures/dev.jsonl.zst --datasets DATA \
        --write-pages /tmp/dev-pages
    parasift extract --format html --threads 1 --quiet /tmp/dev-pages > /tmp/dev-parasift.jsonl
    python3 training/compare_extractors.py --fixtures training/fixtures/dev.jsonl.zst --datasets DATA \
        --predictions parasift=/tmp/dev-parasift.jsonl [--predictions NAME=FILE ...] [--no-extractors]
    python3 training/compare_extractors.py --self-test

--pages DATA/labeled-html (the older option) still reads the labeled-html pages, and then only the
labeled-html sources are scored. --write-pages copies labeled-html files byte for byte and writes a
collection's page (already decoded text) as UTF-8 behind a byte order mark, which wins over the
page's own charset declaration; a prediction is matched to its page by `id`, or by a `source` path
ending in `/` + the fixture id.

Metrics. A page with a `gold` text, or with no snippets, is scored with the shingle metric against
`gold` (else its content paragraphs joined by newlines): tokens are `\\w+` matches (case-sensitive);
shingles are runs of 4 consecutive tokens (a single shingle of all tokens when there are fewer than
4), counted as multisets. Per page, tp/fp/fn are normalized by their sum; precision is averaged over
pages with tp+fp > 0, recall over pages with tp+fn > 0, and F1 is the harmonic mean of the two
averages. A page with `with`/`without` snippets and no `gold` (the trafilatura source) is scored
with trafilatura's snippet metric: the output and each snippet are whitespace-normalized (runs of
whitespace become one space, then stripped; snippets empty after that are skipped); a `with` snippet
found in the output as a substring is a TP, else an FN; a `without` snippet found is an FP, else a
TN; counts are summed over the pages, P = TP/(TP+FP), R = TP/(TP+FN). One line per extractor and
source (`all-labeled-html` is the three labeled-html sources together, the figure `parasift eval`
gives on them). Extractors run in one process, one page at a time; seconds is the summed extraction
time (after one untimed warm-up call) and MB/s is HTML megabytes (10^6 bytes, UTF-8) per second.
"""
import argparse
import io
import json
import os
import re
import sys
import time
from collections import Counter

LABELED_HTML = ("cleaneval", "googletrends-2017", "l3s-gn1")
# Source -> folder of its `pages.jsonl.zst` under the datasets root.
COLLECTIONS = {
    "readability": "readability-test-pages",
    "trafilatura": "trafilatura-eval",
    "cleanportaleval": "cleanportaleval",
}
SOURCES = ("l3s-gn1", "googletrends-2017", "cleaneval") + tuple(COLLECTIONS)
BOM = b"\xef\xbb\xbf"


def source_of(pid):
    return pid.split("/")[0]


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


def normalize_space(text):
    return re.sub(r"\s+", " ", text).strip()


def snippet_counts(with_, without, pred):
    """(tp, fn, fp, tn) of one page: `with` snippets found / missed, `without` found / missed."""
    out = normalize_space(pred)
    found = lambda snippets: [s in out for s in map(normalize_space, snippets) if s]
    kept, leaked = found(with_), found(without)
    return sum(kept), len(kept) - sum(kept), sum(leaked), len(leaked) - sum(leaked)


def snippet_scores(counts):
    """(precision, recall, f1) from per-page (tp, fn, fp, tn) summed over the pages."""
    tp, fn, fp = (sum(c[k] for c in counts) for k in range(3))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


class Gold:
    """One page's gold: a text for the shingle metric, or `with`/`without` snippets."""

    def __init__(self, rec):
        self.with_, self.without = rec.get("with") or [], rec.get("without") or []
        self.snippets = rec.get("gold") is None and bool(self.with_ or self.without)
        self.text = rec.get("gold")
        if self.text is None:
            self.text = "\n".join(
                p.get("text", "") for p in rec.get("paragraphs", []) if p.get("label") == "content"
            )

    @property
    def metric(self):
        return "snippets" if self.snippets else "shingles"


def score_pages(golds, preds):
    """(precision, recall, f1) of predicted texts against golds that all use one metric."""
    if golds and golds[0].snippets:
        return snippet_scores([snippet_counts(g.with_, g.without, t) for g, t in zip(golds, preds)])
    return scores([page_counts(g.text, t) for g, t in zip(golds, preds)])


def read_jsonl(path):
    with open(path, "rb") as f:
        raw = f.read()
    if path.endswith(".zst"):
        import zstandard

        raw = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw)).read()
    # split on "\n" only: str.splitlines would also split inside strings at U+2028 and the like
    return [json.loads(line) for line in raw.decode("utf-8").split("\n") if line.strip()]


def load_pages(ids, labeled_html, datasets):
    """Page id -> raw page: bytes for labeled-html files, text for collection pages."""
    pages, wanted = {}, {}
    for pid in ids:
        src = source_of(pid)
        if src in COLLECTIONS:
            wanted.setdefault(src, set()).add(pid.split("/", 1)[1])
        else:
            with open(os.path.join(labeled_html, pid), "rb") as f:
                pages[pid] = f.read()
    for src, names in wanted.items():
        path = os.path.join(datasets, COLLECTIONS[src], "pages.jsonl.zst")
        for rec in read_jsonl(path):
            if rec.get("id") in names:
                pages[f"{src}/{rec['id']}"] = rec["html"]
        missing = sorted(n for n in names if f"{src}/{n}" not in pages)
        if missing:
            sys.exit(f"{path}: no page with id {missing[0]!r} ({len(missing)} fixture pages missing)")
    return pages


def page_bytes(page):
    """A page as a file parasift reads the same: labeled-html bytes as they are, decoded text
    as UTF-8 behind a byte order mark (it wins over a charset the page declares)."""
    return page if isinstance(page, bytes) else BOM + page.encode("utf-8")


def write_pages(pages, out_dir):
    for pid, page in pages.items():
        path = os.path.join(out_dir, pid)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(page_bytes(page))
    print(f"wrote {len(pages)} pages under {out_dir}", file=sys.stderr)


def extractors():
    """Name -> function(page bytes or text) -> extracted text, for the extractors that are installed."""
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


def match_id(rec, ids):
    """The fixture id a parasift output record is for: its `id`, or the id its `source` path ends in."""
    if rec.get("id") in ids:
        return rec["id"]
    parts = str(rec.get("source", "")).replace("\\", "/").split("/")
    return next((c for c in ("/".join(parts[k:]) for k in range(len(parts))) if c in ids), None)


def load_predictions(path, ids):
    """Page id -> (text, None) from a parasift output file; pages without a prediction are empty."""
    ids, found = set(ids), {}
    for rec in read_jsonl(path):
        pid = match_id(rec, ids)
        if pid is not None:
            found[pid] = rec.get("text") or ""
    missing = len(ids) - len(found)
    if missing:
        print(f"{path}: no prediction for {missing} of {len(ids)} pages, scored as empty", file=sys.stderr)
    return {pid: (found.get(pid, ""), None) for pid in ids}


def groups(gold):
    """(label, ids) per source and metric, and all labeled-html pages together."""
    out = []
    for src in SOURCES + tuple(sorted({source_of(i) for i in gold} - set(SOURCES))):
        for metric in ("shingles", "snippets"):
            ids = [i for i in gold if source_of(i) == src and gold[i].metric == metric]
            if ids:
                out.append((src, ids))
    labeled = [i for i in gold if source_of(i) in LABELED_HTML and not gold[i].snippets]
    if labeled:
        out.append(("all-labeled-html", labeled))
    return out


def report(name, results, gold, sizes):
    """One line per source; results maps page id -> (text, seconds)."""
    for label, ids in groups(gold):
        p, r, f1 = score_pages([gold[i] for i in ids], [results[i][0] for i in ids])
        line = (f"{name:<20} {label:<18} pages={len(ids):<4} P={p:.4f} R={r:.4f} F1={f1:.4f}"
                f"  metric={gold[ids[0]].metric}")
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
    # snippets: whitespace-normalized substrings; a snippet split over two lines still counts
    out = "Das Pflaster ist\n  alt.\nWeitere News\n"
    assert snippet_counts(["Pflaster ist alt", " Das  Pflaster"], ["Weitere\tNews", "Impressum"], out) == (2, 0, 1, 1)
    assert snippet_counts(["fehlt hier"], [], out) == (0, 1, 0, 0)
    assert snippet_counts(["  ", "alt."], [""], out) == (1, 0, 0, 0)  # empty snippets are skipped
    assert snippet_counts(["pflaster ist"], [], out) == (0, 1, 0, 0)  # case-sensitive
    p, r, f1 = snippet_scores([(2, 0, 1, 1), (0, 1, 0, 0)])  # summed over pages, not averaged
    assert close(p, 2 / 3) and close(r, 2 / 3) and close(f1, 2 / 3)
    assert snippet_scores([(0, 2, 0, 3)]) == (0.0, 0.0, 0.0)
    g = Gold({"id": "trafilatura/x", "with": ["Pflaster ist alt"], "without": ["Weitere News"],
              "paragraphs": [{"text": "Pflaster ist alt", "label": "content"}]})
    assert g.snippets and score_pages([g], [out]) == (0.5, 1.0, 2 / 3)
    g = Gold({"id": "l3s-gn1/dev/a", "paragraphs": [{"text": "a b c d", "label": "content"},
                                                     {"text": "x y z w", "label": "boilerplate"}]})
    assert not g.snippets and g.text == "a b c d" and score_pages([g], ["a b c d"]) == (1.0, 1.0, 1.0)
    g = Gold({"id": "l3s-gn1/dev/a", "gold": "e f g h", "with": ["a b"], "paragraphs": []})
    assert not g.snippets and g.text == "e f g h"  # a gold text wins over snippets
    ids = {"cleaneval/dev/ce_1.html", "trafilatura/ab", "readability/b"}
    assert match_id({"id": "/tmp/p/cleaneval/dev/ce_1.html", "source": "/tmp/p/cleaneval/dev/ce_1.html"}, ids) == "cleaneval/dev/ce_1.html"
    assert match_id({"id": "x", "source": "/tmp/p/xtrafilatura/ab"}, ids) is None  # whole path parts only
    assert match_id({"id": "readability/b", "source": "other"}, ids) == "readability/b"
    assert page_bytes("é") == BOM + "é".encode() and page_bytes(b"\xe9") == b"\xe9"
    print("self-test passed")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fixtures", help="fixture file (.jsonl or .jsonl.zst) with a gold per page")
    ap.add_argument("--datasets", help="datasets root holding labeled-html/ and the page collections")
    ap.add_argument("--pages", help="labeled-html root holding <dataset>/<split>/<file>.html "
                    "(without --datasets: score only the labeled-html sources)")
    ap.add_argument("--predictions", action="append", default=[], metavar="NAME=FILE",
                    help="score a JSON Lines file of extracted text (repeatable)")
    ap.add_argument("--write-pages", metavar="DIR",
                    help="write each dev page to DIR/<fixture id> (for parasift extract) and exit")
    ap.add_argument("--no-extractors", action="store_true",
                    help="score only the --predictions files, do not run trafilatura or jusText")
    ap.add_argument("--self-test", action="store_true", help="check the metrics and exit")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if not args.fixtures or not (args.datasets or args.pages):
        ap.error("--fixtures and --datasets (or --pages) are required")
    predictions = [spec.partition("=")[::2] for spec in args.predictions]
    for spec, (name, path) in zip(args.predictions, predictions):
        if not (name and path):
            ap.error(f"--predictions wants NAME=FILE, got {spec!r}")
    labeled_html = args.pages or os.path.join(args.datasets, "labeled-html")
    records = [r for r in read_jsonl(args.fixtures) if r.get("format", "html") == "html"]
    if not args.datasets:
        records = [r for r in records if source_of(r["id"]) not in COLLECTIONS]
    gold = {r["id"]: Gold(r) for r in records}
    pages = load_pages(list(gold), labeled_html, args.datasets)
    if args.write_pages:
        return write_pages(pages, args.write_pages)
    sizes = {pid: len(b if isinstance(b, bytes) else b.encode("utf-8")) for pid, b in pages.items()}
    print(f"{len(gold)} pages, {sum(sizes.values()) / 1e6:.1f} MB of HTML", file=sys.stderr)
    for name, path in predictions:
        report(name, load_predictions(path, list(gold)), gold, sizes)
    if args.no_extractors:
        return
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
