"""parasift on a Ray Data ``Dataset``: the corpus counts first, across the cluster (the blocks
counted in one task per CPU, the partial indexes merged in tasks), then the classification in
tasks that fetch the model and the index from the object store once per worker process. The
result is the command's on the same records.

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
# The remote functions, made when first needed (importing this module does not import Ray).
_REMOTE: dict = {}
# Partial indexes merged by one task.
_FAN_IN = 4


def _items(col):
    """The values of an Arrow string column as ``bytes`` (a null as ``b""``): no text object
    is made for them, the Rust side reads the UTF-8 as it is."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = col.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        col = col.cast(pa.large_binary() if pa.types.is_large_string(t) else pa.binary())
    if col.null_count:
        col = pc.fill_null(col, b"")
    return col.to_pylist()


def _read_kw(kw):
    keys = ("blocks", "id_key", "text_key", "html_key", "url_key")
    return {k: kw[k] for k in keys if k in kw}


def _count_blocks(spec, *blocks) -> bytes:
    """The index file's bytes of the documents of ``blocks`` (Arrow tables), counted in order."""
    column, format, memory, id_column, url_column, rk = spec
    idx = CorpusIndex(memory)
    for b in blocks:
        col = b.column(column)
        # JSONL records as their UTF-8 bytes; texts and pages as text (as classify gives them).
        docs = _items(col) if format == "jsonl" else ["" if d is None else d for d in col.to_pylist()]
        idx.count(docs, format, threads=1,
                  ids=b.column(id_column).to_pylist() if id_column else None,
                  urls=b.column(url_column).to_pylist() if url_column else None, **rk)
    return idx.to_bytes()


def _merge_parts(threads, *parts) -> bytes:
    """The partial indexes ``parts`` (index file bytes, in corpus order) added up."""
    idx = CorpusIndex.from_bytes(parts[0])
    for p in parts[1:]:
        idx.merge(p, threads=threads)
    return idx.to_bytes()


def _remote():
    import ray

    if not _REMOTE:
        _REMOTE["count"] = ray.remote(num_cpus=1)(_count_blocks)
        _REMOTE["merge"] = ray.remote(num_cpus=1)(_merge_parts)
    return _REMOTE["count"], _REMOTE["merge"]


def _index_refs(dataset, column, format, memory, id_column, url_column, read_kw):
    """Object refs to the index file bytes of shares of ``dataset``'s corpus, in order (at
    most ``_FAN_IN``; their sum is the corpus's index): its blocks counted in one task per
    CPU of the cluster (runs of blocks in dataset order), the partial indexes merged in
    rounds of tasks while there are more. The blocks stay in the object store while they are
    counted."""
    import ray

    count, merge = _remote()
    blocks = [r for bundle in dataset.iter_internal_ref_bundles() for r in bundle.block_refs]
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    n = max(1, min(cpus, len(blocks)))
    spec = (column, format, memory, id_column, url_column, _read_kw(read_kw))
    parts = [count.remote(spec, *blocks[i * len(blocks) // n:(i + 1) * len(blocks) // n])
             for i in range(n)]
    # The last few are merged where they are used (a merge task would cost a worker's start,
    # the writing and the reading of the merged index).
    while len(parts) > _FAN_IN:
        runs = [parts[i:i + _FAN_IN] for i in range(0, len(parts), _FAN_IN)]
        threads = max(1, min(4, cpus // len(runs)))
        parts = [merge.remote(threads, *run) if len(run) > 1 else run[0] for run in runs]
    return parts


def _sum(parts, threads=None) -> CorpusIndex:
    """The index of the shares whose index file bytes are ``parts``."""
    idx = CorpusIndex.from_bytes(parts[0])
    for p in parts[1:]:
        idx.merge(p, threads=threads)
    return idx


def build_index(dataset, column: str = "text", format: str = "jsonl", *,
                memory: Optional[int] = None, id_column: Optional[str] = None,
                url_column: Optional[str] = None, **read_kw) -> CorpusIndex:
    """The corpus counts of ``dataset``: its blocks counted in one task per CPU, the partial
    indexes merged in tasks; the same counts as ``parasift index`` over the same records.
    ``column`` holds JSONL records (``format="jsonl"``, as ``read_text`` gives them) or texts /
    HTML pages."""
    import ray

    refs = _index_refs(dataset, column, format, memory, id_column, url_column, read_kw)
    return _sum(ray.get(refs))


def _cached(refs):
    import ray

    key = tuple(r.hex() for r in refs)
    got = _CACHE.get(key)
    if got is None:
        _CACHE.clear()
        model, *index = ray.get(list(refs))
        # An index, or the file bytes of the shares of one (added up here, on one thread).
        index = index[0] if isinstance(index[0], CorpusIndex) else _sum(index, threads=1)
        got = (model, index)
        _CACHE[key] = got
    return got


def _batch_size(dataset) -> int:
    """Rows per batch: about two tasks per CPU when the dataset's size is known (a
    materialized dataset), within 128 and 4096 rows; else 1024. Each task has a cost of its
    own (0.1 to 0.3 s on a small node), and a CPU left without a task at the end waits."""
    import ray

    rows = None
    from ray.data.dataset import MaterializedDataset

    if isinstance(dataset, MaterializedDataset):
        rows = dataset.count()
    if not rows:
        return 1024
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    return max(128, min(4096, -(-rows // (2 * cpus))))


def classify(dataset, output: str = "clean", column: str = "text", format: str = "jsonl", *,
             model: Optional[Model] = None, index: Optional[CorpusIndex] = None,
             id_column: Optional[str] = None, url_column: Optional[str] = None,
             threads: int = 1, batch_size: Optional[int] = None, memory: Optional[int] = None,
             materialize: bool = True, **read_kw):
    """Classifies ``dataset`` as ``parasift classify --output OUTPUT`` classifies the same
    records.

    With ``format="jsonl"`` (``column`` holds JSONL records, as ``ray.data.read_text`` gives
    them), the result has ``column`` holding the line the command writes per record:
    rejected records are left out (``attributes`` keeps their stand-in rows, as the command
    does). For texts or HTML pages, the columns of :meth:`parasift.Model.classify_arrow` are
    added. Without ``index``, the corpus is counted first, across the cluster (as
    :func:`build_index` counts it), and with ``materialize`` (the default) the dataset is
    materialized first, so that it is read once for both passes (Ray spills its blocks to
    disk when they outgrow the object store); ``materialize=False`` reads it twice. The
    index stays in the object store: the driver never decodes it. ``threads``: worker threads
    per task (a task asks Ray for one CPU). ``batch_size``: rows per batch (default: about
    two tasks per CPU for a materialized dataset, within 128 and 4096 rows; else 1024)."""
    import pyarrow as pa
    import ray

    model = model or Model()
    if index is None:
        if materialize:
            dataset = dataset.materialize()
        index_refs = _index_refs(dataset, column, format, memory, id_column, url_column,
                                 read_kw)
        # The counts first: a classification task that waited for them in `ray.get` would give
        # its CPU back, and Ray would start another worker process for the next task.
        ray.wait(index_refs, num_returns=len(index_refs), fetch_local=False)
    else:
        index_refs = [ray.put(index)]
    refs = [ray.put(model), *index_refs]
    if batch_size is None:
        batch_size = _batch_size(dataset)
    rk = _read_kw(read_kw)
    attribute_prefix = read_kw.get("attribute_prefix", "parasift")

    def run(batch: pa.Table, refs):
        m, idx = _cached(refs)
        if format == "jsonl":
            lines, _ = m.classify_lines(_items(batch.column(column)), "jsonl", output,
                                        index=idx, threads=threads,
                                        attribute_prefix=attribute_prefix, **rk)
            kept = [b for b in lines if b is not None]
            # The lines are UTF-8 already: checked by Arrow, not decoded into text objects.
            return pa.table({column: pa.array(kept, pa.binary()).cast(pa.string())})
        return m.classify_arrow(batch, column, format, output, id_column=id_column,
                                url_column=url_column, index=idx, threads=threads,
                                attribute_prefix=attribute_prefix, **rk)

    return dataset.map_batches(run, batch_format="pyarrow", batch_size=batch_size,
                               fn_kwargs={"refs": refs}, num_cpus=1)
