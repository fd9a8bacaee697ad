#!/usr/bin/env python3
"""Task overhead: wall time and peak memory against shard count, for the same bytes.

    scale.py --winnow BIN [--baseline OLD_BIN] --scratch DIR --corpora DIR8,DIR100,... [--workers 2]
             [--parts filter,minhash]

Each corpus directory holds the same documents cut into another number of shards (make-corpus.py
--shards N). For each, two pipelines run with the same settings: a pass-through (`filter` with no
rules) and MinHash dedup (four phases). Every run's result is checked: the pass-through must write
every input document, and MinHash must remove the same number of documents whatever the shard
count (the corpus is the same; only which copy of a cluster is kept depends on shard order).
Prints a markdown table: wall seconds, the ratio to the fewest-shards run, CPU seconds (user+sys
of every process; steadier than wall time on a shared machine) and peak resident memory of the
whole process tree; with --baseline, the same for another build, side by side.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

from proctree import measure

PIPELINES = {
    "filter": "  - id: copy\n    stage: filter\n    from: input\n    rules: []\n",
    "minhash": "  - id: dedup\n    stage: dedup\n    from: input\n    method: minhash\n",
}


def run(winnow, corpus, work, part, workers):
    """(wall s, CPU s, peak bytes, a check value) of one pipeline on one corpus. `work` is a new folder:
    the runs' folders are deleted only at the end, since creating files where thousands were
    just deleted costs ext4 a scan of the recently freed inodes, which would tax the next run."""
    os.makedirs(work)
    pipeline = os.path.join(work, "pipeline.yaml")
    with open(pipeline, "w") as f:
        f.write(f"name: scale-{part}\nworkdir: {work}/run\nseed: 1\ninput: [{corpus}/*.jsonl.zst]\n"
                f"workers: {workers}\nsteps:\n{PIPELINES[part]}")
    wall, cpu, peak = measure([winnow, "run", pipeline], cwd=work, name=f"scale.py {part}")
    status = json.loads(subprocess.run([winnow, "status", f"{work}/run", "--json"], check=True,
                                       capture_output=True, text=True).stdout)
    steps = {s["step"]: s["counters"] for s in status["steps"]}
    if part == "filter":
        check = (steps["copy"]["docs_in"], steps["copy"]["docs_kept"])
        if check[0] != check[1]:
            sys.exit(f"scale.py: the pass-through kept {check[1]} of {check[0]} documents")
    else:
        check = steps["dedup#3"]["docs_rejected"]
    return wall, cpu, peak, check


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--winnow", required=True)
    parser.add_argument("--baseline", default=None, help="another build, measured the same way in the same run")
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--corpora", required=True, help="comma-separated corpus directories, fewest shards first")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--parts", default="filter,minhash")
    args = parser.parse_args()

    builds = [("this build", args.winnow)] + ([("baseline", args.baseline)] if args.baseline else [])
    corpora = args.corpora.split(",")
    parts = args.parts.split(",")
    results = {}
    checks = {}
    scratch = os.path.join(args.scratch, f"runs-{os.getpid()}")
    runs = 0
    for corpus in corpora:
        shards = len(glob.glob(os.path.join(corpus, "*.jsonl.zst")))
        for part in parts:
            for label, binary in builds:
                runs += 1
                wall, cpu, peak, check = run(binary, corpus, os.path.join(scratch, str(runs)), part, args.workers)
                print(f"scale.py: {label}, {part}, {shards} shards: {wall:.1f} s, {cpu:.1f} s CPU, {peak / 1e6:.0f} MB",
                      file=sys.stderr)
                results[(label, part, shards)] = (wall, cpu, peak)
                if checks.setdefault((part, label), check) != check:
                    sys.exit(f"scale.py: {part} gave {check} at {shards} shards but {checks[(part, label)]} before")

    shutil.rmtree(scratch, ignore_errors=True)

    counts = sorted({k[2] for k in results})
    names = {"filter": "pass-through", "minhash": "MinHash dedup"}
    header = "| shards |"
    rule = "|---:|"
    for part in parts:
        for label, _ in builds:
            header += f" {names[part]}, {label}: wall s | vs {counts[0]} | CPU s | peak MB |"
            rule += "---:|---:|---:|---:|"
    print(header)
    print(rule)
    for n in counts:
        row = f"| {n:,} |"
        for part in parts:
            for label, _ in builds:
                wall, cpu, peak = results[(label, part, n)]
                first = results[(label, part, counts[0])][0]
                row += f" {wall:.1f} | {wall / first:.2f}x | {cpu:.1f} | {peak / 1e6:.0f} |"
        print(row)


if __name__ == "__main__":
    main()
