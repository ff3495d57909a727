#!/usr/bin/env python3
"""Builds benchmark corpora from the documents in the repository.

Requires: Python 3, `pip install zstandard`.

    python3 benches/make_corpus.py OUT_DIR [--copies N]

writes OUT_DIR/text.jsonl (plain-text records: the paragraphs of the labeled train and dev
pages, one per line, each page once per copy under a new id and a URL on one of 50 sites) and
OUT_DIR/html.jsonl (the 21 HTML pages of benches/data, once per copy) and OUT_DIR/news.jsonl
(news-like paragraphs: the five scraped news documents of training/seeds, one paragraph per
line, 1,000 times per copy under new ids and URLs). With --copies N the corpora are N times
larger; the peak-memory check compares --copies 1 and --copies 10.

With --distinct N it also writes OUT_DIR/distinct.jsonl: text.jsonl N times over, each word
given a suffix of its copy, so that the copies share no word shingles. The other corpora repeat
the same documents, and their corpus index stays exact; at N = 8 (245 MB) the distinct text
outgrows the exact tables of the default --index-memory and is counted in the sketch, as a
large real corpus is.
"""
import argparse
import glob
import json
import os
import zstandard

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def records(path):
    with open(path, "rb") as f:
        data = zstandard.ZstdDecompressor().stream_reader(f).read()
    for line in data.decode("utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--distinct", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    texts = []
    for name in ("train.jsonl.zst", "dev.jsonl.zst"):
        for r in records(os.path.join(ROOT, "training/fixtures", name)):
            paras = [p["text"] if isinstance(p, dict) else p for p in r["paragraphs"]]
            texts.append((r["id"], "\n".join(paras)))
    pages = list(records(os.path.join(ROOT, "benches/data/pages.jsonl.zst")))
    with open(os.path.join(a.out, "text.jsonl"), "w") as f:
        for c in range(a.copies * 5):
            for i, (id_, text) in enumerate(texts):
                rec = {"id": f"{id_}#{c}", "text": text, "url": f"https://site{(i + c) % 50}.example/{c}/{i}"}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    seeds = [open(p, encoding="utf-8").read() for p in sorted(glob.glob(os.path.join(ROOT, "training/seeds/*.txt")))]
    with open(os.path.join(a.out, "news.jsonl"), "w") as f:
        for c in range(a.copies * 1000):
            for i, text in enumerate(seeds):
                rec = {"id": f"seed{i}#{c}", "text": text, "url": f"https://site{(i + c) % 50}.example/{c}/{i}"}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    if a.distinct:
        suffixes = ["", "a", "e", "o", "s", "en", "er", "in", "um", "is", "os", "al", "an", "et", "ur", "ix"]
        base = []
        for c in range(5):
            for i, (id_, text) in enumerate(texts):
                base.append((f"{id_}#{c}", text, f"https://site{(i + c) % 50}.example/{c}/{i}"))
        with open(os.path.join(a.out, "distinct.jsonl"), "w") as f:
            for d in range(a.distinct):
                suffix = suffixes[d % 16] + suffixes[(d // 16) % 16]
                for id_, text, url in base:
                    words = text.split(" ")
                    text = " ".join(w + suffix if w else w for w in words)
                    rec = {"id": f"{id_}/{d}", "text": text, "url": url.replace(".example", f"{d}.example")}
                    f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with open(os.path.join(a.out, "html.jsonl"), "w") as f:
        for c in range(a.copies * 5):
            for p in pages:
                rec = dict(p, id=f"{p['id']}#{c}")
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
