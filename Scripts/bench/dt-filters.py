#!/usr/bin/env python3
"""The datatrove contender of Scripts/bench/filters.sh: JsonlReader → LanguageFilter (fastText
lid.176, the same .ftz file Winnow uses) → GopherQualityFilter → GopherRepetitionFilter →
C4QualityFilter → FineWebQualityFilter → JsonlWriter, datatrove's defaults otherwise.

    python dt-filters.py --input DIR --output DIR --logs DIR --lid lid.176.ftz --tasks N --workers N [--limit DOCS]
"""
import argparse

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.filters import (C4QualityFilter, FineWebQualityFilter, GopherQualityFilter,
                                        GopherRepetitionFilter, LanguageFilter)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter


class NumpyScores:
    """fastText whose predict returns numpy scores: datatrove 0.10.1 calls `.item()` on each
    score, and fasttext-numpy2-wheel's predict returns plain floats for k=-1."""

    def __init__(self, model):
        self.model = model

    def predict(self, text, k=1, threshold=0.0):
        import numpy
        labels, scores = self.model.predict(text, k=k, threshold=threshold)
        return labels, numpy.asarray(scores)


class LocalLanguageFilter(LanguageFilter):
    """LanguageFilter with its model read from a local file (datatrove would download lid.176.bin)."""

    def __init__(self, model_path, **kwargs):
        super().__init__(**kwargs)
        self.model_path = model_path

    def filter(self, doc):
        if self.model._model is None:
            from fasttext.FastText import _FastText
            self.model._model = NumpyScores(_FastText(self.model_path))
        return super().filter(doc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--logs", required=True)
    ap.add_argument("--lid", required=True)
    ap.add_argument("--tasks", type=int, required=True)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--limit", type=int, default=-1, help="documents per task (-1: all)")
    args = ap.parse_args()
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(args.input, glob_pattern="*.jsonl.zst", limit=args.limit),
            LocalLanguageFilter(args.lid),
            GopherQualityFilter(),
            GopherRepetitionFilter(),
            C4QualityFilter(),
            FineWebQualityFilter(),
            JsonlWriter(args.output, compression="zstd"),
        ],
        tasks=args.tasks, workers=args.workers, logging_dir=args.logs,
    ).run()


if __name__ == "__main__":
    main()
