"""parasift on a Ray Data ``Dataset``: the corpus counts first, across the cluster (each block
counted, the partial indexes merged), then the classification in tasks that fetch the model
and the index from the object store once per worker process. The result is the command's on the
same records.

No actor holds a CPU: on a small node the reads still get one.

>>> import ray, parasift.ray
>>> ds = ray.data.read_text(["shard-0.jsonl", "shard-1.jsonl"])        # doctest: +SKIP
>>> clean = parasift.ray.classify(ds, output="clean")                   # doctest: +SKIP
"""

from __future__ import annotations

from typing import Optional

from . import CorpusIndex, Model

__all__ = ["build_index", "classify"]

# Per worker process: the model and index of the refs last seen, decoded once.
_CACHE: dict = {}


def _read_kw(kw):
    keys = ("blocks", "id_key", "text_key", "html_key", "url_key")
    return {k: kw[k] for k in keys if k in kw}


def build_index(dataset, column: str = "text", format: str = "jsonl", *,
                memory: Optional[int] = None, id_column: Optional[str] = None,
                url_column: Optional[str] = None, **read_kw) -> CorpusIndex:
    """The corpus counts of ``dataset``: each block counted in a task, the partial indexes
    merged here. ``column`` holds JSONL records (``format="jsonl"``, as ``read_text`` gives
    them) or texts / HTML pages."""
    import pyarrow as pa

    rk = _read_kw(read_kw)

    def count(batch: pa.Table):
        idx = CorpusIndex(memory)
        idx.count(batch.column(column).to_pylist(), format, threads=1,
                  ids=batch.column(id_column).to_pylist() if id_column else None,
                  urls=batch.column(url_column).to_pylist() if url_column else None, **rk)
        return pa.table({"index": pa.array([idx.to_bytes()], pa.binary())})

    parts = dataset.map_batches(count, batch_format="pyarrow", batch_size=None)
    index = CorpusIndex(memory)
    for row in parts.iter_rows():
        index.merge(CorpusIndex.from_bytes(row["index"]))
    return index


def _cached(refs):
    import ray

    key = tuple(r.hex() for r in refs)
    got = _CACHE.get(key)
    if got is None:
        _CACHE.clear()
        got = tuple(ray.get(list(refs)))
        _CACHE[key] = got
    return got


def classify(dataset, output: str = "clean", column: str = "text", format: str = "jsonl", *,
             model: Optional[Model] = None, index: Optional[CorpusIndex] = None,
             id_column: Optional[str] = None, url_column: Optional[str] = None,
             threads: int = 1, batch_size: Optional[int] = 1024, memory: Optional[int] = None,
             **read_kw):
    """Classifies ``dataset`` as ``parasift classify --output OUTPUT`` classifies the same
    records.

    With ``format="jsonl"`` (``column`` holds JSONL records, as ``ray.data.read_text`` gives
    them), the result has ``column`` holding the line the command writes per record:
    rejected records are left out (``attributes`` keeps their stand-in rows, as the command
    does). For texts or HTML pages, the columns of :meth:`parasift.Model.classify_arrow` are
    added. Without ``index``, the corpus is counted first (:func:`build_index`). ``threads``:
    worker threads per task (a task asks Ray for one CPU)."""
    import pyarrow as pa
    import ray

    model = model or Model()
    if index is None:
        index = build_index(dataset, column, format, memory=memory, id_column=id_column,
                            url_column=url_column, **read_kw)
    refs = [ray.put(model), ray.put(index)]
    rk = _read_kw(read_kw)
    attribute_prefix = read_kw.get("attribute_prefix", "parasift")

    def run(batch: pa.Table, refs):
        m, idx = _cached(refs)
        if format == "jsonl":
            lines, _ = m.classify_lines(batch.column(column).to_pylist(), "jsonl", output,
                                        index=idx, threads=threads,
                                        attribute_prefix=attribute_prefix, **rk)
            kept = [b.decode("utf-8") for b in lines if b is not None]
            return pa.table({column: pa.array(kept, pa.string())})
        return m.classify_arrow(batch, column, format, output, id_column=id_column,
                                url_column=url_column, index=idx, threads=threads,
                                attribute_prefix=attribute_prefix, **rk)

    return dataset.map_batches(run, batch_format="pyarrow", batch_size=batch_size,
                               fn_kwargs={"refs": refs}, num_cpus=1)
