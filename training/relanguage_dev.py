#!/usr/bin/env python3
"""Write dev pages whose content speaks another language, to measure whether the model keeps
article text whatever its language and script.

The dev set is nearly all English and German, so it cannot show what a Russian or Chinese news
corpus gets. This script takes the fully labeled HTML dev pages of training/fixtures/dev.jsonl.zst
and, for each language below, gives the content paragraphs of PAGES of them that language's lingua
test sentences (lines 501 to 1000 of `testdata/sentences.txt`: the lines that neither training nor
the language tables use), about as long as the text they replace. Markup and boilerplate stay as
they were, so the boilerplate is in the page's own language: an article and its footer in two
languages. The output is a fixture file that `parasift eval` scores per language (the id's first
part).

With `--whole`, the boilerplate speaks the language too (lingua's word pairs and single words,
lines 501 to 1000, about as long as the text they replace, links kept in the same share): a
site written in one language throughout, the case of a Russian or Chinese news corpus. With
`--same-pages`, every language gets the same pages, English is among the languages, and the
file also holds the pages unchanged (id prefix `original/`): English through the same
replacement is the control that tells the language's effect from the replacement's.

    cargo fetch --manifest-path training/lingua-models/Cargo.toml      # the lingua crates, once
    python3 training/relanguage_dev.py /tmp/dev-relanguaged.jsonl
    python3 training/relanguage_dev.py --whole --same-pages /tmp/dev-whole.jsonl
    parasift eval /tmp/dev-relanguaged.jsonl [--model FILE]

Requires Python 3 and `pip install zstandard`. Deterministic: the same fixtures give the same file.
"""
import argparse
import glob
import io
import json
import os
import sys

import zstandard

LANGUAGES = ("russian", "ukrainian", "bulgarian", "chinese", "japanese", "korean", "arabic",
             "persian", "hebrew", "hindi", "bengali", "tamil", "thai", "greek", "georgian",
             "armenian", "german", "french", "spanish", "polish", "turkish", "vietnamese")
PAGES = 6


def sentences(registry, language, kind="sentences"):
    """Lines 501 to 1000 of the language's test `kind` file (sentences, word-pairs or
    single-words), or [] when it has no more than 500."""
    found = glob.glob(os.path.join(registry, "*", f"lingua-{language}-language-model-*",
                                   "testdata", f"{kind}.txt"))
    if not found:
        sys.exit(f"no lingua crate for {language} under {registry}: run cargo fetch "
                 "--manifest-path training/lingua-models/Cargo.toml")
    with open(sorted(found)[-1], encoding="utf-8") as f:
        lines = [line.strip() for line in f.read().splitlines()[500:1000]]
    return [line for line in lines if line]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="fixture file to write (JSON lines)")
    ap.add_argument("--fixtures", default="training/fixtures/dev.jsonl.zst")
    cargo_home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    ap.add_argument("--registry", default=os.path.join(cargo_home, "registry", "src"))
    ap.add_argument("--pages", type=int, default=PAGES, help=f"pages per language ({PAGES})")
    ap.add_argument("--whole", action="store_true",
                    help="give the boilerplate the language too (word pairs and single words)")
    ap.add_argument("--same-pages", action="store_true",
                    help="the same pages for every language, and those pages unchanged as original/")
    args = ap.parse_args()
    with open(args.fixtures, "rb") as f:
        text = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(f), encoding="utf-8")
        records = [json.loads(line) for line in text]
    pages = [r for r in records if r.get("format") == "html"
             and all("label" in p for p in r["paragraphs"])
             and any(p["label"] == "content" for p in r["paragraphs"])
             and any(p["label"] == "boilerplate" for p in r["paragraphs"])]
    if not pages:
        sys.exit(f"{args.fixtures}: no fully labeled HTML pages")
    written = 0
    with open(args.out, "w", encoding="utf-8") as out:
        def chosen(li):
            # Spread over the pages: 7 is prime to the page count.
            return [pages[((0 if args.same_pages else li) * args.pages + j) * 7 % len(pages)]
                    for j in range(args.pages)]

        if args.same_pages:
            for page in chosen(0):
                r = json.loads(json.dumps(page))
                r["id"] = f"original/{r['id']}"
                r.pop("gold", None)
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
                written += 1
        languages = (("english",) if args.same_pages else ()) + LANGUAGES
        for li, language in enumerate(languages):
            lines = sentences(args.registry, language)
            if not lines:
                print(f"{language}: no test sentences after line 500, skipped", file=sys.stderr)
                continue
            words = (sentences(args.registry, language, "word-pairs")
                     + sentences(args.registry, language, "single-words")) if args.whole else []
            at = wat = 0
            for page in chosen(li):
                r = json.loads(json.dumps(page))
                r["id"] = f"{language}/{r['id']}"
                r.pop("gold", None)
                for p in r["paragraphs"]:
                    want, t = len(p["text"]), ""
                    if p["label"] == "content":
                        while not t or len(t) + 20 < want:
                            t = (t + " " if t else "") + lines[at % len(lines)]
                            at += 1
                        p.pop("link_chars", None)
                    elif words and any(c.isalpha() for c in p["text"]):
                        while not t or len(t) + 8 < want:
                            t = (t + " " if t else "") + words[wat % len(words)]
                            wat += 1
                        if p.get("link_chars"):
                            share = min(1.0, p["link_chars"] / max(1, want))
                            p["link_chars"] = round(share * len(t))
                    else:
                        continue
                    p["text"] = t
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
                written += 1
    print(f"wrote {written} pages to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
