#!/usr/bin/env python3
"""Parquet writing: Winnow's writer against pyarrow's, same corpus, same codec, same run.

    Scripts/bench/parquet-write.sh [--reps 3] [--target-mb 120]     (sets up what this needs)

  winnow   `winnow run` of one pass-through `filter` step (no rules) with output_format: parquet,
           zstd level 3, columns text, id, url, language, source and metadata (JSON of the rest),
           one task process (--workers 1): read .jsonl.zst, parse, write .parquet.
  pyarrow  pa.Table.from_pylist(rows) + pq.write_table(compression="zstd", compression_level=3),
           one table per shard, from Python rows already made (the same columns, the same values):
           the reading and parsing is not counted, only the writing.

A context row times pyarrow from the same .jsonl.zst (zstd -dc, json.loads, rows, write).
MB/s per core = uncompressed JSONL bytes of the corpus / CPU seconds (user+sys, every thread and
process). Winnow is charged for reading and parsing as well, so the ratio understates its writer;
the same step writing .jsonl.zst is shown beside it. Both Parquet outputs are read back with
pyarrow and must hold every document of the input. Best of --reps.
"""
import argparse
import glob
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

import resource

import pyarrow as pa
import pyarrow.parquet as pq

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import benchutil  # noqa: E402

COLUMNS = ["url", "language", "source"]


def load_rows(shard):
    raw = subprocess.run(["zstd", "-dc", shard], check=True, capture_output=True).stdout
    rows = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)
        meta = dict(doc.get("metadata") or {})
        row = {"text": doc["text"], "id": doc["id"]}
        for key in COLUMNS:
            value = meta.get(key)
            row[key] = value if isinstance(value, str) else None
            if isinstance(value, str):
                del meta[key]
        row["metadata"] = json.dumps(meta, ensure_ascii=False, separators=(",", ":")) if meta else None
        rows.append(row)
    return rows, len(raw)


def fold(rows):
    """(rows, an order-independent digest of id and text)."""
    total, count = 0, 0
    for row in rows:
        total += int.from_bytes(hashlib.sha256(f"{row['id']}\0{row['text']}".encode()).digest()[:8], "little")
        count += 1
    return count, total % (1 << 64)


def digest(paths):
    """`fold` over the rows of Parquet files, as pyarrow reads them."""
    return fold(row for path in paths for row in pq.read_table(path, columns=["id", "text"]).to_pylist())


def run_winnow(winnow, corpus, scratch, parquet):
    work = scratch / ("winnow-parquet" if parquet else "winnow-jsonl")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    lines = ["name: parquet-write-bench", f"workdir: {work}/run", f"input: [{corpus}/*.jsonl.zst]", "compression_level: 3",
             "steps:", "  - id: copy", "    stage: filter", "    from: input"]
    if parquet:
        lines += ["    output_format: parquet", "    compression: zstd", "    output_columns:"]
        lines += [f"      {key}: string" for key in COLUMNS]
    (work / "p.yaml").write_text("\n".join(lines) + "\n")
    result = work / "time.json"
    subprocess.run([sys.executable, str(HERE / "benchutil.py"), "run", "--json", str(result), "--log", str(work / "log"),
                    "--", winnow, "run", str(work / "p.yaml"), "--workers", "1"], check=True)
    timing = json.loads(result.read_text())
    return timing["cpu_s"], timing["wall_s"], sorted(glob.glob(f"{work}/run/copy/output/*"))


SCHEMA = pa.schema([("text", pa.string(), False), ("id", pa.string(), False)]
                   + [(key, pa.string()) for key in COLUMNS] + [("metadata", pa.string())])


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_pyarrow(shards, scratch, rows_of):
    """Writes each shard's rows; `rows_of(index)` gives them (made already, or read and parsed
    here, in which case that is timed too, with the zstd process it runs)."""
    out = scratch / "pyarrow"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    paths = []
    wall, cpu = time.perf_counter(), time.process_time() + children_cpu()
    for index in range(len(shards)):
        path = out / f"shard-{index:05d}.parquet"
        table = pa.Table.from_pylist(rows_of(index), schema=SCHEMA)
        pq.write_table(table, path, compression="zstd", compression_level=3)
        paths.append(str(path))
    return time.process_time() + children_cpu() - cpu, time.perf_counter() - wall, paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--winnow", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    scratch = pathlib.Path(args.scratch)
    shards = sorted(glob.glob(f"{args.corpus}/*.jsonl.zst"))
    loaded = [load_rows(shard) for shard in shards]
    shard_rows = [rows for rows, _ in loaded]
    total_bytes = sum(size for _, size in loaded)
    docs = sum(len(rows) for rows in shard_rows)
    mb = total_bytes / 1e6
    print(f"parquet-write: {docs} documents, {mb:.1f} MB of JSONL in {len(shards)} shards", file=sys.stderr)

    best = {}
    for rep in range(args.reps):
        for name, run in [("winnow parquet", lambda: run_winnow(args.winnow, args.corpus, scratch, True)),
                          ("winnow jsonl", lambda: run_winnow(args.winnow, args.corpus, scratch, False)),
                          ("pyarrow", lambda: run_pyarrow(shards, scratch, lambda i: shard_rows[i])),
                          ("pyarrow from jsonl", lambda: run_pyarrow(shards, scratch, lambda i: load_rows(shards[i])[0]))]:
            cpu, wall, paths = run()
            print(f"parquet-write: rep {rep + 1} {name}: {cpu:.2f} s CPU, {wall:.2f} s wall", file=sys.stderr)
            if name not in best or cpu < best[name][0]:
                best[name] = (cpu, wall, paths)

    wanted = fold(row for rows in shard_rows for row in rows)
    for name in ("winnow parquet", "pyarrow"):
        if digest(best[name][2]) != wanted:
            sys.exit(f"parquet-write: {name}'s output does not hold exactly the input's documents")

    def size(paths):
        return sum(os.path.getsize(p) for p in paths) / 1e6

    ours = mb / best["winnow parquet"][0]
    theirs = mb / best["pyarrow"][0]
    print(f"\nParquet writing, {docs} documents, {mb:.1f} MB of JSONL, zstd level 3, pyarrow {pa.__version__}, best of {args.reps}\n")
    print("| writer | what is timed | CPU s | MB/s per core | wall s | output MB |")
    print("|---|---|---:|---:|---:|---:|")
    print(f"| winnow, output_format: parquet | read .jsonl.zst + parse + write .parquet | {best['winnow parquet'][0]:.2f} | "
          f"{ours:.1f} | {best['winnow parquet'][1]:.2f} | {size(best['winnow parquet'][2]):.1f} |")
    print(f"| winnow, output_format: jsonl (context) | read + parse + write .jsonl.zst | {best['winnow jsonl'][0]:.2f} | "
          f"{mb / best['winnow jsonl'][0]:.1f} | {best['winnow jsonl'][1]:.2f} | {size(best['winnow jsonl'][2]):.1f} |")
    print(f"| pyarrow from_pylist + write_table | write only (rows given) | {best['pyarrow'][0]:.2f} | {theirs:.1f} | "
          f"{best['pyarrow'][1]:.2f} | {size(best['pyarrow'][2]):.1f} |")
    print(f"| pyarrow, rows made from the .jsonl.zst (context) | zstd -dc + json.loads + write | {best['pyarrow from jsonl'][0]:.2f} | "
          f"{mb / best['pyarrow from jsonl'][0]:.1f} | {best['pyarrow from jsonl'][1]:.2f} | {size(best['pyarrow from jsonl'][2]):.1f} |")
    print(f"\nratio (winnow / pyarrow write only, MB/s per core): {ours / theirs:.2f}x; "
          f"against pyarrow from the same .jsonl.zst: {ours / (mb / best['pyarrow from jsonl'][0]):.2f}x")
    benchutil.record("Parquet writing (MB/s per core)", ours, "pyarrow write_table", theirs)


if __name__ == "__main__":
    main()
