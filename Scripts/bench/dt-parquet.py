#!/usr/bin/env python3
"""The datatrove contender of Scripts/bench/parquet.sh: ParquetReader -> JsonlWriter(zstd).

    python Scripts/bench/dt-parquet.py --input DIR --output DIR --logs DIR --tasks N

ParquetReader(DIR) (text_key "text", id_key "id", other columns into metadata) ->
JsonlWriter(OUT, compression="zstd") under LocalPipelineExecutor(tasks=N, workers=1): as a
datatrove user would write it. fsspec's zstd codec is re-registered at level 3 so both sides
write at the same level (see Scripts/bench/dt-copy.py for why fsspec's default differs).
"""
import argparse
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from importlib import import_module  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--logs", required=True)
    parser.add_argument("--tasks", type=int, required=True)
    args = parser.parse_args()
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import ParquetReader
    from datatrove.pipeline.writers import JsonlWriter
    dt_copy = import_module("dt-copy")
    writer_class = dt_copy.make_leveled_writer(JsonlWriter)
    pipeline = [
        ParquetReader(args.input, glob_pattern="*.parquet"),
        writer_class(args.output, compression="zstd", zstd_level=3),
    ]
    LocalPipelineExecutor(pipeline=pipeline, tasks=args.tasks, workers=1, logging_dir=args.logs).run()


if __name__ == "__main__":
    main()
