#!/usr/bin/env bash
# Parquet writing benchmark: MB/s per core of Winnow's Parquet output (a pass-through step with
# output_format: parquet) against pyarrow's writer from Python rows (pa.Table.from_pylist +
# pq.write_table), zstd level 3 both, same >= 100 MB corpus (Scripts/bench/make-corpus.py), same
# run; prints a markdown table and the ratio. See Scripts/bench/parquet_write.py for what is timed.
#
# Usage: Scripts/bench/parquet-write.sh [--reps 3] [--target-mb 120]
#   WINNOW=path/to/winnow    default <repo>/.build/release/winnow (swift build -c release)
#   WINNOW_BENCH_DIR=dir     corpus cache and scratch (default /tmp/winnow-bench)
#   PARQUET_VENV=dir         venv with pyarrow (default <repo>/.venv-parquet, made when missing)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
bench_dir="${WINNOW_BENCH_DIR:-/tmp/winnow-bench}"
winnow="${WINNOW:-$repo_root/.build/release/winnow}"
venv="${PARQUET_VENV:-$repo_root/.venv-parquet}"
reps=3
target_mb=120
while (($#)); do
  case "$1" in
    --reps) reps="$2"; shift ;;
    --target-mb) target_mb="$2"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
    *) echo "parquet-write.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[[ -x "$winnow" ]] || { echo "parquet-write.sh: no Winnow binary at $winnow (swift build -c release)" >&2; exit 1; }
winnow="$(cd "$(dirname "$winnow")" && pwd)/$(basename "$winnow")"

# pyarrow pinned so that numbers from different days compare the same writer.
if ! "$venv/bin/python" -c "import pyarrow; assert pyarrow.__version__ == '26.0.1'" 2>/dev/null; then
  echo "parquet-write.sh: installing pyarrow into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "pyarrow==26.0.1" >&2
fi
corpus="$("$venv/bin/python" "$here/make-corpus.py" --target-mb "$target_mb" | tail -n 1)"
scratch="$bench_dir/parquet-write"
mkdir -p "$scratch"
exec "$venv/bin/python" "$here/parquet_write.py" --winnow "$winnow" --corpus "$corpus" --scratch "$scratch" --reps "$reps"
