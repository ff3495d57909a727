"""parasift: split web and news documents into paragraphs, tell each paragraph's language, and
label it content or boilerplate with a trained model.

The documents of one call are one corpus: repetition is counted across them (or taken from a
:class:`CorpusIndex` of a larger corpus), as the ``parasift`` command counts it across its
inputs. Rust does the work with the GIL released.

>>> import parasift
>>> model = parasift.Model()
>>> [doc] = model.classify(["Kremlin warns Washington against attacking Iran\\nShare this page"])
>>> sorted(doc)[:3]
['id', 'iso639_1', 'lang']
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Optional, Sequence

from . import _parasift
from ._parasift import ParasiftError, detect

__all__ = ["Model", "CorpusIndex", "ParasiftError", "Rejected", "detect", "OUTPUTS"]
__version__ = _parasift.__version__

#: What ``classify`` can return per document.
OUTPUTS = ("json", "clean", "attributes", "documents", "extract")


class Rejected(ParasiftError):
    """Documents of a batch that could not be read; ``.rejects`` lists ``(position, reason)``."""

    def __init__(self, rejects):
        self.rejects = rejects
        first = "; ".join(f"#{i}: {r}" for i, r in rejects[:3])
        more = f" (and {len(rejects) - 3} more)" if len(rejects) > 3 else ""
        super().__init__(f"{len(rejects)} documents rejected: {first}{more}")


def _items(items: Iterable[Any]):
    """The documents of a call, as a list or tuple (their types are checked in Rust: ``str``,
    ``bytes``, ``bytearray`` or ``memoryview``)."""
    if isinstance(items, (str, bytes, bytearray, memoryview)):
        raise TypeError("documents must be a sequence of str or bytes, not a single "
                        f"{type(items).__name__}")
    return items if isinstance(items, (list, tuple)) else list(items)


def _opt_strings(v, n, what):
    if v is None:
        return None
    v = [None if x is None else str(x) for x in v]
    if len(v) != n:
        raise ValueError(f"{what} has {len(v)} items, the documents {n}")
    return v


class CorpusIndex:
    """Paragraph and shingle counts over a corpus (what ``parasift index`` writes).

    Count documents or batches with :meth:`count`, add up the indexes of the shares of a corpus
    with :meth:`merge`, keep them with :meth:`save` / :meth:`load` or :meth:`to_bytes` /
    :meth:`from_bytes`. An index pickles (as its file's bytes), so it can cross to workers.
    """

    def __init__(self, memory: Optional[int] = None, *, _inner=None):
        self._inner = _inner if _inner is not None else _parasift.CorpusIndex(memory)

    def count(self, docs: Sequence[Any], format: str = "text", *, ids=None, urls=None,
              threads: Optional[int] = None, blocks: bool = False, id_key: str = "id",
              text_key: str = "text", html_key: str = "html", url_key: str = "url",
              name: str = "<batch>") -> list:
        """Counts ``docs`` (strings: text, HTML or JSONL records as ``format`` says) into the
        index. Returns the documents that could not be read, as ``(position, reason)``."""
        docs = _items(docs)
        return self._inner._count(docs, format, _opt_strings(ids, len(docs), "ids"),
                                  _opt_strings(urls, len(docs), "urls"), threads, blocks,
                                  id_key, text_key, html_key, url_key, name)

    def merge(self, other, threads: Optional[int] = None) -> "CorpusIndex":
        """Adds the counts of ``other`` (an index of other documents, or the bytes of its file
        as :meth:`to_bytes` gives them, read straight into the merge) to this one; returns
        self."""
        if isinstance(other, (bytes, bytearray, memoryview)):
            self._inner._merge_bytes(bytes(other) if not isinstance(other, bytes) else other,
                                     threads)
        else:
            self._inner.merge(other._inner, threads)
        return self

    @property
    def docs(self) -> int:
        """Documents counted."""
        return self._inner.docs

    @property
    def bytes(self) -> int:
        """Memory the counts hold, in bytes."""
        return self._inner.bytes

    @property
    def is_exact(self) -> bool:
        """Whether the counts are exact (not folded into the fixed-size sketch)."""
        return self._inner.is_exact

    def save(self, path) -> None:
        """Writes an index file, as ``parasift index --out`` does."""
        self._inner.save(str(path))

    @classmethod
    def load(cls, path) -> "CorpusIndex":
        """Reads an index file (``save`` or ``parasift index``)."""
        return cls(_inner=_parasift.CorpusIndex.load(str(path)))

    def to_bytes(self) -> bytes:
        """The bytes of the index file."""
        return self._inner.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "CorpusIndex":
        """The index from the bytes of an index file."""
        return cls(_inner=_parasift.CorpusIndex.from_bytes(data))

    def __reduce__(self):
        return (CorpusIndex.from_bytes, (self.to_bytes(),))

    def __repr__(self):
        return f"CorpusIndex(docs={self.docs}, bytes={self.bytes}, exact={self.is_exact})"


class Model:
    """A trained classifier: ``Model()`` is the embedded default model, ``Model(path)`` a model
    file (``parasift train``). ``threshold`` overrides the model's P(content) threshold.
    A model pickles (as its file's bytes)."""

    def __init__(self, path=None, threshold: Optional[float] = None, *, _inner=None):
        self._inner = _inner if _inner is not None else _parasift.Model(
            None if path is None else str(path), threshold)

    @property
    def threshold(self) -> float:
        """P(content) at or above which a paragraph is content."""
        return self._inner.threshold

    def to_bytes(self) -> bytes:
        """The bytes of the model file."""
        return self._inner.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Model":
        """The model from the bytes of a model file."""
        return cls(_inner=_parasift.Model.from_bytes(data))

    def __reduce__(self):
        return (Model.from_bytes, (self.to_bytes(),))

    def classify_lines(self, docs: Sequence[Any], format: str = "text", output: str = "json", *,
                       ids=None, urls=None, index: Optional[CorpusIndex] = None,
                       threads: Optional[int] = None, blocks: bool = False,
                       id_key: str = "id", text_key: str = "text", html_key: str = "html",
                       url_key: str = "url", attribute_prefix: str = "parasift",
                       name: str = "<batch>"):
        """As :meth:`classify`, but returns the JSON lines the command writes (``bytes``, no
        newline; ``None`` for a rejected document, or with ``output="attributes"`` the row that
        stands in its place) and the rejected documents as ``(position, reason)``: nothing is
        raised for bad records."""
        docs = _items(docs)
        lines, rejects = self._inner._classify(
            docs, format, output, _opt_strings(ids, len(docs), "ids"),
            _opt_strings(urls, len(docs), "urls"),
            None if index is None else index._inner, threads, blocks, id_key, text_key,
            html_key, url_key, attribute_prefix, name)
        for i, _reason, row in rejects:
            if row is not None:
                lines[i] = row
        return lines, [(i, r) for i, r, _ in rejects]

    def classify(self, docs: Sequence[Any], format: str = "text", output: str = "json", *,
                 ids=None, urls=None, index: Optional[CorpusIndex] = None,
                 threads: Optional[int] = None, blocks: bool = False, id_key: str = "id",
                 text_key: str = "text", html_key: str = "html", url_key: str = "url",
                 attribute_prefix: str = "parasift", errors: str = "raise") -> list:
        """Classifies ``docs`` and returns one dict per document, in the schema of the
        command's ``--output`` (``"json"``: ``{"id", "source", "lang", "iso639_1",
        "lang_share", "paragraphs": [{"text", "start", "end", "label", "score", "lang",
        "iso639_1", "lang_confidence", "script"}]}``; ``"clean"``, ``"attributes"``,
        ``"documents"``, ``"extract"`` as the README describes them).

        ``format``: ``"text"`` (one paragraph per line; ``blocks=True``: per blank-line
        separated block), ``"html"``, or ``"jsonl"`` (each item a JSON record, read with the
        ``*_key`` names; dotted paths such as ``"metadata.url"`` reach into objects). For text
        and HTML, ``ids`` (default: the position) and ``urls`` (their host is the site) may be
        given. The documents are counted as one corpus unless ``index`` holds the counts of the
        whole corpus (they must have been counted into it). ``threads``: worker threads
        (default: one per core). ``errors="raise"`` raises :class:`Rejected` when a document
        cannot be read; ``"skip"`` puts ``None`` in its place."""
        if errors not in ("raise", "skip"):
            raise ValueError('errors must be "raise" or "skip"')
        lines, rejects = self.classify_lines(
            docs, format, output, ids=ids, urls=urls, index=index, threads=threads,
            blocks=blocks, id_key=id_key, text_key=text_key, html_key=html_key,
            url_key=url_key, attribute_prefix=attribute_prefix)
        if rejects and errors == "raise":
            raise Rejected(rejects)
        return [None if b is None else json.loads(b) for b in lines]

    def classify_arrow(self, data, column: str = "text", format: str = "text",
                       output: str = "clean", *, id_column: Optional[str] = None,
                       url_column: Optional[str] = None, index: Optional[CorpusIndex] = None,
                       threads: Optional[int] = None, blocks: bool = False,
                       id_key: str = "id", text_key: str = "text", html_key: str = "html",
                       url_key: str = "url", attribute_prefix: str = "parasift"):
        """The batch form for dataframe engines: a ``pyarrow.Table`` or ``RecordBatch`` in, the
        same kind out, with every input column kept and these added:

        - ``output="clean"``: ``parasift`` (the cleaned record for ``format="jsonl"``, else the
          content text), ``parasift_lang``;
        - ``"json"``: ``parasift`` (the per-document JSON line, a string);
        - ``"attributes"``: ``parasift`` (the attribute row, a string);
        - ``"documents"``: ``parasift`` (the record or document the spans point into).

        A row that cannot be read gets ``null`` and ``parasift_error`` its reason."""
        import pyarrow as pa

        docs = data.column(column).to_pylist()
        n = len(docs)
        ids = data.column(id_column).to_pylist() if id_column else None
        urls = data.column(url_column).to_pylist() if url_column else None
        kind = "extract" if output == "clean" and format != "jsonl" else output
        lines, rejects = self.classify_lines(
            ["" if d is None else d for d in docs], format, kind, ids=ids, urls=urls,
            index=index, threads=threads, blocks=blocks, id_key=id_key, text_key=text_key,
            html_key=html_key, url_key=url_key, attribute_prefix=attribute_prefix)
        errors = [None] * n
        for i, reason in rejects:
            errors[i] = reason
        cols = {}
        if kind == "extract":
            parsed = [None if b is None else json.loads(b) for b in lines]
            cols["parasift"] = pa.array([None if p is None else p["text"] for p in parsed],
                                        pa.string())
            cols["parasift_lang"] = pa.array([None if p is None else p["lang"] for p in parsed],
                                             pa.string())
        else:
            cols["parasift"] = pa.array(
                [None if b is None else b.decode("utf-8") for b in lines], pa.string())
        cols["parasift_error"] = pa.array(errors, pa.string())
        out = data
        for name, arr in cols.items():
            if name in out.schema.names:
                out = out.drop_columns([name]) if hasattr(out, "drop_columns") else out
            out = out.append_column(name, arr)
        return out
