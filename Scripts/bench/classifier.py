#!/usr/bin/env python3
"""Classifier benchmark: Winnow's fastText-compatible trainer and predictor against the real
fastText (pip fasttext-numpy2-wheel 0.9.2), same data, same settings, same thread count, one run.

    .venv-peers/bin/python Scripts/bench/classifier.py --winnow .build/release/winnow [--threads 2]

Data: the I/O benchmark corpus (Scripts/bench/make-corpus.py: Debian handbook + reference, ~25
languages), cut into paragraphs labelled with the document's language. A paragraph goes to the
held-out set when a hash of its text says so, so the same paragraph in two re-cut "crawls" never
sits on both sides. Training data is capped at --tokens whitespace tokens (default 12M).

Prints a markdown table: training wall time, held-out P@1 of each model (each scored by fastText's
own `test`, so the metric is the peer's), and prediction throughput (documents/s, one thread) of
fastText's Python batch predict against `winnow classifier predict`. fastText's time excludes
loading the model; Winnow's includes starting the process and loading the model.
"""
import argparse
import glob
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import fasttext
import zstandard

from benchutil import record


def paragraphs(corpus):
    for path in sorted(glob.glob(os.path.join(corpus, "*.jsonl.zst"))):
        with open(path, "rb") as f:
            reader = zstandard.ZstdDecompressor().stream_reader(f)
            buffer = b""
            while True:
                chunk = reader.read(1 << 24)
                if not chunk:
                    break
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    doc = json.loads(line)
                    language = doc.get("metadata", {}).get("language", "unknown")
                    for paragraph in doc["text"].split("\n\n"):
                        text = " ".join(paragraph.split())
                        if len(text.split()) >= 5:
                            yield language, text


def build_data(corpus, directory, max_tokens):
    train_path, test_path = os.path.join(directory, "train.txt"), os.path.join(directory, "test.txt")
    tokens = 0
    seen_test = set()
    test_lines = []
    with open(train_path, "w", encoding="utf-8") as train:
        for language, text in paragraphs(corpus):
            digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
            if digest[0] < 26:  # ~10% of distinct paragraphs are held out
                if digest not in seen_test:
                    seen_test.add(digest)
                    test_lines.append(f"__label__{language} {text}")
                continue
            if tokens >= max_tokens:
                continue
            train.write(f"__label__{language} {text}\n")
            tokens += len(text.split()) + 2  # words, the label and </s>
    with open(test_path, "w", encoding="utf-8") as test:
        test.write("\n".join(test_lines) + "\n")
    return train_path, test_path, tokens, len(test_lines)


def timed(command, **kwargs):
    start = time.perf_counter()
    result = subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - start, result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--winnow", required=True)
    ap.add_argument("--corpus", default=os.path.join(os.environ.get("WINNOW_BENCH_DIR", "/tmp/winnow-bench"), "corpus"))
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--tokens", type=int, default=12_000_000)
    ap.add_argument("--epoch", type=int, default=5)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--word-ngrams", type=int, default=2)
    ap.add_argument("--bucket", type=int, default=2_000_000)
    ap.add_argument("--predict-docs", type=int, default=50_000, help="documents to predict (the held-out set, repeated)")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="winnow-classifier-bench-")
    train, test, tokens, held_out = build_data(args.corpus, work, args.tokens)
    print(f"data: {tokens} training tokens, {held_out} held-out paragraphs ({work})", file=sys.stderr)
    settings = dict(epoch=args.epoch, lr=args.lr, dim=args.dim, wordNgrams=args.word_ngrams, bucket=args.bucket)

    ours = os.path.join(work, "winnow.bin")
    winnow_train, _ = timed([args.winnow, "classifier", "train", "--input", train, "--output", ours,
                             "--epoch", str(args.epoch), "--lr", str(args.lr), "--dim", str(args.dim),
                             "--word-ngrams", str(args.word_ngrams), "--bucket", str(args.bucket),
                             "--threads", str(args.threads)])
    start = time.perf_counter()
    peer = fasttext.train_supervised(input=train, thread=args.threads, verbose=0, **settings)
    peer_train = time.perf_counter() - start

    ours_loaded = fasttext.load_model(ours)  # our .bin, read by fastText itself
    _, peer_p1, _ = peer.test(test)
    _, ours_p1, _ = ours_loaded.test(test)

    # Prediction: one thread each, the held-out paragraphs as documents.
    held = [line.split(" ", 1)[1] for line in open(test, encoding="utf-8").read().splitlines() if " " in line]
    texts = (held * (1 + args.predict_docs // len(held)))[:args.predict_docs]
    start = time.perf_counter()
    peer.predict(texts, k=1)
    peer_predict = time.perf_counter() - start
    lines = os.path.join(work, "predict.txt")
    with open(lines, "w", encoding="utf-8") as f:
        f.write("\n".join(texts) + "\n")
    with open(lines, "rb") as stdin:
        winnow_predict, result = timed([args.winnow, "classifier", "predict", "--model", ours, "--k", "1"], stdin=stdin)
    ours_labels = [l.split(" ")[0] for l in result.stdout.splitlines()]
    peer_on_ours = ours_loaded.predict(texts, k=1)[0]
    agree = sum(a == b[0] for a, b in zip(ours_labels, peer_on_ours)) / len(texts)
    assert len(ours_labels) == len(texts), f"winnow printed {len(ours_labels)} predictions for {len(texts)} lines"

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    print(f"Classifier benchmark ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {cpu}); "
          f"{tokens / 1e6:.1f}M training tokens, {len(held)} held-out paragraphs (predicted {len(texts)} times), "
          f"dim {args.dim}, epoch {args.epoch}, lr {args.lr}, wordNgrams {args.word_ngrams}, bucket {args.bucket}, "
          f"{args.threads} threads\n")
    print("| measure | Winnow | fastText 0.9.2 | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| training wall time (s) | {winnow_train:.1f} | {peer_train:.1f} | {peer_train / winnow_train:.2f}x faster |")
    print(f"| held-out P@1 (fastText's `test`) | {ours_p1:.4f} | {peer_p1:.4f} | {100 * (ours_p1 - peer_p1):+.2f} points |")
    print(f"| predict, docs/s (1 thread) | {len(texts) / winnow_predict:,.0f} | {len(texts) / peer_predict:,.0f} | "
          f"{peer_predict / winnow_predict:.2f}x |")
    record("fastText training, wall s", winnow_train, "fastText 0.9.2", peer_train, higher_is_better=False)
    record("fastText prediction, docs/s, 1 thread", len(texts) / winnow_predict, "fastText 0.9.2", len(texts) / peer_predict)
    print(f"\nfastText loaded Winnow's .bin; its predictions with it agree with Winnow's own on {100 * agree:.2f}% of the {len(texts)} documents.")


if __name__ == "__main__":
    main()
