#!/usr/bin/env python3
"""The pack benchmark (run through Scripts/bench/pack.sh): tokens/s of Winnow's `pack` step vs
datatrove's DocumentTokenizer on the same >= 100 MB corpus, the same tokenizer.json, the same
number of tasks and worker processes, in the same run.

    .venv-peers/bin/python Scripts/bench/pack.py --winnow W --corpus DIR --tokenizer T \
        --scratch DIR [--workers 2] [--reps 2]

Winnow: `winnow run` of a pipeline whose one step is `pack` (Megatron shards, EOS appended,
documents mode). datatrove: JsonlReader -> DocumentTokenizer(eos_token, no shuffling) under
LocalPipelineExecutor. CPU seconds are user+sys of every process involved (the process tree,
sampled from /proc), so "per core" = tokens / CPU seconds. Token counts of both outputs must be
equal, or the run fails: a contender that skipped work cannot post a time.
"""
import argparse
import glob
import json
import os
import shutil
import sys

from benchutil import record
from proctree import measure


DT_SCRIPT = r'''
import sys
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.tokens import DocumentTokenizer
corpus, out, logs, tok, tasks, workers = sys.argv[1:7]
LocalPipelineExecutor(pipeline=[
    JsonlReader(corpus, glob_pattern="*.jsonl.zst"),
    DocumentTokenizer(output_folder=out, tokenizer_name_or_path=tok, eos_token="<|endoftext|>",
                      shuffle_documents=False, save_filename="train"),
], tasks=int(tasks), workers=int(workers), logging_dir=logs).run()
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--winnow", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--reps", type=int, default=2)
    args = ap.parse_args()
    shards = sorted(glob.glob(os.path.join(args.corpus, "*.jsonl.zst")))
    tasks = len(shards)
    import zstandard
    zmb = sum(os.path.getsize(p) for p in shards) / 1e6
    mb = 0
    for path in shards:
        with open(path, "rb") as f, zstandard.ZstdDecompressor().stream_reader(f) as r:
            while chunk := r.read(1 << 24):
                mb += len(chunk)
    mb /= 1e6
    os.makedirs(args.scratch, exist_ok=True)

    results = {}
    for rep in range(args.reps):
        # Winnow
        work = os.path.join(args.scratch, "winnow")
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        pipeline = os.path.join(work, "pack.yaml")
        with open(pipeline, "w") as f:
            f.write(f"name: bench-pack\nworkdir: {work}/run\ninput: [{args.corpus}/*.jsonl.zst]\nworkers: {args.workers}\n"
                    f"steps:\n  - id: pack\n    stage: pack\n    from: input\n    tokenizer: {args.tokenizer}\n"
                    f"    format: megatron\n    prefix_field: none\n")
        wall, cpu, _ = measure([args.winnow, "run", pipeline], name="pack.py")
        report = json.load(open(os.path.join(work, "run/pack/output/pack_report.json")))
        ours_tokens = report["tokens"]
        best = results.get("winnow")
        if best is None or wall < best[0]:
            results["winnow"] = (wall, cpu, ours_tokens)
        print(f"pack.py: rep {rep} winnow {wall:.1f} s wall, {cpu:.1f} s CPU, {ours_tokens} tokens", file=sys.stderr)

        # datatrove
        work = os.path.join(args.scratch, "datatrove")
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        wall, cpu, _ = measure([sys.executable, "-c", DT_SCRIPT, args.corpus, f"{work}/out", f"{work}/logs", args.tokenizer,
                                str(tasks), str(args.workers)], name="pack.py")
        dt_tokens = sum(os.path.getsize(p) for p in glob.glob(f"{work}/out/*.ds")) // 2
        best = results.get("datatrove")
        if best is None or wall < best[0]:
            results["datatrove"] = (wall, cpu, dt_tokens)
        print(f"pack.py: rep {rep} datatrove {wall:.1f} s wall, {cpu:.1f} s CPU, {dt_tokens} tokens", file=sys.stderr)
        if dt_tokens != ours_tokens:
            sys.exit(f"pack.py: token counts differ: winnow {ours_tokens}, datatrove {dt_tokens}")

    (ow, oc, ot), (dw, dc, dtk) = results["winnow"], results["datatrove"]
    from importlib.metadata import version
    print(f"Pack: {mb:.1f} MB of JSONL ({zmb:.0f} MB as .jsonl.zst, {tasks} shards), {ot:,} tokens, {args.workers} workers, "
          f"best of {args.reps}; datatrove {version('datatrove')} with tokenizers {version('tokenizers')}\n")
    print("| metric | Winnow | datatrove DocumentTokenizer | ratio |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| tokens/s per core (tokens / CPU s) | {ot / oc:,.0f} | {dtk / dc:,.0f} | {(ot / oc) / (dtk / dc):.2f}x |")
    print(f"| tokens/s wall | {ot / ow:,.0f} | {dtk / dw:,.0f} | {(ot / ow) / (dtk / dw):.2f}x |")
    print(f"| wall seconds | {ow:.1f} | {dw:.1f} | |")
    print(f"| CPU seconds | {oc:.1f} | {dc:.1f} | |")
    record("pack into token shards, tokens/s per core", ot / oc, "datatrove DocumentTokenizer", dtk / dc)


if __name__ == "__main__":
    main()
