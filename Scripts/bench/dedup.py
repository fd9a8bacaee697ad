#!/usr/bin/env python3
"""The dedup benchmark (run it through Scripts/bench/dedup.sh): MinHash deduplication of the same
corpus by Winnow and by datatrove in the same run, with the same parameters (datatrove's
MinhashConfig defaults: word 5-grams, 14 bands of 8 hashes, 64-bit xxhash, seed 1), the same
shards, tasks and worker processes; signature speed also against datasketch.

Reported:
- signatures, MB/s per core: corpus bytes over the CPU seconds of the signature phase (Winnow:
  its phase-0 task seconds; datatrove: the CPU of its stage-1 process tree; datasketch: one
  process computing MinHash(num_perm=112) of the same shingles — datatrove's simplify_text and
  spaCy words, 5-grams — on the first --datasketch-mb MB);
- the whole dedup, wall seconds and peak memory (the largest sum of resident memory of the
  process tree seen at once), and per phase;
- with --scale K > 1, Winnow again on a corpus K times larger (make-corpus.py), and with
  `memory: --small-memory`, to show per-task peak memory not growing with the corpus;
- semantic dedup (SemDeDup) with a 100-dimension fastText model trained on the corpus's
  languages by `winnow classifier train`: its compare phase with OpenBLAS's sgemm against the
  same product as a plain Swift loop (`similarity: loop`), which must find the same duplicates.

Both sides must remove the same documents (the signatures are the same, and so are the
clusters); the benchmark stops if they do not.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import time

from benchutil import record
from proctree import measure

HERE = os.path.dirname(os.path.abspath(__file__))


def winnow_run(args, corpus, work, memory=None):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    pipeline = os.path.join(work, "dedup.yaml")
    with open(pipeline, "w") as f:
        f.write(f"name: bench-dedup\nworkdir: {work}/run\ninput: [{corpus}/*.jsonl.zst]\nworkers: {args.workers}\n"
                f"steps:\n  - id: dedup\n    stage: dedup\n    from: input\n    method: minhash\n"
                + (f"    memory: {memory}\n" if memory else ""))
    wall, cpu, peak = measure([args.winnow, "run", pipeline], name="dedup.py")
    status = json.loads(subprocess.run([args.winnow, "status", f"{work}/run", "--json"], check=True,
                                       capture_output=True, text=True).stdout)
    phases = {s["step"]: s for s in status["steps"]}
    removed = phases["dedup#3"]["counters"]["docs_rejected"]
    return wall, cpu, peak, phases, removed


def datatrove_run(args, corpus, work, tasks):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    stages = {}
    for stage in ["signatures", "buckets", "cluster", "filter"]:
        stages[stage] = measure([sys.executable, os.path.join(HERE, "dt-minhash.py"), stage, "--input", corpus,
                                 "--work", work, "--tasks", str(tasks), "--workers", str(args.workers)], name="dedup.py")
        print(f"dedup.py: datatrove {stage}: {stages[stage][0]:.1f} s wall, {stages[stage][1]:.1f} s CPU", file=sys.stderr)
    removed = 0
    for path in glob.glob(f"{work}/removed/*.jsonl*"):
        removed += int(subprocess.run(f"zstd -dcf {path} | wc -l", shell=True, check=True, capture_output=True, text=True).stdout)
    return stages, removed


DATASKETCH = r'''
import json, subprocess, sys, time
from datasketch import MinHash
from datatrove.utils.text import ngrams, simplify_text
from datatrove.utils.word_tokenizers import load_word_tokenizer
paths, limit = sys.argv[1:-1], int(sys.argv[-1])
tokenizer = load_word_tokenizer("en")
done = 0
start = time.process_time()
for path in paths:
    data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    for line in data.splitlines():
        text = json.loads(line)["text"]
        shingles = [" ".join(g).encode("utf-8") for g in ngrams(tokenizer.word_tokenize(simplify_text(text)), 5)]
        if shingles:
            m = MinHash(num_perm=112, seed=1)
            m.update_batch(shingles)
        done += len(line) + 1
        if done >= limit:
            break
    if done >= limit:
        break
print(json.dumps({"bytes": done, "cpu": time.process_time() - start}))
'''


def minhash(args, shards):
    """The MinHash comparison: Winnow and datatrove, then datasketch's signatures."""
    ow, oc, opeak, ophases, oremoved = winnow_run(args, args.corpus, os.path.join(args.scratch, "winnow"))
    corpus_bytes = ophases["dedup#0"]["counters"]["bytes_in"]
    print(f"dedup.py: winnow {ow:.1f} s wall, {oc:.1f} s CPU, removed {oremoved}", file=sys.stderr)
    dstages, dremoved = datatrove_run(args, args.corpus, os.path.join(args.scratch, "datatrove"), len(shards))
    if dremoved != oremoved:
        sys.exit(f"dedup.py: datatrove removed {dremoved} documents, Winnow {oremoved}: the outputs differ")

    sketch = json.loads(subprocess.run([sys.executable, "-c", DATASKETCH, *shards, str(int(args.datasketch_mb * 1e6))],
                                       check=True, capture_output=True, text=True).stdout)

    from importlib.metadata import version
    dw = sum(s[0] for s in dstages.values())
    dpeak = max(s[2] for s in dstages.values())
    ours_sig = mb(corpus_bytes) / ophases["dedup#0"]["counters"]["seconds"]
    dt_sig = mb(corpus_bytes) / dstages["signatures"][1]
    ds_sig = mb(sketch["bytes"]) / sketch["cpu"]
    print(f"MinHash dedup: {mb(corpus_bytes):.1f} MB of JSONL in {len(shards)} shards, {args.workers} workers; "
          f"14 bands × 8 rows, word 5-grams, xxhash; both removed {oremoved} documents. "
          f"datatrove {version('datatrove')}, datasketch {version('datasketch')}; {time.strftime('%Y-%m-%d')}\n")
    print("| metric | Winnow | datatrove | ratio |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| signatures, MB/s per core | {ours_sig:.1f} | {dt_sig:.2f} | {ours_sig / dt_sig:.0f}x |")
    print(f"| whole dedup (4 phases), wall s | {ow:.1f} | {dw:.1f} | {dw / ow:.0f}x |")
    print(f"| whole dedup, MB/s wall | {mb(corpus_bytes) / ow:.1f} | {mb(corpus_bytes) / dw:.2f} | {dw / ow:.0f}x |")
    print(f"| whole dedup, CPU s | {oc:.1f} | {sum(s[1] for s in dstages.values()):.1f} | |")
    print(f"| peak memory (process tree) | {mb(opeak):.0f} MB | {mb(dpeak):.0f} MB | {dpeak / opeak:.1f}x less |")
    record(f"MinHash dedup, all four phases, MB/s wall ({args.workers} workers)", mb(corpus_bytes) / ow,
           f"datatrove {version('datatrove')}", mb(corpus_bytes) / dw)
    record("MinHash signatures, MB/s per core", ours_sig, f"datatrove {version('datatrove')}", dt_sig)
    record("MinHash signatures, MB/s per core", ours_sig, f"datasketch {version('datasketch')}", ds_sig)
    record("MinHash dedup, peak memory, MB", mb(opeak), f"datatrove {version('datatrove')}", mb(dpeak),
           higher_is_better=False)
    print(f"\ndatasketch MinHash(num_perm=112), same shingles, one process: {ds_sig:.2f} MB/s per core "
          f"(Winnow {ours_sig / ds_sig:.0f}x).\n")

    print("| phase | Winnow wall s | Winnow peak per task | datatrove stage | datatrove wall s | datatrove peak |")
    print("| --- | ---: | ---: | --- | ---: | ---: |")
    for k, stage in enumerate(["signatures", "buckets", "cluster", "filter"]):
        p = ophases[f"dedup#{k}"]
        print(f"| {k} {stage} | {p['wall_seconds']:.1f} | {mb(p['counters']['peak_memory']):.0f} MB | {stage} | "
              f"{dstages[stage][0]:.1f} | {mb(dstages[stage][2]):.0f} MB |")


def semantic(args, shards):
    """Semantic dedup's compare phase, sgemm against a plain loop, on the whole corpus."""
    work = os.path.join(args.scratch, "semantic")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    training = os.path.join(work, "languages.txt")
    with open(training, "w", encoding="utf-8") as f:
        for path in shards[:2]:
            data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout.decode("utf-8")
            for line in data.splitlines():
                doc = json.loads(line)
                locale = doc["id"].split("/")[1] if doc["id"].count("/") >= 2 else "xx"
                f.write(f"__label__{locale} " + doc["text"].replace("\n", " ") + "\n")
    model = os.path.join(work, "model.bin")
    subprocess.run([args.winnow, "classifier", "train", "--input", training, "--output", model, "--dim", "100", "--epoch", "2"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = {}
    for method in ["blas", "loop"]:
        run = os.path.join(work, method)
        pipeline = os.path.join(work, f"{method}.yaml")
        with open(pipeline, "w") as f:
            f.write(f"name: bench-semantic\nworkdir: {run}\ninput: [{args.corpus}/*.jsonl.zst]\nworkers: {args.workers}\n"
                    f"steps:\n  - id: dedup\n    stage: dedup\n    from: input\n    method: semantic\n    model: {model}\n"
                    f"    clusters: 16\n    threshold: 0.99\n    similarity: {method}\n")
        measure([args.winnow, "run", pipeline], name="dedup.py")
        status = json.loads(subprocess.run([args.winnow, "status", run, "--json"], check=True,
                                           capture_output=True, text=True).stdout)
        phases = {s["step"]: s for s in status["steps"]}
        rows[method] = (phases["dedup#2"]["counters"]["seconds"], phases["dedup#2"]["counters"]["made"],
                        phases["dedup#3"]["counters"]["docs_rejected"])
    (bs, bmade, bremoved), (ls, lmade, lremoved) = rows["blas"], rows["loop"]
    # The two sum in different orders, so a pair within float rounding of the threshold may
    # fall on either side; any other difference is a bug.
    differing = removed_ids(os.path.join(work, "blas")) ^ removed_ids(os.path.join(work, "loop"))
    borderline = all(abs(similarity - 0.99) < 1e-5 for similarity in differing.values()) if differing else True
    if not borderline:
        sys.exit(f"dedup.py: sgemm and the loop disagree beyond float rounding: {sorted(differing.items())[:5]}")
    pairs = bmade.get("pairs compared", 0)
    print(f"\nSemantic dedup (100-dim fastText vectors, 16 clusters, threshold 0.99; removed {bremoved} documents with "
          f"sgemm, {lremoved} with the loop; {len(differing)} decided differently, all within 1e-5 of the threshold), "
          f"compare phase, task seconds summed over buckets:\n")
    print("| similarity | seconds | pairs per second | ratio |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| OpenBLAS sgemm | {bs:.2f} | {pairs / bs:,.0f} | {ls / bs:.1f}x |")
    print(f"| plain Swift loop | {ls:.2f} | {pairs / ls:,.0f} | 1.0x |")


class Removed(dict):
    """{document id: its similarity} of the documents a semantic run removed; ^ gives those
    only one of two runs removed."""
    def __xor__(self, other):
        return {k: v for k, v in list(self.items()) + list(other.items()) if (k in self) != (k in other)}


def removed_ids(run):
    removed = Removed()
    for path in glob.glob(f"{run}/dedup/rejected/*.jsonl.zst"):
        data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout.decode("utf-8")
        for line in data.splitlines():
            doc = json.loads(line)
            if "semantic_similarity" in doc.get("metadata", {}):
                removed[doc["id"]] = doc["metadata"]["semantic_similarity"]
    return removed


def mb(n):
    return n / 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--winnow", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--datasketch-mb", type=float, default=5)
    parser.add_argument("--scaled-corpus", default=None, help="a corpus K times larger, for the memory check")
    parser.add_argument("--small-memory", default="128MB")
    parser.add_argument("--parts", default="minhash,semantic,scale", help="which sections to run")
    args = parser.parse_args()

    shards = sorted(glob.glob(os.path.join(args.corpus, "*.jsonl.zst")))
    if "minhash" in args.parts:
        minhash(args, shards)
    if "semantic" in args.parts:
        semantic(args, shards)

    if args.scaled_corpus and "scale" in args.parts:
        scale(args)


def scale(args):
    """Per-task peak memory by phase at the corpus's size and K times it, default and small memory:."""
    rows = []
    for corpus, memory in [(args.corpus, None), (args.corpus, args.small_memory),
                           (args.scaled_corpus, None), (args.scaled_corpus, args.small_memory)]:
        w, c, peak, phases, removed = winnow_run(args, corpus, os.path.join(args.scratch, "winnow-scale"), memory)
        size = phases["dedup#0"]["counters"]["bytes_in"]
        rows.append((size, memory or "1GB (default)", w, phases))
    print("\nWinnow's peak memory per task, by phase, as the corpus grows (memory: is the step's setting):\n")
    print("| corpus | memory: | wall s | signatures | buckets | cluster | removal |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for size, memory, w, phases in rows:
        peaks = " | ".join(f"{mb(phases[f'dedup#{k}']['counters']['peak_memory']):.0f} MB" for k in range(4))
        print(f"| {mb(size):.0f} MB | {memory} | {w:.1f} | {peaks} |")


if __name__ == "__main__":
    main()
