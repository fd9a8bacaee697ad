#!/usr/bin/env python3
"""Cross-check Winnow's BPE trainer and encoder against HF tokenizers (and tiktoken) at scale.

    .venv-peers/bin/python Scripts/crosscheck/bpe.py [--mb 60] [--vocab-size 32000]
        [--pattern llama3] [--min-frequency 0] [--corpus DIR] [--winnow .build/release/winnow]

Takes the first --mb megabytes of text (documents in shard order, until the budget is reached)
of the real-text corpus built by Scripts/bench/make-corpus.py, then
  1. trains HF tokenizers' BpeTrainer and `winnow tokenizer train` with the same settings and
     compares the vocabularies and the merge lists, in order;
  2. encodes every document with HF (Winnow's tokenizer.json loaded by HF), with tiktoken (from
     Winnow's .tiktoken file) and with `winnow tokenizer encode --input`, and compares the ids.
Prints the first difference of each comparison, if any, and exits non-zero on any difference.
Needs the peers venv (Scripts/bench/peers.sh).
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import tiktoken
import tiktoken.load
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Scripts/fixtures"))
from tokenizers_pretok import HF_PATTERNS, PATTERNS  # noqa: E402
from benchcorpus import corpus_dir, load_texts  # noqa: E402


def hf_train(texts, pattern, vocab_size, min_frequency, specials):
    tok = Tokenizer(models.BPE())
    if pattern == "gpt2":
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    else:
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(HF_PATTERNS[pattern]), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer)
    return json.loads(tok.to_str())["model"]


def first_difference(ours, theirs):
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if a != b:
            return i, a, b
    if len(ours) != len(theirs):
        n = min(len(ours), len(theirs))
        return n, ours[n:n + 3], theirs[n:n + 3]
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=60)
    ap.add_argument("--vocab-size", type=int, default=32000)
    ap.add_argument("--pattern", default="llama3", choices=sorted(PATTERNS))
    ap.add_argument("--min-frequency", type=int, default=0)
    ap.add_argument("--corpus")
    ap.add_argument("--winnow", default=str(ROOT / ".build/release/winnow"))
    args = ap.parse_args()
    specials = ["<|endoftext|>"]
    budget = int(args.mb * 1_000_000)
    shards = sorted(corpus_dir(args.corpus).glob("*.jsonl.zst"))
    texts, total = load_texts(shards, budget)
    print(f"corpus: {len(texts)} documents, {total / 1e6:.1f} MB of text from {len(shards)} shards", flush=True)
    failures = 0

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "tokenizer.json")
        tk_path = os.path.join(tmp, "tokenizer.tiktoken")
        t0 = time.time()
        subprocess.run([args.winnow, "tokenizer", "train", "--vocab-size", str(args.vocab_size),
                        "--pre-tokenizer", args.pattern, "--min-frequency", str(args.min_frequency),
                        "--special-tokens", ",".join(specials), "--byte-budget", str(budget),
                        "--input", *map(str, shards), "--output", out, "--tiktoken", tk_path], check=True)
        t1 = time.time()
        theirs = hf_train(texts, args.pattern, args.vocab_size, args.min_frequency, specials)
        t2 = time.time()
        print(f"training: winnow {t1 - t0:.1f} s, HF {t2 - t1:.1f} s")
        ours = json.loads(pathlib.Path(out).read_text(encoding="utf-8"))["model"]
        vocab_ours = sorted(ours["vocab"], key=ours["vocab"].get)
        vocab_theirs = sorted(theirs["vocab"], key=theirs["vocab"].get)
        diff = first_difference(vocab_ours, vocab_theirs)
        print(f"vocabulary: {len(vocab_ours)} vs HF {len(vocab_theirs)} tokens: "
              + ("identical ids" if diff is None else f"FIRST DIFFERENCE at id {diff[0]}: ours {diff[1]!r}, HF {diff[2]!r}"))
        failures += diff is not None
        merges_ours = [tuple(m) for m in ours["merges"]]
        merges_theirs = [tuple(m) for m in theirs["merges"]]
        diff = first_difference(merges_ours, merges_theirs)
        print(f"merges: {len(merges_ours)} vs HF {len(merges_theirs)}: "
              + ("identical, in order" if diff is None else f"FIRST DIFFERENCE at rank {diff[0]}: ours {diff[1]!r}, HF {diff[2]!r}"))
        failures += diff is not None

        hf = Tokenizer.from_file(out)
        hf_ids = [e.ids for e in hf.encode_batch(texts, add_special_tokens=False)]
        ranks = tiktoken.load.load_tiktoken_bpe(tk_path)
        enc = tiktoken.Encoding(name="winnow", pat_str=PATTERNS[args.pattern], mergeable_ranks=ranks,
                                special_tokens={s: i for i, s in enumerate(specials)})
        tk_ids = enc.encode_ordinary_batch(texts)
        winnow = subprocess.run([args.winnow, "tokenizer", "encode", "--tokenizer", out, "--specials", "ordinary",
                                 "--byte-budget", str(budget), "--input", *map(str, shards)],
                                check=True, capture_output=True, text=True).stdout.splitlines()
        winnow_ids = [[int(x) for x in line.split()] for line in winnow]
        for name, peer in (("HF tokenizers", hf_ids), ("tiktoken", tk_ids)):
            bad = [i for i, (a, b) in enumerate(zip(winnow_ids, peer)) if a != b]
            if len(winnow_ids) != len(peer):
                print(f"encodings vs {name}: {len(winnow_ids)} documents vs {len(peer)}")
                failures += 1
            elif bad:
                i = bad[0]
                k, a, b = first_difference(winnow_ids[i], peer[i])
                print(f"encodings vs {name}: {len(bad)} of {len(peer)} documents differ; FIRST: document {i}, "
                      f"token {k}: ours {a}, {name} {b}")
                failures += 1
            else:
                print(f"encodings vs {name}: all {len(peer)} documents identical "
                      f"({sum(map(len, peer))} tokens)")
        round_trip = hf.decode(winnow_ids[0]) == texts[0] if texts else True
        print(f"HF decodes our ids of document 0 back to its text: {round_trip}")
        failures += not round_trip
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
