import gzip
import json
import shutil
import subprocess

import pytest

dolma = shutil.which("dolma")


@pytest.mark.skipif(dolma is None, reason="dolma is not installed")
def test_dolma_mix_gives_the_cli_clean_text(tmp_path, shards, cli):
    docs = tmp_path / "dataset" / "documents"
    docs.mkdir(parents=True)
    # dolma's documents: an id, a text and a source; the record without an id and the broken
    # line stay out (dolma needs both).
    keep = []
    for s in shards:
        for line in s.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if "id" in rec and "text" in rec:
                keep.append(line[:-1] + ',"source":"test"}')
    with gzip.open(docs / "part-0.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write("\n".join(keep) + "\n")
    attrs = tmp_path / "dataset" / "attributes" / "parasift"
    out = cli("classify", "--output", "attributes", "--url-key", "metadata.url",
              "--output-dir", attrs, docs)
    assert out.returncode == 0, out.stderr.decode()
    config = {
        "streams": [{
            "name": "clean",
            "documents": [str(docs / "*.jsonl.gz")],
            "attributes": ["parasift"],
            "output": {"path": str(tmp_path / "mixed"), "max_size_in_bytes": 1 << 30},
            "span_replacement": [{"span": "$.attributes.parasift__content", "min_score": 0.0,
                                  "max_score": 0.5, "replacement": ""}],
        }],
        "processes": 1,
        "work_dir": {"input": str(tmp_path / "w_in"), "output": str(tmp_path / "w_out")},
    }
    (tmp_path / "mix.json").write_text(json.dumps(config))
    run = subprocess.run([dolma, "-c", str(tmp_path / "mix.json"), "mix"], capture_output=True)
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    mixed = [json.loads(l) for f in sorted((tmp_path / "mixed").glob("*.gz"))
             for l in gzip.open(f, "rt", encoding="utf-8")]
    want = [json.loads(l) for l in cli("classify", "--output", "clean", "--url-key", "metadata.url",
                                       docs / "part-0.jsonl.gz").stdout.splitlines()]
    norm = lambda t: " ".join(t.split())
    # (dolma itself reads integer ids beyond 64 bits as floats: ids are compared as read.)
    assert len(mixed) == len(want) > 10
    assert [norm(m["text"]) for m in mixed] == [norm(w["text"]) for w in want]
