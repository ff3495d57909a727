#!/usr/bin/env python3
"""Write dev pages whose content speaks another language, to measure whether the model keeps
article text whatever its language and script.

The dev set is nearly all English and German, so it cannot show what a Russian or Chinese news
corpus gets. This script takes the fully labeled HTML dev pages of training/fixtures/dev.jsonl.zst
and, for each language below, gives the content paragraphs of PAGES of them that language's lingua
test sentences (lines 501 to 1000 of `testdata/sentences.txt`: the lines that neither training nor
the language tables use), about as long as the text they replace. Markup and boilerplate stay as
they were, so the boilerplate is in the page's own language: an article and its footer in two
languages.

With `--whole`, the boilerplate speaks the language too (lingua's word pairs and single words,
lines 501 to 1000, about as long as the text they replace, links kept in the same share): a
site written in one language throughout, the case of a Russian or Chinese news corpus. With
`--same-pages`, every language gets the same pages, English is among the languages, and the
pages are also written unchanged (as the language `original`): English through the same
replacement is the control that tells the language's effect from the replacement's.

Each page is written to a fixture file of its own, OUT/LANGUAGE-NN.jsonl, and every page takes
its sentences from the first: `parasift eval` scores each file as a corpus of its own, so no
sentence is repeated within a page or across pages of one corpus (repetition would make it look
like boilerplate). A page whose content needs more sentences than a language has is left out (of
every language, with `--same-pages`). `--summarize` reads the output of `parasift eval` over
those files and prints page F1 per language (page precision and recall averaged, as `eval` does):

    cargo fetch --manifest-path training/lingua-models/Cargo.toml      # the lingua crates, once
    python3 training/relanguage_dev.py /tmp/relang
    parasift eval /tmp/relang/*.jsonl [--model FILE] | python3 training/relanguage_dev.py --summarize
    python3 training/relanguage_dev.py --whole --same-pages --pages 30 /tmp/whole

Requires Python 3 and `pip install zstandard`. Deterministic: the same fixtures give the same files.
"""
import argparse
import glob
import io
import json
import os
import re
import sys

import zstandard

LANGUAGES = ("russian", "ukrainian", "bulgarian", "chinese", "japanese", "korean", "arabic",
             "persian", "hebrew", "hindi", "bengali", "tamil", "thai", "greek", "georgian",
             "armenian", "german", "french", "spanish", "polish", "turkish", "vietnamese")
PAGES = 6
# Characters of these languages' text for one of the replaced (English or German) text: the same
# words take fewer characters in Han, kana and Hangul, and a menu of as many characters would
# be two or three times as many words.
LENGTH = {"chinese": 0.35, "japanese": 0.4, "korean": 0.5}


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


def replace(page, language, lines, words):
    """The page with its content given `lines` and (with `words`) its boilerplate `words`, each
    from the first; None when the content needs more lines than there are."""
    r = json.loads(json.dumps(page))
    r["id"] = f"{language}/{r['id']}"
    r.pop("gold", None)
    at = wat = 0
    scale = LENGTH.get(language, 1.0)
    for p in r["paragraphs"]:
        want, t = round(len(p["text"]) * scale), ""
        if p["label"] == "content":
            while not t or len(t) + 20 < want:
                if at == len(lines):
                    return None
                t = (t + " " if t else "") + lines[at]
                at += 1
            p.pop("link_chars", None)
        elif words and any(c.isalpha() for c in p["text"]):
            while not t or len(t) + 8 < want:
                # Menus repeat their words within a page too: these may come round again.
                t = (t + " " if t else "") + words[wat % len(words)]
                wat += 1
            if p.get("link_chars"):
                share = min(1.0, p["link_chars"] / max(1, len(p["text"])))
                p["link_chars"] = round(share * len(t))
        else:
            continue
        p["text"] = t
    return r


def summarize(text):
    """Page F1 per language from `parasift eval` output over OUT/LANGUAGE-NN.jsonl files."""
    per = {}
    for line in text.splitlines():
        m = re.match(r"^([a-z]+)-(\d+)\.jsonl +paragraphs=.* shingle P=([\d.]+) R=([\d.]+)", line)
        if not m:
            continue
        language = m.group(1)
        per.setdefault(language, []).append((float(m.group(3)), float(m.group(4))))
    if not per:
        sys.exit("no per-page lines of parasift eval on standard input")
    print("| language | pages | P | R | F1 |\n|---|---|---|---|---|")
    for language, pr in sorted(per.items()):
        p = sum(x for x, _ in pr) / len(pr)
        r = sum(y for _, y in pr) / len(pr)
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"| {language} | {len(pr)} | {p:.3f} | {r:.3f} | {f:.3f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", help="directory to write the pages to")
    ap.add_argument("--fixtures", default="training/fixtures/dev.jsonl.zst")
    cargo_home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    ap.add_argument("--registry", default=os.path.join(cargo_home, "registry", "src"))
    ap.add_argument("--pages", type=int, default=PAGES, help=f"pages per language ({PAGES})")
    ap.add_argument("--whole", action="store_true",
                    help="give the boilerplate the language too (word pairs and single words)")
    ap.add_argument("--same-pages", action="store_true",
                    help="the same pages for every language, English too, and the pages unchanged")
    ap.add_argument("--summarize", action="store_true",
                    help="read parasift eval's output on standard input, print F1 per language")
    args = ap.parse_args()
    if args.summarize:
        summarize(sys.stdin.read())
        return
    if not args.out:
        ap.error("the output directory is required")
    with open(args.fixtures, "rb") as f:
        text = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(f), encoding="utf-8")
        records = [json.loads(line) for line in text]
    pages = [r for r in records if r.get("format") == "html"
             and all("label" in p for p in r["paragraphs"])
             and any(p["label"] == "content" for p in r["paragraphs"])
             and any(p["label"] == "boilerplate" for p in r["paragraphs"])]
    if not pages:
        sys.exit(f"{args.fixtures}: no fully labeled HTML pages")
    languages = (("english",) if args.same_pages else ()) + LANGUAGES
    pools = {}
    for language in languages:
        lines = sentences(args.registry, language)
        if not lines:
            print(f"{language}: no test sentences after line 500, skipped", file=sys.stderr)
            continue
        words = (sentences(args.registry, language, "word-pairs")
                 + sentences(args.registry, language, "single-words")) if args.whole else []
        pools[language] = (lines, words)
    out = {}
    # Pages in turn, spread over the dev set (7 is prime to the page count); with
    # --same-pages the first pages that every language can take, else each language's own.
    order = [pages[j * 7 % len(pages)] for j in range(len(pages))]
    if args.same_pages:
        taken = []
        for page in order:
            if len(taken) == args.pages:
                break
            done = {lang: replace(page, lang, *pool) for lang, pool in pools.items()}
            if all(done.values()):
                taken.append(page)
                for lang, r in done.items():
                    out.setdefault(lang, []).append(r)
        out["original"] = [dict(json.loads(json.dumps(p)), id=f"original/{p['id']}")
                           for p in taken]
    else:
        at = 0
        for language, pool in pools.items():
            got = out.setdefault(language, [])
            while len(got) < args.pages and at < 50 * len(pages):
                r = replace(order[at % len(order)], language, *pool)
                at += 1
                if r:
                    got.append(r)
    written = 0
    os.makedirs(args.out, exist_ok=True)
    for language, rs in out.items():
        for i, r in enumerate(rs):
            r.pop("gold", None)
            with open(os.path.join(args.out, f"{language}-{i:02}.jsonl"), "w",
                      encoding="utf-8") as f:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
            written += 1
    print(f"wrote {written} pages in {len(out)} languages to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
