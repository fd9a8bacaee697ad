#!/usr/bin/env python3
"""Cross-check Winnow's unigram trainer and its .model against sentencepiece, at scale.

    .venv-peers/bin/python Scripts/crosscheck/unigram.py [--train-mb 20] [--test-mb 5] [--vocab-size 8000]
        [--option byte_fallback] [--corpus DIR] [--winnow .build/release/winnow]

From the real-text corpus (Scripts/bench/make-corpus.py), every non-empty line of the documents is a
sentence; the first --train-mb MB of lines train both `winnow tokenizer train --algorithm unigram`
and `sentencepiece.SentencePieceTrainer` with the same settings (sentencepiece's defaults: nmt_nfkc,
coverage 0.9995, …), and the next --test-mb MB are held out. Reports:
  - quality: bytes per token and log-likelihood per byte (the sum of the pieces' scores along each
    line's best segmentation, unknown pieces at min score - 10) on the held-out lines, for both
    vocabularies, and their ratio; the issue's target is within 1 %;
  - parity: our .model loaded in sentencepiece gives the ids `winnow tokenizer encode` gives, on
    every held-out line and document, and sentencepiece's model gives its own ids in Winnow; our
    tokenizer.json in HF tokenizers gives the ids Winnow gives for that tokenizer.json (HF sums
    scores per word in f64 where sentencepiece sums per sentence in f32, so HF and sentencepiece
    themselves disagree at near-ties: how often is reported, not counted as a failure);
  - the pieces the two vocabularies share.
Exits non-zero on any id difference or a quality ratio outside 1 %. Needs the peers venv.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import sentencepiece as spm

ROOT = pathlib.Path(__file__).resolve().parents[2]
from benchcorpus import corpus_dir, load_texts  # noqa: E402 (this script's folder)

# sentencepiece option → the winnow flag that sets it.
FLAGS = {"byte_fallback": ["--byte-fallback"], "split_digits": ["--split-digits"]}


def quality(sp, lines):
    """(bytes per token, log-likelihood per byte) of `sp`'s best segmentations of `lines`."""
    unknown = min(sp.get_score(i) for i in range(sp.get_piece_size())
                  if not (sp.is_control(i) or sp.is_unknown(i) or sp.is_byte(i) or sp.is_unused(i))) - 10
    nbytes = sum(len(line.encode()) for line in lines)
    tokens, likelihood = 0, 0.0
    for ids in sp.encode(lines):
        tokens += len(ids)
        likelihood += sum(unknown if sp.is_unknown(i) else sp.get_score(i) for i in ids)
    return nbytes / tokens, likelihood / nbytes


def winnow_encode(winnow, model, texts, path):
    with open(path, "w", encoding="utf-8") as out:
        for text in texts:
            out.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    out = subprocess.run([winnow, "tokenizer", "encode", "--tokenizer", str(model), "--specials", "ordinary", "--input", path],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    return [[int(x) for x in line.split()] for line in out]


def differences(name, sp, texts, ours):
    theirs = sp.encode(texts)
    bad = [i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b] + list(range(min(len(ours), len(theirs)), max(len(ours), len(theirs))))
    print(f"  {name}: {len(bad)} of {len(texts)} differ")
    for i in bad[:3]:
        print(f"    #{i} {texts[i][:80]!r}: ours {ours[i][:12] if i < len(ours) else None}, sentencepiece {theirs[i][:12]}")
    return len(bad)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-mb", type=float, default=20)
    ap.add_argument("--test-mb", type=float, default=5)
    ap.add_argument("--vocab-size", type=int, default=8000)
    ap.add_argument("--option", action="append", default=[], choices=sorted(FLAGS))
    ap.add_argument("--corpus")
    ap.add_argument("--winnow", default=str(ROOT / ".build/release/winnow"))
    args = ap.parse_args()
    shards = sorted(corpus_dir(args.corpus).glob("*.jsonl.zst"))
    documents, _ = load_texts(shards, int((args.train_mb + args.test_mb) * 1_000_000))
    train, test, size = [], [], 0
    test_documents = []
    for doc in documents:
        lines = [line for line in doc.split("\n") if line.strip()]
        if size < args.train_mb * 1_000_000:
            train += lines
        else:
            test += lines
            test_documents.append(doc)
        size += len(doc.encode())
    print(f"train: {len(train)} lines, {sum(len(l.encode()) for l in train) / 1e6:.1f} MB; "
          f"held out: {len(test)} lines in {len(test_documents)} documents", flush=True)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        with open(f"{tmp}/train.txt", "w", encoding="utf-8") as out:
            out.writelines(line + "\n" for line in train)
        os.makedirs(f"{tmp}/hf")
        ours, ours_json = f"{tmp}/hf/tokenizer.model", f"{tmp}/hf/tokenizer.json"
        flags = [f for option in args.option for f in FLAGS[option]]
        start = time.perf_counter()
        subprocess.run([args.winnow, "tokenizer", "train", "--algorithm", "unigram", "--vocab-size", str(args.vocab_size),
                        *flags, "--input", f"{tmp}/train.txt", "--output", ours_json], check=True, capture_output=True)
        ours_seconds = time.perf_counter() - start
        start = time.perf_counter()
        spm.SentencePieceTrainer.train(input=f"{tmp}/train.txt", model_prefix=f"{tmp}/spm", vocab_size=args.vocab_size,
                                       num_threads=os.cpu_count(), minloglevel=2, **{o: True for o in args.option})
        spm_seconds = time.perf_counter() - start
        a = spm.SentencePieceProcessor(model_file=f"{tmp}/spm.model")
        b = spm.SentencePieceProcessor(model_file=ours)
        shared = len({a.id_to_piece(i) for i in range(a.get_piece_size())} & {b.id_to_piece(i) for i in range(b.get_piece_size())})
        print(f"training: winnow {ours_seconds:.1f} s, sentencepiece {spm_seconds:.1f} s (wall, this run); "
              f"{shared} of {args.vocab_size} pieces shared")
        qa, qb = quality(a, test), quality(b, test)
        print(f"held-out bytes/token: sentencepiece {qa[0]:.4f}, winnow {qb[0]:.4f} (ratio {qb[0] / qa[0]:.4f})")
        print(f"held-out log-likelihood/byte: sentencepiece {qa[1]:.4f}, winnow {qb[1]:.4f} (ratio {qb[1] / qa[1]:.4f})")
        if abs(qb[0] / qa[0] - 1) > 0.01 or abs(qb[1] / qa[1] - 1) > 0.01:
            print("quality: outside 1 %")
            failures += 1
        for name, sp, model in [("winnow's model", b, ours), ("sentencepiece's model", a, f"{tmp}/spm.model")]:
            print(f"{name}: sentencepiece vs winnow ids")
            failures += differences("lines", sp, test, winnow_encode(args.winnow, model, test, f"{tmp}/lines.jsonl"))
            failures += differences("documents", sp, test_documents,
                                    winnow_encode(args.winnow, model, test_documents, f"{tmp}/docs.jsonl"))
        from tokenizers import Tokenizer
        from transformers import AutoTokenizer
        hf = Tokenizer.from_file(ours_json)
        print("winnow's tokenizer.json: HF tokenizers vs winnow ids")
        for name, texts in [("lines", test), ("documents", test_documents)]:
            theirs = [e.ids for e in hf.encode_batch(texts, add_special_tokens=False)]
            mine = winnow_encode(args.winnow, ours_json, texts, f"{tmp}/hf-{name}.jsonl")
            bad = [i for i, (x, y) in enumerate(zip(mine, theirs)) if x != y] + list(range(len(mine), len(theirs)))
            print(f"  {name}: {len(bad)} of {len(texts)} differ")
            for i in bad[:3]:
                print(f"    #{i} {texts[i][:80]!r}")
            failures += len(bad)
            spm_ids = b.encode(texts)
            print(f"  (HF tokenizers and sentencepiece on the same model: {sum(x != y for x, y in zip(theirs, spm_ids))} of "
                  f"{len(texts)} {name} differ at near-ties)")
        auto = AutoTokenizer.from_pretrained(f"{tmp}/hf")
        same = all(auto(t, add_special_tokens=False)["input_ids"] == e.ids for t, e in zip(test[:200], hf.encode_batch(test[:200], add_special_tokens=False)))
        print(f"  transformers AutoTokenizer on the folder: {'same ids' if same else 'DIFFERENT ids'} on 200 lines")
        failures += 0 if same else 1
    print("total: " + ("all identical, quality within 1 %" if not failures else f"{failures} failures"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
