#!/usr/bin/env bash
# Task overhead: the same real text (Scripts/bench/make-corpus.py) cut into 8, 100, 1,000 (and
# 10,000) shards, through a pass-through (`filter` with no rules) and MinHash dedup (four phases),
# WORKERS worker processes, release build. Prints one markdown table of wall time, CPU time and
# peak memory (whole process tree) per shard count, with the ratio to the 8-shard run; with --baseline, another
# build's figures beside ours, measured in the same run.
#
# Usage: Scripts/bench/scale.sh [--shards 8,100,1000] [--target-mb 80] [--workers 2]
#                               [--parts filter,minhash] [--baseline path/to/old/winnow]
#   WINNOW=path/to/winnow    default <repo>/.build/release/winnow (swift build -c release)
#   WINNOW_BENCH_DIR=dir     corpus cache and scratch (default /tmp/winnow-bench)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
bench_dir="${WINNOW_BENCH_DIR:-/tmp/winnow-bench}"
winnow="${WINNOW:-$repo_root/.build/release/winnow}"
shard_counts=8,100,1000
target_mb=80
workers=2
parts=filter,minhash
baseline=()
while (($#)); do
  case "$1" in
    --shards) shard_counts="$2"; shift ;;
    --target-mb) target_mb="$2"; shift ;;
    --workers) workers="$2"; shift ;;
    --parts) parts="$2"; shift ;;
    --baseline) baseline=(--baseline "$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
    *) echo "scale.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[[ -x "$winnow" ]] || { echo "scale.sh: no Winnow binary at $winnow (swift build -c release)" >&2; exit 1; }
winnow="$(cd "$(dirname "$winnow")" && pwd)/$(basename "$winnow")"
command -v zstd >/dev/null || { echo "scale.sh: the zstd CLI is missing: apt-get install -y zstd" >&2; exit 1; }

# The corpus builder reads the Debian handbook and reference; io.sh says which packages.
corpora=()
IFS=, read -r -a counts <<<"$shard_counts"
for n in "${counts[@]}"; do
  corpora+=("$(python3 "$here/make-corpus.py" --out "$bench_dir/scale-corpus-$n" --target-mb "$target_mb" --shards "$n" | tail -n 1)")
done
scratch="$bench_dir/scale"
mkdir -p "$scratch"
cd "$here"
exec python3 "$here/scale.py" --winnow "$winnow" "${baseline[@]}" --scratch "$scratch" --workers "$workers" --parts "$parts" \
  --corpora "$(IFS=,; echo "${corpora[*]}")"
