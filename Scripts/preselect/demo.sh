#!/usr/bin/env bash
# The whole PreSelect path on the bundled samples (methods.md §1; Shum et al. 2025):
#   1. label: per-document losses of several models + their benchmark scores → fastText lines
#      (Pipelines/preselect/losses.jsonl and benchmarks.json are a documented toy, made by
#      Scripts/preselect/toy_losses.py: byte n-gram models stand in for the LLMs);
#   2. train: a fastText classifier as PreSelect does (wordNgrams 2), but with epoch 25 and lr 0.5
#      instead of 3 and 0.1 — PreSelect trained on ~400K documents, the samples give 560 lines, on
#      which 3 epochs learn nothing — and dim 8, 10k hash buckets and min-count 3 instead of 100,
#      2M and 1, so the model (Pipelines/preselect/preselect.bin, 1.7 MB) can be committed and
#      Pipelines/preselect.yaml runs as it is; one thread and a fixed seed make it the same bytes;
#   3. score: Pipelines/preselect.yaml keeps the top 10% of the corpus's characters by P(__label__1).
# Usage: Scripts/preselect/demo.sh   (after Scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
winnow="${WINNOW:-.build/release/winnow}"
mkdir -p runs/preselect-model
"$winnow" preselect label --losses Pipelines/preselect/losses.jsonl --benchmarks Pipelines/preselect/benchmarks.json \
    --documents Samples/web --output runs/preselect-model/train.txt
"$winnow" classifier train --input runs/preselect-model/train.txt --output Pipelines/preselect/preselect.bin \
    --epoch 25 --lr 0.5 --word-ngrams 2 --dim 8 --bucket 10000 --min-count 3 --threads 1 --seed 1
"$winnow" run Pipelines/preselect.yaml
"$winnow" status runs/preselect
cat runs/preselect/preselect/threshold.json
