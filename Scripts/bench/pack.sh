#!/usr/bin/env bash
# Pack benchmark: tokens/s of Winnow's `pack` step vs datatrove's DocumentTokenizer, same run, same
# >= 100 MB corpus (Scripts/bench/make-corpus.py), same tokenizer.json (a 32k BPE Winnow trains on
# the corpus's first 20 MB), same tasks and worker processes. Prints a markdown table: ours, the
# peer's, the ratio (per core = tokens / CPU seconds of all processes; and wall clock).
#
# Usage: Scripts/bench/pack.sh [--workers 2] [--reps 2] [--target-mb 120] [--vocab-size 32000]
#   WINNOW=path/to/winnow    default <repo>/.build/release/winnow (swift build -c release)
#   WINNOW_BENCH_DIR=dir     corpus cache and scratch (default /tmp/winnow-bench)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
bench_dir="${WINNOW_BENCH_DIR:-/tmp/winnow-bench}"
winnow="${WINNOW:-$repo_root/.build/release/winnow}"
workers=2
reps=2
target_mb=120
vocab=32000
while (($#)); do
  case "$1" in
    --workers) workers="$2"; shift ;;
    --reps) reps="$2"; shift ;;
    --target-mb) target_mb="$2"; shift ;;
    --vocab-size) vocab="$2"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
    *) echo "pack.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[[ -x "$winnow" ]] || { echo "pack.sh: no Winnow binary at $winnow (swift build -c release)" >&2; exit 1; }
winnow="$(cd "$(dirname "$winnow")" && pwd)/$(basename "$winnow")"

python="$("$here/peers.sh" | tail -n 1)"
corpus="$("$python" "$here/make-corpus.py" --target-mb "$target_mb" | tail -n 1)"
scratch="$bench_dir/pack"
mkdir -p "$scratch"
tokenizer="$scratch/tokenizer-$vocab.json"
if [[ ! -f "$tokenizer" ]]; then
  echo "pack.sh: training a $vocab-token BPE on 20 MB of the corpus" >&2
  "$winnow" tokenizer train --vocab-size "$vocab" --byte-budget 20000000 --input "$corpus" --output "$tokenizer" >&2
fi
exec "$python" "$here/pack.py" --winnow "$winnow" --corpus "$corpus" --tokenizer "$tokenizer" \
  --scratch "$scratch" --workers "$workers" --reps "$reps"
