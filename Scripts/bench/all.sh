#!/usr/bin/env bash
# Every benchmark in one go: runs io, classifier, filters, tokenizers, pack and dedup (each runs
# Winnow and its peer on the same input in the same run), keeps each one's full markdown output,
# and prints one table of the headline figures: ours, the peer's, the ratio, with the date and the
# machine. That table is what the README's Performance section shows.
#
# Usage: Scripts/bench/all.sh [--only io,classifier,filters,tokenizers,pack,dedup] [--quick]
#   --quick   fewer repetitions, datatrove's filters on the first 300 documents of each shard, no
#             10x-corpus dedup run: about 15 minutes instead of about an hour, noisier figures
#   WINNOW=path/to/winnow    default <repo>/.build/release/winnow (swift build -c release)
#   WINNOW_BENCH_DIR=dir     corpus cache and scratch (default /tmp/winnow-bench); the outputs go
#                            to DIR/all-DATE/ (NAME.md per benchmark, NAME.log, summary.md)
# A benchmark that fails is reported and the others still run; the exit status is then 1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
bench_dir="${WINNOW_BENCH_DIR:-/tmp/winnow-bench}"
winnow="${WINNOW:-$repo_root/.build/release/winnow}"
only=io,classifier,filters,tokenizers,pack,dedup
quick=0
while (($#)); do
  case "$1" in
    --only) only="$2"; shift ;;
    --quick) quick=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
    *) echo "all.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[[ -x "$winnow" ]] || { echo "all.sh: no Winnow binary at $winnow (swift build -c release)" >&2; exit 1; }
export WINNOW="$winnow"

out="$bench_dir/all-$(date -u +%Y-%m-%dT%H%M)"
mkdir -p "$out"
export WINNOW_BENCH_SUMMARY="$out/figures.jsonl"
: >"$WINNOW_BENCH_SUMMARY"

# The options of each benchmark: full, and --quick.
declare -A full=([io]="--workers 1,2 --reps 3" [classifier]="" [filters]="" [tokenizers]="--reps 2 --unigram-vocab-size 32000"
  [pack]="--reps 2" [dedup]="")
declare -A fast=([io]="--workers 1 --reps 1" [classifier]="--tokens 4000000 --predict-docs 20000"
  [filters]="--peer-docs 300" [tokenizers]="--reps 1 --parts bpe,spm" [pack]="--reps 1" [dedup]="--parts minhash --scale 1")

failed=()
IFS=, read -r -a names <<<"$only"
for name in "${names[@]}"; do
  [[ -v "full[$name]" ]] || { echo "all.sh: no benchmark named $name" >&2; exit 2; }
  if ((quick)); then opts="${fast[$name]}"; else opts="${full[$name]}"; fi
  echo "all.sh: $name $opts  ($(date -u +%H:%M:%S); output $out/$name.md)" >&2
  # shellcheck disable=SC2086  # the options are words on purpose
  if ! "$here/$name.sh" $opts >"$out/$name.md" 2>"$out/$name.log"; then
    echo "all.sh: $name failed; the end of $out/$name.log:" >&2
    tail -n 15 "$out/$name.log" >&2
    failed+=("$name")
  fi
done

py="$("$here/peers.sh" | tail -n 1)"
"$py" "$here/benchutil.py" summary "$WINNOW_BENCH_SUMMARY" | tee "$out/summary.md"
if ((${#failed[@]})); then
  echo "all.sh: failed: ${failed[*]} (their rows are missing above)" >&2
  exit 1
fi
