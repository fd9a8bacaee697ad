#!/usr/bin/env python3
"""Cross-check: models trained by Winnow load in the real fastText and predict there exactly as
Winnow predicts with them. For each loss (softmax, ns, hs, ova) and with and without character
n-grams, trains on the samples' language-labelled paragraphs with `winnow classifier train`,
loads the .bin with fasttext.load_model, and compares `winnow classifier predict --k 5` with
fastText's predict(k=5) on every held-out line: same labels in the same order, probabilities
within 1e-4. Prints one line per model and the first differences, exits 1 on any.

    .venv-peers/bin/python Scripts/crosscheck/classifier.py [--winnow .build/release/winnow]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import fasttext

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fixtures"))
from fasttext_models import paragraphs  # noqa: E402  (the same labelled paragraphs as the fixtures)

CONFIGS = {
    "softmax+bigrams+subwords": ["--loss", "softmax", "--word-ngrams", "2", "--minn", "2", "--maxn", "4", "--bucket", "50000"],
    "ns+bigrams": ["--loss", "ns", "--word-ngrams", "2", "--bucket", "50000"],
    "hs": ["--loss", "hs"],
    "ova+subwords": ["--loss", "ova", "--minn", "3", "--maxn", "5", "--bucket", "50000"],
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--winnow", default=".build/release/winnow")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="winnow-crosscheck-")
    train, test = [], []
    for index, language, text in paragraphs():
        (test if index % 5 == 0 else train).append((language, text))
    train_path = os.path.join(work, "train.txt")
    with open(train_path, "w", encoding="utf-8") as f:
        f.writelines(f"__label__{language} {text}\n" for language, text in train)
    texts = [text for _, text in test]
    input_path = os.path.join(work, "test.txt")
    with open(input_path, "w", encoding="utf-8") as f:
        f.write("\n".join(texts) + "\n")

    failed = False
    for name, flags in CONFIGS.items():
        model_path = os.path.join(work, name + ".bin")
        subprocess.run([args.winnow, "classifier", "train", "--input", train_path, "--output", model_path,
                        "--dim", "16", "--epoch", "5", "--lr", "0.3", "--min-count", "2", *flags],
                       check=True, capture_output=True)
        with open(input_path, "rb") as stdin:
            ours = subprocess.run([args.winnow, "classifier", "predict", "--model", model_path, "--k", "5"],
                                  stdin=stdin, check=True, capture_output=True, text=True).stdout.splitlines()
        peer = fasttext.load_model(model_path)
        differences = []
        for text, line in zip(texts, ours):
            fields = line.split(" ")
            our_labels, our_probs = fields[0::2], [float(p) for p in fields[1::2]]
            labels, probs = peer.predict(text, k=5)
            if list(labels) != our_labels or any(abs(a - b) > 1e-4 for a, b in zip(probs, our_probs)):
                differences.append((text[:60], list(zip(labels, probs)), list(zip(our_labels, our_probs))))
        if len(ours) != len(texts):
            differences.append(("line count", len(texts), len(ours)))
        status = "OK" if not differences else f"{len(differences)} DIFFERENT"
        print(f"{name}: {len(texts)} lines, fastText on Winnow's .bin vs Winnow: {status}")
        for difference in differences[:3]:
            print("   ", difference)
        failed |= bool(differences)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
