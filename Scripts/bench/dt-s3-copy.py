#!/usr/bin/env python3
"""The datatrove contender of Scripts/bench/storage.sh: a read -> write pass-through of a
.jsonl.zst corpus from one bucket prefix to another through fsspec/s3fs.

    python Scripts/bench/dt-s3-copy.py --input s3://B/in --output s3://B/out --logs DIR \
        --tasks 8 --workers 2 --endpoint http://127.0.0.1:PORT

JsonlReader(input) -> JsonlWriter(output, compression="zstd") at zstd level 3 (as Winnow writes;
dt-copy.py's leveled writer) under LocalPipelineExecutor(tasks, workers), the way a datatrove
user reads a bucket: a (path, storage_options) pair naming the endpoint; credentials from the
environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), which s3fs reads.
"""
import argparse, importlib.util, os, sys

def main() -> int:
    ap = argparse.ArgumentParser()
    for name in ("--input", "--output", "--logs", "--endpoint"):
        ap.add_argument(name, required=True)
    ap.add_argument("--tasks", type=int, required=True)
    ap.add_argument("--workers", type=int, required=True)
    args = ap.parse_args()
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    spec = importlib.util.spec_from_file_location("dt_copy", os.path.join(os.path.dirname(__file__), "dt-copy.py"))
    dt_copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dt_copy)
    options = {"client_kwargs": {"endpoint_url": args.endpoint, "region_name": os.environ.get("AWS_REGION", "us-east-1")}}
    writer = dt_copy.make_leveled_writer(JsonlWriter)((args.output, options), compression="zstd", zstd_level=3)
    LocalPipelineExecutor(
        pipeline=[JsonlReader((args.input, options), glob_pattern="*.jsonl.zst"), writer],
        tasks=args.tasks, workers=args.workers, logging_dir=args.logs,
    ).run()
    return 0

if __name__ == "__main__":
    sys.exit(main())
