#!/usr/bin/env python3
"""datatrove's MinHash dedup, one stage per call, as the peer of Scripts/bench/dedup.py and
Scripts/crosscheck/minhash.py: each stage is its own process so each can be timed and its
memory measured on its own, as datatrove's docs run them (LocalPipelineExecutor per stage).

    python dt-minhash.py STAGE --input DIR --work DIR --tasks N --workers N [--hash xxhash|sha1]

STAGE is signatures (JsonlReader → MinhashDedupSignature, one task per shard), buckets
(MinhashDedupBuckets, one task per bucket), cluster (MinhashDedupCluster, one task; cluster ids
saved) or filter (JsonlReader → MinhashDedupFilter → JsonlWriter, the removed ones to
WORK/removed). datatrove's MinhashConfig defaults otherwise (5-grams, 14 buckets of 8 hashes,
64-bit, seed 1).
"""
import argparse

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster,
                                              MinhashDedupFilter, MinhashDedupSignature)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.hashing import HashConfig


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("stage", choices=["signatures", "buckets", "cluster", "filter"])
    parser.add_argument("--input", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--tasks", type=int, required=True, help="input shards (one task each)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--hash", default="xxhash", choices=["xxhash", "sha1"])
    args = parser.parse_args()
    config = MinhashConfig(hash_config=HashConfig(precision=64, hash_fc=args.hash))
    work = args.work
    read = lambda: JsonlReader(args.input, glob_pattern="*.jsonl.zst")
    if args.stage == "signatures":
        steps, tasks = [read(), MinhashDedupSignature(output_folder=f"{work}/signatures", config=config)], args.tasks
    elif args.stage == "buckets":
        steps, tasks = [MinhashDedupBuckets(input_folder=f"{work}/signatures", output_folder=f"{work}/buckets",
                                            config=config)], config.num_buckets
    elif args.stage == "cluster":
        steps, tasks = [MinhashDedupCluster(input_folder=f"{work}/buckets", output_folder=f"{work}/remove_ids",
                                            config=config, save_cluster_id=True)], 1
    else:
        steps, tasks = [read(),
                        MinhashDedupFilter(input_folder=f"{work}/remove_ids",
                                           exclusion_writer=JsonlWriter(f"{work}/removed", compression="zstd")),
                        JsonlWriter(f"{work}/output", compression="zstd")], args.tasks
    LocalPipelineExecutor(pipeline=steps, tasks=tasks, workers=min(args.workers, tasks),
                          logging_dir=f"{work}/logs/{args.stage}").run()


if __name__ == "__main__":
    main()
