#!/usr/bin/env bash
# Dedup benchmark: Winnow's MinHash dedup vs datatrove's four MinHash stages (and signature speed
# vs datasketch), same run, same >= 100 MB corpus (Scripts/bench/make-corpus.py), same shards,
# tasks and worker processes. Prints markdown tables: signature MB/s per core, whole-dedup wall
# time and peak memory, each phase; then Winnow's per-task peak memory on a corpus --scale times
# larger, at the default memory: and a small one.
#
# Usage: Scripts/bench/dedup.sh [--workers 2] [--target-mb 120] [--scale 10] [--parts minhash,semantic,scale]
#   WINNOW=path/to/winnow    default <repo>/.build/release/winnow (swift build -c release)
#   WINNOW_BENCH_DIR=dir     corpus cache and scratch (default /tmp/winnow-bench)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
bench_dir="${WINNOW_BENCH_DIR:-/tmp/winnow-bench}"
winnow="${WINNOW:-$repo_root/.build/release/winnow}"
workers=2
target_mb=120
scale=10
parts=minhash,semantic,scale
while (($#)); do
  case "$1" in
    --workers) workers="$2"; shift ;;
    --target-mb) target_mb="$2"; shift ;;
    --scale) scale="$2"; shift ;;
    --parts) parts="$2"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
    *) echo "dedup.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[[ -x "$winnow" ]] || { echo "dedup.sh: no Winnow binary at $winnow (swift build -c release)" >&2; exit 1; }
winnow="$(cd "$(dirname "$winnow")" && pwd)/$(basename "$winnow")"

python="$("$here/peers.sh" | tail -n 1)"
corpus="$("$python" "$here/make-corpus.py" --target-mb "$target_mb" | tail -n 1)"
scaled=()
if ((scale > 1)); then
  scaled=(--scaled-corpus "$("$python" "$here/make-corpus.py" --target-mb $((target_mb * scale)) \
    --out "$bench_dir/corpus-x$scale" | tail -n 1)")
fi
scratch="$bench_dir/dedup"
mkdir -p "$scratch"
cd "$here"
exec "$python" "$here/dedup.py" --winnow "$winnow" --corpus "$corpus" --scratch "$scratch" --workers "$workers" --parts "$parts" "${scaled[@]}"
