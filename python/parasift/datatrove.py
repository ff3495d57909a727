"""A datatrove pipeline step: :class:`ParasiftFilter` keeps each document's content paragraphs
(dropping documents with none) and records the language, scores and labels in ``metadata``.
It runs under datatrove's local and Slurm executors (the model is loaded once per task)."""

from __future__ import annotations

from typing import Optional

from datatrove.pipeline.base import PipelineStep

from . import CorpusIndex, Model


class ParasiftFilter(PipelineStep):
    """Keeps the content of each document.

    Documents are classified in batches of ``batch_size`` counted as one corpus, or against
    ``index_path`` (an index of the whole corpus from ``parasift index`` or
    :meth:`CorpusIndex.save`). ``format``: ``"text"`` (one paragraph per line) or ``"html"``.
    ``metadata["parasift"]`` gets ``{"lang", "lang_share", "scores", "labels"}``."""

    name = "parasift"
    type = "🧹 - FILTER"

    def __init__(self, model_path: Optional[str] = None, index_path: Optional[str] = None,
                 format: str = "text", batch_size: int = 1024, threads: Optional[int] = 1,
                 keep_text: bool = False):
        super().__init__()
        self.model_path = model_path
        self.index_path = index_path
        self.format = format
        self.batch_size = batch_size
        self.threads = threads
        self.keep_text = keep_text

    def _classify(self, model, index, batch):
        results = model.classify([d.text for d in batch], self.format, "json",
                                 ids=[d.id for d in batch], index=index,
                                 threads=self.threads, errors="skip")
        for doc, res in zip(batch, results):
            if res is None:
                self.stat_update("rejected")
                continue
            paras = res["paragraphs"]
            content = [p["text"] for p in paras if p["label"] == "content"]
            doc.metadata["parasift"] = {
                "lang": res["lang"],
                "lang_share": res["lang_share"],
                "scores": [p["score"] for p in paras],
                "labels": [p["label"] for p in paras],
            }
            if not content:
                self.stat_update("dropped")
                continue
            if not self.keep_text:
                doc.text = "\n".join(content)
            self.stat_update("kept")
            yield doc

    def run(self, data, rank: int = 0, world_size: int = 1):
        model = Model(self.model_path)
        index = CorpusIndex.load(self.index_path) if self.index_path else None
        batch = []
        for doc in data:
            self.stat_update("documents")
            batch.append(doc)
            if len(batch) >= self.batch_size:
                with self.track_time("batch"):
                    yield from self._classify(model, index, batch)
                batch = []
        if batch:
            with self.track_time("batch"):
                yield from self._classify(model, index, batch)
