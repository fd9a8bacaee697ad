#!/usr/bin/env python3
"""Cross-check Winnow's Parquet output with pyarrow, DuckDB and HF `datasets`.

    python3 -m venv /tmp/venv-pq && /tmp/venv-pq/bin/pip install pyarrow duckdb datasets
    /tmp/venv-pq/bin/python Scripts/crosscheck/parquet_write.py [--winnow .build/release/winnow]

Runs one pipeline on Samples/web (plus Samples/broken/bad-lines.jsonl, for rejected lines) twice:
once writing JSONL (the reference) and once with `output_format: parquet`, in steps that cover
every codec, row groups by rows and by bytes, data pages v1 and v2, declared string, int64,
double and json columns, and a declared type that does not fit (the value must stay in
`metadata`); booleans are in the writer's fixtures (Scripts/fixtures/parquet_written.py). Every Parquet shard of output/ and
rejected/ is read with pyarrow, with DuckDB, and each folder with
`datasets.load_dataset("parquet", data_dir=...)`; every row must equal the JSONL document under
the schema rule of docs/pipelines.md. The Parquet run is repeated with other task and worker
counts, and its files must be the same bytes. Exits non-zero at the first difference.
"""
import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

import datasets
import duckdb
import pyarrow.parquet as pq

from parquet_schema_rule import expected_row

ROOT = pathlib.Path(__file__).resolve().parents[2]

# step id -> (Parquet settings, declared columns)
STEPS = {
    "zstd": ({"compression": "zstd"}, {"url": "string", "language_score": "double", "source_line": "int64", "locale": "json"}),
    "snappy": ({"compression": "snappy", "row_group_size": 7}, {"language": "string", "source_file": "string"}),
    "gzip": ({"compression": "gzip", "row_group_size": "1MB"}, {"language_score": "string", "url": "json"}),
    "none": ({"compression": "none", "page_version": 2}, {}),
}


def pipeline(workdir, parquet, tasks=None):
    lines = ["name: parquet-crosscheck", f"workdir: {workdir}", "seed: 7",
             f"input: [{ROOT}/Samples/web/*.jsonl.zst, {ROOT}/Samples/broken/bad-lines.jsonl]", "steps:"]
    for step, (settings, columns) in STEPS.items():
        lines += [f"  - id: {step}", "    stage: filter", "    from: input"]
        if tasks:
            lines.append(f"    tasks: {tasks}")
        if parquet:
            lines.append("    output_format: parquet")
            lines += [f"    {key}: {value}" for key, value in settings.items()]
            if columns:
                lines.append("    output_columns:")
                lines += [f"      {key}: {kind}" for key, kind in columns.items()]
        lines += ["    rules:",
                  "      - rule: length", "        unit: characters", "        max: 6000",
                  "      - rule: language", f"        model: {ROOT}/Samples/models/lid.176.ftz",
                  "        min_score: 0", "        mode: tag"]
    return "\n".join(lines) + "\n"


def run(winnow, directory, name, parquet, workers=2, tasks=None):
    path = directory / f"{name}.yaml"
    path.write_text(pipeline(directory / name, parquet, tasks))
    subprocess.run([winnow, "run", str(path), "--workers", str(workers)], check=True, capture_output=True)
    return directory / name


def normalise(row, columns):
    """A row as read, with JSON columns parsed (readers hand them back as JSON text)."""
    out = dict(row)
    for key in ["metadata"] + [k for k, kind in columns.items() if kind == "json"]:
        if out.get(key) is not None:
            out[key] = json.loads(out[key])
    return out


def jsonl_documents(path):
    raw = subprocess.run(["zstd", "-dc", str(path)], check=True, capture_output=True).stdout
    return [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]


def compare(label, got, want):
    if len(got) != len(want):
        sys.exit(f"{label}: {len(got)} rows, expected {len(want)}")
    for index, (a, b) in enumerate(zip(got, want)):
        if a != b:
            diff = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
            sys.exit(f"{label}: row {index} differs: {str(diff)[:600]}")


def check_step(reference, written, step, columns):
    rows = 0
    for folder in ("output", "rejected"):
        ref_dir, pq_dir = reference / step / folder, written / step / folder
        ref_shards = sorted(ref_dir.glob("*.jsonl.zst")) if ref_dir.exists() else []
        pq_shards = sorted(pq_dir.glob("*.parquet")) if pq_dir.exists() else []
        stems = [p.name[: -len(".jsonl.zst")] for p in ref_shards]
        if stems != [p.name[: -len(".parquet")] for p in pq_shards]:
            sys.exit(f"{step}/{folder}: shards {stems} vs {[p.name for p in pq_shards]}")
        all_expected = []
        names = None
        for ref, shard in zip(ref_shards, pq_shards):
            want = [expected_row(doc, columns) for doc in jsonl_documents(ref)]
            all_expected += want
            table = pq.read_table(shard)
            names = table.column_names
            if names != ["text", "id", *columns, "metadata"]:
                sys.exit(f"{shard}: columns {names}")
            compare(f"{shard} (pyarrow)", [normalise(r, columns) for r in table.to_pylist()], want)
            cursor = duckdb.sql(f"SELECT * FROM read_parquet('{shard}')")
            duck = [dict(zip(cursor.columns, values)) for values in cursor.fetchall()]
            compare(f"{shard} (duckdb)", [normalise(r, columns) for r in duck], want)
            rows += len(want)
        if pq_shards:
            cache = tempfile.mkdtemp(prefix="hf-cache-")
            try:
                loaded = datasets.load_dataset("parquet", data_dir=str(pq_dir), split="train", cache_dir=cache)
                if list(loaded.features) != names:
                    sys.exit(f"{pq_dir} (datasets): features {loaded.features}")
                # The stored values: the Json feature's decoder (ujson) rounds some floats
                # (0.8923 -> 0.8923000000000001), which is its own, not the file's.
                stored = loaded.with_format("arrow")[:].to_pylist()
                compare(f"{pq_dir} (datasets)", [normalise(r, columns) for r in stored], all_expected)
            finally:
                shutil.rmtree(cache, ignore_errors=True)
    return rows


def same_bytes(a, b):
    files = sorted(p.relative_to(a) for p in a.rglob("*.parquet"))
    other = sorted(p.relative_to(b) for p in b.rglob("*.parquet"))
    if files != other:
        sys.exit(f"{a} and {b} hold different Parquet files")
    for relative in files:
        if (a / relative).read_bytes() != (b / relative).read_bytes():
            sys.exit(f"{relative}: differs between {a.name} and {b.name}")
    return len(files)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--winnow", default=str(ROOT / ".build/release/winnow"))
    args = parser.parse_args()
    datasets.disable_progress_bars()
    directory = pathlib.Path(tempfile.mkdtemp(prefix="parquet-write-"))
    try:
        reference = run(args.winnow, directory, "jsonl", parquet=False)
        written = run(args.winnow, directory, "parquet", parquet=True)
        for step, (_, columns) in STEPS.items():
            rows = check_step(reference, written, step, columns)
            print(f"{step}: {rows} rows equal in pyarrow, duckdb and datasets")
        other = run(args.winnow, directory, "parquet-other", parquet=True, workers=1, tasks=2)
        print(f"{same_bytes(written, other)} Parquet files identical with 1 worker and 2 tasks per step")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print("parquet write crosscheck: ok")


if __name__ == "__main__":
    main()
