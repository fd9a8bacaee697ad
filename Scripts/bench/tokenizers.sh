#!/usr/bin/env bash
# Tokenizer benchmark on >= 100 MB of real text (Scripts/bench/make-corpus.py), same machine, same
# run, same input for every contender:
#   training   `winnow tokenizer train` vs HF tokenizers' BpeTrainer (same pattern, vocab, specials;
#              both read the .jsonl.zst shards themselves): wall seconds and peak RSS (/usr/bin/time).
#   encoding   MB/s of text, corpus held in memory, on 1 thread and on all cores: Winnow
#              (`winnow tokenizer evaluate --no-fertility`) vs tiktoken (encode_ordinary /
#              encode_ordinary_batch) vs HF tokenizers (encode / encode_batch), all with the
#              vocabulary Winnow trained (tokenizer.json for HF, .tiktoken for tiktoken).
#   unigram    `winnow tokenizer train --algorithm unigram` vs sentencepiece's trainer (same algorithm and
#              defaults, num_threads = cores) vs HF tokenizers' UnigramTrainer, on every line of the corpus
#              (--unigram-vocab-size, default 8000): wall seconds and peak RSS; then encoding MB/s of each
#              trained unigram model, Winnow's in Winnow vs sentencepiece's in sentencepiece.
#   published  MB/s on one thread with the published Qwen 2.5, Llama 3.2 and DeepSeek V4 tokenizer.json
#              files (--published DIR, as Scripts/crosscheck/published.py lists them): Winnow vs HF
#              tokenizers on the same file vs tiktoken with the same vocabulary; part 'published'.
#   sentencepiece  MB/s of `winnow tokenizer evaluate` with a sentencepiece .model vs sentencepiece's
#              `encode`, 1 thread and all cores, for a unigram model (nmt_nfkc rules) and a BPE model
#              (byte fallback) of --vocab-size pieces that sentencepiece trains on 10 MB of the corpus.
# Prints a markdown table: our figure, the peer's, and the ratio. Best of --reps runs.
#
# Usage: Scripts/bench/tokenizers.sh [--vocab-size 32000] [--pattern llama3] [--reps 3] [--target-mb 120]
#                                    [--parts bpe,spm,unigram,published] [--unigram-vocab-size 8000]
#                                    [--published DIR] [--published-mb 20]
#   WINNOW=path/to/winnow    default <repo>/.build/release/winnow (swift build -c release)
#   WINNOW_BENCH_DIR=dir     corpus cache and scratch (default /tmp/winnow-bench)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
bench_dir="${WINNOW_BENCH_DIR:-/tmp/winnow-bench}"
winnow="${WINNOW:-$repo_root/.build/release/winnow}"
vocab=32000
pattern=llama3
reps=3
target_mb=120
parts=bpe,spm,unigram
unigram_vocab=8000
published=()
while (($#)); do
  case "$1" in
    --vocab-size) vocab="$2"; shift ;;
    --pattern) pattern="$2"; shift ;;
    --reps) reps="$2"; shift ;;
    --target-mb) target_mb="$2"; shift ;;
    --parts) parts="$2"; shift ;;
    --unigram-vocab-size) unigram_vocab="$2"; shift ;;
    --published) published+=(--published "$2"); shift ;;
    --published-mb) published+=(--published-mb "$2"); shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
    *) echo "tokenizers.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[[ -x "$winnow" ]] || { echo "tokenizers.sh: no Winnow binary at $winnow (swift build -c release)" >&2; exit 1; }

python="$("$here/peers.sh" | tail -n 1)"
corpus="$("$python" "$here/make-corpus.py" --target-mb "$target_mb" | tail -n 1)"
exec "$python" "$here/tokenizers_bench.py" --winnow "$winnow" --corpus "$corpus" --vocab-size "$vocab" \
  --pattern "$pattern" --reps "$reps" --parts "$parts" --unigram-vocab-size "$unigram_vocab" --scratch "$bench_dir/tokenizers" "${published[@]}"
