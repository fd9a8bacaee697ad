#!/usr/bin/env bash
# Parquet benchmark: FineWeb-shaped Parquet (>= 100 MB of text, snappy, row groups of 1,000 rows,
# Scripts/samples/fineweb_parquet.py) read -> documents -> JSONL.zst, one process at a time (so
# CPU seconds are per core), for three contenders on the same files in the same run:
#   winnow      a pipeline with one `filter` step with no rules, input the Parquet folder, workers 1
#   datatrove   ParquetReader -> JsonlWriter(zstd level 3), LocalPipelineExecutor(workers=1)
#   pyarrow     iter_batches + to_pylist over every file: the read half only, nothing written
#   winnow-read `winnow inspect --rows` over every file to /dev/null: Winnow's read half (every
#               column of every row as JSON), to set beside pyarrow's
# Winnow's and datatrove's outputs must hold the same documents (count and a digest of id+text).
# Prints a markdown table: MB/s per core, MB = 10^6 bytes of the JSONL the documents make.
#
# Usage: Scripts/bench/parquet.sh [--target-mb 120] [--reps 2] [--keep]
#   WINNOW=path/to/winnow    default <repo>/.build/release/winnow (swift build -c release)
#   WINNOW_BENCH_DIR=dir     corpus cache and scratch (default /tmp/winnow-bench)
#   PEERS_PYTHON=python      a Python with pyarrow and datatrove 0.10.1 (default: Scripts/bench/peers.sh's venv)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
bench_dir="${WINNOW_BENCH_DIR:-/tmp/winnow-bench}"
winnow="${WINNOW:-$repo_root/.build/release/winnow}"
target_mb=120
reps=2
keep=0
while (($#)); do
  case "$1" in
    --target-mb) target_mb="$2"; shift ;;
    --reps) reps="$2"; shift ;;
    --keep) keep=1 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
  esac
  shift
done
log() { echo "parquet.sh: $*" >&2; }
die() { echo "parquet.sh: error: $*" >&2; exit 1; }
[[ -x "$winnow" ]] || die "no Winnow binary at $winnow (swift build -c release)"
winnow="$(cd "$(dirname "$winnow")" && pwd)/$(basename "$winnow")"

py="${PEERS_PYTHON:-$("$here/peers.sh" | tail -n 1)}"
"$py" -c 'import pyarrow, datatrove' 2>/dev/null || die "the peers venv lacks pyarrow or datatrove (Scripts/bench/peers.sh)"
corpus="$bench_dir/parquet-fineweb-$target_mb"
if [[ ! -f "$corpus/.done" ]]; then
  log "making $corpus"
  rm -rf "$corpus"
  (cd "$repo_root" && "$py" Scripts/samples/fineweb_parquet.py --out "$corpus" --shards 4 --mb "$target_mb" --compression snappy) >&2
  touch "$corpus/.done"
fi
mapfile -t files < <(find "$corpus" -maxdepth 1 -name '*.parquet' | sort)

run_dir="$(mktemp -d "$bench_dir/parquet-run.XXXXXX")"
trap '((keep)) && log "kept $run_dir" || rm -rf "$run_dir"' EXIT
results="$run_dir/results.tsv"
jget() { "$py" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
timed() {  # timed NAME CMD...: runs CMD, appends "NAME cpu wall" to results
  local name="$1"; shift
  "$py" "$here/benchutil.py" run --json "$run_dir/$name.json" --log "$run_dir/$name.log" -- "$@" \
    || { tail -n 20 "$run_dir/$name.log" >&2; die "$name failed"; }
  printf '%s\t%s\t%s\n' "${name%-r*}" "$(jget "$(cat "$run_dir/$name.json")" cpu_s)" "$(jget "$(cat "$run_dir/$name.json")" wall_s)" >>"$results"
}
digest() { "$py" "$here/benchutil.py" digest $(find "$1" -name '*.jsonl.zst' -type f | sort); }

for ((rep = 1; rep <= reps; rep++)); do
  d="$run_dir/winnow-$rep"; mkdir -p "$d"
  cat >"$d/pipeline.yaml" <<YAML
name: parquet-bench
workdir: $d/run
input: [$corpus]
workers: 1
steps:
  - id: copy
    stage: filter
    from: input
    rules: []
YAML
  log "winnow, run $rep"
  timed "winnow-r$rep" "$winnow" run "$d/pipeline.yaml"
  ours="$(digest "$d/run/copy/output")"

  log "datatrove, run $rep"
  timed "datatrove-r$rep" "$py" "$here/dt-parquet.py" --input "$corpus" --output "$run_dir/dt-$rep" --logs "$run_dir/dt-logs-$rep" --tasks "${#files[@]}"
  theirs="$(digest "$run_dir/dt-$rep")"
  [[ "$(jget "$ours" docs)" == "$(jget "$theirs" docs)" && "$(jget "$ours" digest)" == "$(jget "$theirs" digest)" ]] \
    || die "Winnow's and datatrove's documents differ: $ours vs $theirs"
  bytes="$(jget "$ours" bytes)"; docs="$(jget "$ours" docs)"

  log "pyarrow, run $rep"
  timed "pyarrow-r$rep" "$py" "$here/pyarrow-rows.py" "${files[@]}"
  log "winnow inspect --rows, run $rep"
  timed "winnow-read-r$rep" bash -c 'w="$1"; shift; for f; do "$w" inspect --rows "$f"; done >/dev/null' _ "$winnow" "${files[@]}"
  rm -rf "$d" "$run_dir/dt-$rep"
done

"$py" - "$here" "$results" "$bytes" "$docs" "$(du -cb "${files[@]}" | tail -n 1 | cut -f 1)" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from benchutil import record
results, mb, docs, parquet = sys.argv[2], int(sys.argv[3]) / 1e6, int(sys.argv[4]), int(sys.argv[5])
best = {}
for line in open(results):
    name, cpu, wall = line.split()
    b = best.setdefault(name, [float(cpu), float(wall)])
    b[0], b[1] = min(b[0], float(cpu)), min(b[1], float(wall))
labels = {"winnow": "Winnow: Parquet -> documents -> JSONL.zst", "datatrove": "datatrove ParquetReader -> JsonlWriter (zstd 3)",
          "winnow-read": "Winnow inspect --rows, every column as JSON (read only)",
          "pyarrow": "pyarrow iter_batches + to_pylist (read only)"}
print(f"Parquet read: {docs} FineWeb-shaped rows, {mb:.1f} MB as JSONL, {parquet / 1e6:.1f} MB of snappy Parquet in 4 files; best of runs")
print()
print("| contender | MB/s per core | CPU s | wall s |")
print("|---|---:|---:|---:|")
for name in ["winnow", "datatrove", "winnow-read", "pyarrow"]:
    cpu, wall = best[name]
    print(f"| {labels[name]} | {mb / cpu:,.1f} | {cpu:.2f} | {wall:.2f} |")
print()
print(f"Read half: Winnow {best['pyarrow'][0] / best['winnow-read'][0]:.2f}x pyarrow per core; "
      f"whole pipeline: Winnow {best['datatrove'][0] / best['winnow'][0]:.2f}x datatrove per core.")
ours = mb / best["winnow"][0]
record("Parquet -> documents -> JSONL.zst, MB/s per core", ours, labels["datatrove"], mb / best["datatrove"][0])
record("Parquet rows read, MB/s per core", mb / best["winnow-read"][0], labels["pyarrow"], mb / best["pyarrow"][0])
PY
