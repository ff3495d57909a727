import json

import pytest

import parasift

pytest.importorskip("datatrove")
pytest.importorskip("orjson")


def test_local_pipeline_keeps_the_content(tmp_path, cli):
    try:
        from datatrove.executor import LocalPipelineExecutor
    except ImportError as e:
        # datatrove's executor imports huggingface_hub names that the hub version dolma's
        # dependencies leave installed lacks.
        pytest.skip(f"datatrove cannot be imported here: {e}")
    from datatrove.pipeline.readers.jsonl import JsonlReader
    from datatrove.pipeline.writers.jsonl import JsonlWriter
    from parasift.datatrove import ParasiftFilter
    from conftest import SEEDS

    src = tmp_path / "in"
    src.mkdir()
    with open(src / "docs.jsonl", "w", encoding="utf-8") as f:
        for p in SEEDS:
            f.write(json.dumps({"id": str(p), "text": p.read_text(encoding="utf-8")}) + "\n")
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(src)), ParasiftFilter(), JsonlWriter(str(tmp_path / "out"), compression=None)],
        tasks=1, logging_dir=str(tmp_path / "logs"),
    ).run()
    out = [json.loads(l) for f in sorted((tmp_path / "out").glob("*.jsonl")) for l in f.read_text().splitlines()]
    want = [json.loads(l) for l in cli("extract", "--format", "text", *SEEDS).stdout.splitlines()]
    want = [w for w in want if w["text"]]
    assert [o["text"] for o in out] == [w["text"] for w in want]
    meta = out[0]["metadata"]["parasift"]
    assert meta["lang"] == "eng" and len(meta["scores"]) == len(meta["labels"])
