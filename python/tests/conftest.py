"""Shared fixtures: the command-line tool of this checkout and JSONL shards made from the seeds."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "training" / "seeds").glob("*.txt"))


def cli_path():
    env = os.environ.get("PARASIFT_BIN")
    if env:
        return env
    for kind in ("release", "debug"):
        p = ROOT / "target" / kind / "parasift"
        if p.exists():
            return str(p)
    pytest.skip("no parasift binary (cargo build, or set PARASIFT_BIN)")


def run_cli(*args):
    out = subprocess.run([cli_path(), *map(str, args)], capture_output=True, check=False)
    assert out.returncode in (0, 1), out.stderr.decode()
    return out


@pytest.fixture(scope="session")
def cli():
    return run_cli


@pytest.fixture(scope="session")
def shards(tmp_path_factory):
    """Four JSONL shards: every seed in several shards (so the corpus counts span shards), ids
    that are numbers, strings and big integers, URLs under a nested key, an HTML record, a
    record without an id and a malformed line."""
    d = tmp_path_factory.mktemp("shards")
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    n = 0
    for s in range(4):
        lines = []
        for k, t in enumerate(texts):
            if (k + s) % 4 == 3:
                continue
            n += 1
            rec = {"text": t, "metadata": {"url": f"https://site{k % 2}.example.com/{n}"}}
            raw = json.dumps(rec, ensure_ascii=False)
            ident = [str(n), json.dumps(f"d{n}"), "1%03d00000000000000000000" % n][n % 3]
            lines.append('{"id":%s,%s' % (ident, raw[1:]))
        if s == 1:
            lines.append('{"id":"h1","html":"<h1>Storm hits the coast</h1><p>A strong storm hit '
                         'the coast on Monday, cutting power to thousands of homes and closing '
                         'roads, officials said.</p><footer>Share this page</footer>"}')
        if s == 2:
            lines.append('{"text":"A record without an id.\\nShare this page"}')
            lines.append('{broken')
        (d / f"part-{s}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sorted(d.glob("*.jsonl"))
