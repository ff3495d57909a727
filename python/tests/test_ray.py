import json

import pytest

import parasift

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.execution_options.preserve_order = True
    yield
    ray.shutdown()


@pytest.mark.parametrize("materialize", [True, False])
def test_clean_output_equals_the_cli_record_for_record(local_ray, shards, cli, materialize):
    import parasift.ray as pr

    ds = ray.data.read_text([str(s) for s in shards])
    got = [r["text"] for r in pr.classify(ds, output="clean", url_key="metadata.url",
                                          materialize=materialize).take_all()]
    want = cli("classify", "--output", "clean", "--url-key", "metadata.url", *shards).stdout
    assert got == want.decode("utf-8").splitlines()
    assert len(got) > 15


def test_index_counted_across_blocks_equals_parasift_index(local_ray, shards, cli, tmp_path):
    import parasift.ray as pr

    ds = ray.data.read_text([str(s) for s in shards]).repartition(4)
    index = pr.build_index(ds, url_key="metadata.url")
    cli("index", "--url-key", "metadata.url", "--out", tmp_path / "cli.idx", "--quiet", *shards)
    want = parasift.CorpusIndex.load(tmp_path / "cli.idx")
    assert index.docs == want.docs
    # The same counts, byte for byte in the index file.
    assert index.to_bytes() == want.to_bytes()
    lines = [l for s in shards for l in s.read_text(encoding="utf-8").splitlines()]
    m = parasift.Model()
    a, _ = m.classify_lines(lines, "jsonl", "json", index=index, url_key="metadata.url")
    b, _ = m.classify_lines(lines, "jsonl", "json", index=want, url_key="metadata.url")
    assert a == b


def test_text_columns(local_ray):
    import parasift.ray as pr
    from conftest import SEEDS

    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    ds = ray.data.from_items([{"text": t, "k": i} for i, t in enumerate(texts)])
    rows = sorted(pr.classify(ds, output="clean", format="text").take_all(), key=lambda r: r["k"])
    want = parasift.Model().classify(texts, output="extract")
    assert [r["parasift"] for r in rows] == [w["text"] for w in want]
