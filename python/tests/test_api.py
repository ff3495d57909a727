import json
import pickle

import pytest

import parasift
from conftest import SEEDS


def test_classify_equals_the_cli_on_the_seeds(cli):
    want = [json.loads(l) for l in cli("classify", "--format", "text", *SEEDS).stdout.splitlines()]
    model = parasift.Model()
    got = model.classify([p.read_text(encoding="utf-8") for p in SEEDS],
                         ids=[str(p) for p in SEEDS])
    assert len(got) == len(want) == 5
    for g, w in zip(got, want):
        assert g["id"] == w["id"]
        assert g["paragraphs"] == w["paragraphs"]
        assert (g["lang"], g["iso639_1"], g["lang_share"]) == (w["lang"], w["iso639_1"], w["lang_share"])


@pytest.mark.parametrize("output", ["clean", "attributes", "json", "documents"])
def test_jsonl_lines_equal_the_cli(cli, shards, output):
    want = cli("classify", "--url-key", "metadata.url", "--output", output, *shards).stdout
    lines = [l for s in shards for l in s.read_text(encoding="utf-8").splitlines()]
    got, rejects = parasift.Model().classify_lines(lines, "jsonl", output, url_key="metadata.url")
    got = [b for b in got if b is not None]
    if output == "json":
        # The command's source names the file and line; the batch's, its position.
        strip = lambda l: {k: v for k, v in json.loads(l).items() if k != "source"}
        assert [strip(l) for l in got] == [strip(l) for l in want.splitlines()]
    else:
        # The stand-in row of the malformed line names its file and line (the batch: its
        # position); every other row is the command's, byte for byte.
        want = [l for l in want.splitlines() if b'.jsonl:' not in l]
        assert [l for l in got if b'"<batch>:' not in l] == want
    assert len(rejects) == (2 if output == "attributes" else 1)


@pytest.mark.parametrize("output", ["clean", "attributes"])
def test_bytes_lines_equal_the_cli(cli, shards, output):
    # Lines as bytes, the way a file is read: the same rows as the command's.
    want = cli("classify", "--url-key", "metadata.url", "--output", output, *shards).stdout
    lines = [l for s in shards for l in s.read_bytes().splitlines()]
    got, rejects = parasift.Model().classify_lines(lines, "jsonl", output, url_key="metadata.url",
                                                   threads=2)
    got = [b for b in got if b is not None and b'"<batch>:' not in b]
    assert got == [l for l in want.splitlines() if b'.jsonl:' not in l]
    assert len(rejects) == (2 if output == "attributes" else 1)


def test_bytes_are_decoded_as_the_command_decodes_them():
    m = parasift.Model()
    page = ('<html><head><meta charset="iso-8859-1"></head><body><h1>Caf\u00e9 au lait</h1>'
            '<p>Un caf\u00e9 tr\u00e8s fort, servi chaud avec du lait, dans une grande tasse '
            'blanche, au comptoir.</p></body></html>')
    as_text = m.classify([page], "html")
    assert m.classify([page.encode("iso-8859-1")], "html") == as_text
    assert m.classify([bytearray(page.encode("utf-8"))], "html") == as_text
    # A JSONL record must be UTF-8: a line that is not is rejected, as the command rejects it.
    lines, rejects = m.classify_lines([b'{"id":1,"text":"caf\xe9"}', b'{"id":2,"text":"ok"}'],
                                      "jsonl", "clean")
    assert lines[0] is None and lines[1] is not None
    assert rejects == [(0, "<batch>:1: invalid UTF-8 at byte 19")]
    with pytest.raises(TypeError, match="not int"):
        m.classify(["text", 3])
    with pytest.raises(TypeError, match="single str"):
        m.classify("a text, not a list of them")


def test_merge_reads_index_bytes():
    docs = [p.read_text(encoding="utf-8") for p in SEEDS]
    whole, a, b = parasift.CorpusIndex(), parasift.CorpusIndex(), parasift.CorpusIndex()
    whole.count(docs)
    a.count(docs[:2])
    b.count(docs[2:])
    assert a.merge(b.to_bytes()).to_bytes() == whole.to_bytes()
    with pytest.raises(parasift.ParasiftError, match="magic"):
        parasift.CorpusIndex().merge(b"not an index file at all, not at all")


def test_ids_stay_as_written():
    text = "A strong storm hit the coast on Monday, cutting power to thousands of homes."
    lines = ['{"id":1e2,"text":"%s"}' % text, '{"id":123456789012345678901234567890,"text":"%s"}' % text]
    got, _ = parasift.Model().classify_lines(lines, "jsonl", "attributes", attribute_prefix="exp")
    assert got[0].startswith(b'{"id":1e2,"attributes":{"exp__content":[[')
    assert got[1].startswith(b'{"id":123456789012345678901234567890,')


def test_errors_carry_the_reason(tmp_path):
    with pytest.raises(parasift.ParasiftError, match="missing.bin"):
        parasift.Model(tmp_path / "missing.bin")
    bad = tmp_path / "bad.idx"
    bad.write_bytes(b"not an index")
    with pytest.raises(parasift.ParasiftError, match="bad.idx"):
        parasift.CorpusIndex.load(bad)
    with pytest.raises(parasift.Rejected, match="malformed JSON") as e:
        parasift.Model().classify(['{"id": 1, "text": "ok"}', "{broken"], "jsonl")
    assert e.value.rejects[0][0] == 1
    assert parasift.Model().classify(["{broken"], "jsonl", errors="skip") == [None]
    with pytest.raises(ValueError, match="format"):
        parasift.Model().classify(["x"], "pdf")


def test_pickling_and_index_round_trips(tmp_path):
    model = pickle.loads(pickle.dumps(parasift.Model()))
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    idx = parasift.CorpusIndex()
    assert idx.count(texts[:3]) == []
    other = parasift.CorpusIndex()
    other.count(texts[3:])
    idx.merge(other)
    assert idx.docs == 5 and idx.is_exact and idx.bytes > 0
    again = pickle.loads(pickle.dumps(idx))
    idx.save(tmp_path / "c.idx")
    loaded = parasift.CorpusIndex.load(tmp_path / "c.idx")
    assert loaded.docs == again.docs == 5
    # Counted in two batches and merged, or counted at once: the same classification.
    assert model.classify(texts, index=loaded) == model.classify(texts) == model.classify(texts, index=again)


def test_threads_and_detect():
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    m = parasift.Model()
    assert m.classify(texts, threads=1) == m.classify(texts, threads=2)
    d = parasift.detect("Это предложение написано на русском языке, без сомнения.")
    assert (d["lang"], d["iso639_1"], d["script"]) == ("rus", "ru", "cyrillic")


def test_arrow_batches(cli):
    pa = pytest.importorskip("pyarrow")
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    table = pa.table({"id": [str(p) for p in SEEDS], "text": texts, "n": list(range(5))})
    out = parasift.Model().classify_arrow(table, "text", "text", "clean", id_column="id")
    assert out.column("n").to_pylist() == list(range(5))
    want = [json.loads(l)["text"] for l in cli("extract", "--format", "text", *SEEDS).stdout.splitlines()]
    assert out.column("parasift").to_pylist() == want
    batch = table.to_batches()[0]
    out = parasift.Model().classify_arrow(batch, output="json")
    assert isinstance(out, pa.RecordBatch) and out.num_rows == 5
