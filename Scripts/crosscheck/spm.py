#!/usr/bin/env python3
"""Cross-check Winnow's sentencepiece `.model` encoder against sentencepiece itself, at scale.

    .venv-peers/bin/python Scripts/crosscheck/spm.py [--mb 20] [--model X.model ...] [--train-vocab 8000]
        [--train-mb 10] [--corpus DIR] [--winnow .build/release/winnow]

Takes the first --mb megabytes of documents of the real-text corpus (Scripts/bench/make-corpus.py),
as whole documents and cut into their lines (every non-empty line one sequence), and encodes both
with `winnow tokenizer encode --specials ordinary` and with sentencepiece's `encode`, for:
  - each --model given (default: the committed fixture models in Tests/WinnowTokenizersTests/Fixtures);
  - unless --train-vocab 0: a unigram model (default nmt_nfkc rules) and a BPE model with byte
    fallback, of that vocabulary size, trained by sentencepiece on the first --train-mb MB of lines.
Prints, per model, how many sequences differ (and the first few differences, as pieces); exits
non-zero on any difference. Needs the peers venv (Scripts/bench/peers.sh).
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import sentencepiece as spm

ROOT = pathlib.Path(__file__).resolve().parents[2]
from benchcorpus import corpus_dir, load_texts  # noqa: E402 (this script's folder)

FIXTURES = ROOT / "Tests/WinnowTokenizersTests/Fixtures"


def write_jsonl(path, texts):
    with open(path, "w", encoding="utf-8") as out:
        for text in texts:
            out.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")


def winnow_encode(winnow, model, path):
    out = subprocess.run([winnow, "tokenizer", "encode", "--tokenizer", str(model), "--specials", "ordinary", "--input", path],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    return [[int(x) for x in line.split()] for line in out]


def compare(name, sp, texts, ours):
    theirs = sp.encode(texts)
    if len(ours) != len(theirs):
        print(f"  {name}: {len(ours)} sequences from winnow, {len(theirs)} from sentencepiece")
        return 1
    bad = [i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
    tokens = sum(map(len, theirs))
    firsts = {i: next((j for j, (x, y) in enumerate(zip(ours[i], theirs[i])) if x != y), min(len(ours[i]), len(theirs[i])))
              for i in bad}
    # How far into its sequence the earliest difference is, in bytes of sentencepiece's pieces.
    earliest = min((sum(len(sp.id_to_piece(x).encode()) for x in theirs[i][:k]) for i, k in firsts.items()), default=None)
    print(f"  {name}: {len(bad)} of {len(texts)} sequences differ ({tokens} tokens)"
          + (f"; the earliest difference is {earliest} bytes into its sequence" if bad else ""))
    for i in bad[:3]:
        a, b = ours[i], theirs[i]
        k = firsts[i]
        print(f"    #{i} {texts[i][:80]!r}\n      at token {k}: ours {[sp.id_to_piece(x) for x in a[k:k + 4]]}, "
              f"sentencepiece {[sp.id_to_piece(x) for x in b[k:k + 4]]}")
    return len(bad)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=20)
    ap.add_argument("--model", action="append", default=[])
    ap.add_argument("--train-vocab", type=int, default=8000)
    ap.add_argument("--train-mb", type=float, default=10)
    ap.add_argument("--corpus")
    ap.add_argument("--winnow", default=str(ROOT / ".build/release/winnow"))
    args = ap.parse_args()
    shards = sorted(corpus_dir(args.corpus).glob("*.jsonl.zst"))
    documents, _ = load_texts(shards, int(args.mb * 1_000_000))
    lines = [line for doc in documents for line in doc.split("\n") if line.strip()]
    print(f"corpus: {len(documents)} documents, {len(lines)} lines, "
          f"{sum(len(d.encode()) for d in documents) / 1e6:.1f} MB from {len(shards)} shards", flush=True)
    differences = 0
    with tempfile.TemporaryDirectory() as tmp:
        models = [pathlib.Path(m) for m in args.model] or sorted(FIXTURES.glob("spm-*.model"))
        if args.train_vocab:
            train = f"{tmp}/train.txt"
            budget, size = args.train_mb * 1_000_000, 0
            with open(train, "w", encoding="utf-8") as out:
                for line in lines:
                    if size >= budget:
                        break
                    out.write(line + "\n")
                    size += len(line.encode())
            for name, options in [("unigram", {}), ("bpe", {"byte_fallback": True})]:
                prefix = f"{tmp}/trained-{name}-{args.train_vocab}"
                spm.SentencePieceTrainer.train(input=train, model_prefix=prefix, model_type=name, vocab_size=args.train_vocab,
                                               num_threads=os.cpu_count(), minloglevel=2, **options)
                models.append(pathlib.Path(prefix + ".model"))
        write_jsonl(f"{tmp}/lines.jsonl", lines)
        write_jsonl(f"{tmp}/documents.jsonl", documents)
        for model in models:
            sp = spm.SentencePieceProcessor(model_file=str(model))
            print(f"{model.name} ({sp.get_piece_size()} pieces):", flush=True)
            differences += compare("lines", sp, lines, winnow_encode(args.winnow, model, f"{tmp}/lines.jsonl"))
            differences += compare("documents", sp, documents, winnow_encode(args.winnow, model, f"{tmp}/documents.jsonl"))
    print(f"total: {differences} sequences differ")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
