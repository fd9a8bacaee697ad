#!/usr/bin/env python3
"""The datatrove contender of Scripts/bench/io.sh: read -> write pass-through of a .jsonl.zst corpus.

    .venv-peers/bin/python Scripts/bench/dt-copy.py --input DIR --output DIR --logs DIR \
        --tasks 8 --workers 1 [--zstd-level shipped|N]

JsonlReader(DIR, glob_pattern="*.jsonl.zst") -> JsonlWriter(OUT, compression="zstd") under
LocalPipelineExecutor(tasks, workers): the way a datatrove user would write it, nothing tuned.

zstd in datatrove 0.10.1: JsonlWriter(compression="zstd") is accepted (DiskWriter appends ".zst" to
the file name) and the actual codec comes from fsspec's compression registry. fsspec picks the
implementation at import time: on Python >= 3.14 (or with backports.zstd installed) it is the stdlib
ZstdFile at zstd's default level 3; otherwise it is `zstandard.ZstdCompressor(level=10)`. So on this
machine's Python 3.11 datatrove writes at level 10 unless told otherwise. `--zstd-level N` re-registers
fsspec's "zstd" codec with level N (in each worker, see make_leveled_writer) so datatrove can be
compared at the same level as the other contenders; `--zstd-level shipped` leaves fsspec as installed.
Everything else is datatrove's defaults, including the forkserver start method for workers > 1.
"""

from __future__ import annotations

import argparse
import os
import sys


def make_leveled_writer(JsonlWriter):
    """A JsonlWriter that writes zstd at a given level.

    fsspec looks its codec up by name each time a file is opened, so it is enough to re-register
    "zstd" (same shape as fsspec's own zstandard codec, only the level differs) before the first
    write. That has to happen in the process that writes: with workers > 1 datatrove pickles the
    pipeline (dill, which sends classes defined in __main__ by value) to forkserver workers that
    import fsspec afresh, so the registration is done in run(), not here.
    """

    class LeveledJsonlWriter(JsonlWriter):
        def __init__(self, *args, zstd_level: int, **kwargs):
            JsonlWriter.__init__(self, *args, **kwargs)
            self.zstd_level = zstd_level

        def run(self, data, rank: int = 0, world_size: int = 1):
            import fsspec.compression
            import zstandard

            level = self.zstd_level

            def zstd_file(infile, mode="rb"):
                if "r" in mode:
                    return zstandard.ZstdDecompressor().stream_reader(infile)
                return zstandard.ZstdCompressor(level=level).stream_writer(infile)

            fsspec.compression.register_compression("zstd", zstd_file, "zst", force=True)
            return JsonlWriter.run(self, data, rank, world_size)

    return LeveledJsonlWriter


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--logs", required=True, help="datatrove logging_dir; must not hold completions of an earlier run")
    ap.add_argument("--tasks", type=int, required=True)
    ap.add_argument("--workers", type=int, required=True)
    ap.add_argument("--zstd-level", default="shipped")
    args = ap.parse_args()

    # A reused logging dir would make datatrove skip every task as "already completed" and the
    # benchmark would time nothing.
    if os.path.exists(os.path.join(args.logs, "completions")):
        sys.exit(f"dt-copy: {args.logs} already has completions; use a fresh directory")

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    if args.zstd_level == "shipped":
        writer = JsonlWriter(args.output, compression="zstd")
    else:
        writer = make_leveled_writer(JsonlWriter)(args.output, compression="zstd", zstd_level=int(args.zstd_level))

    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(args.input, glob_pattern="*.jsonl.zst"),
            # default name "${rank}.jsonl" + compression="zstd" -> "<rank>.jsonl.zst"
            writer,
        ],
        tasks=args.tasks,
        workers=args.workers,  # datatrove's default start method (forkserver) for workers > 1
        logging_dir=args.logs,
    )
    executor.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
