#!/usr/bin/env python3
"""A small, documented stand-in for PreSelect's per-document losses, so the whole PreSelect path
runs on the bundled samples without a GPU or model weights.

PreSelect scores documents with several LLMs of known benchmark quality. Here the "models" are
four character n-gram language models (orders 1 to 4, add-one smoothing over bytes) trained on
the first half of the English handbook pages in Samples/web; their "benchmark score" is how well
they compress the other half (100 minus held-out bits per byte, so higher is better, and the
order-4 model is best). Each document's loss under each model is its bits per byte. A document is
a PreSelect positive when the better "benchmark" models also compress it better — in practice,
English technical prose like the handbook — and a negative when the ordering breaks down.

This is a toy with the same shape as the real thing, not a quality signal worth shipping.
Outputs (committed): Pipelines/preselect/losses.jsonl and Pipelines/preselect/benchmarks.json.
Run from the repository root: python3 Scripts/preselect/toy_losses.py (needs the zstd CLI).
"""
import collections
import glob
import json
import math
import pathlib
import subprocess

OUT = pathlib.Path("Pipelines/preselect")
ORDERS = (1, 2, 3, 4)


def documents():
    for path in sorted(glob.glob("Samples/web/*.jsonl.zst")):
        data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
        for line in data.decode("utf-8").splitlines():
            yield json.loads(line)


class ByteNgramModel:
    def __init__(self, order, texts):
        self.order = order
        self.context = collections.Counter()
        self.joint = collections.Counter()
        for text in texts:
            data = text.encode("utf-8")
            for i in range(len(data)):
                ctx = data[max(0, i - order + 1):i]
                self.context[ctx] += 1
                self.joint[ctx + data[i:i + 1]] += 1

    def bits_per_byte(self, text):
        data = text.encode("utf-8")
        bits = 0.0
        for i in range(len(data)):
            ctx = data[max(0, i - self.order + 1):i]
            p = (self.joint[ctx + data[i:i + 1]] + 1) / (self.context[ctx] + 256)
            bits -= math.log2(p)
        return bits / max(1, len(data))


def main():
    docs = list(documents())
    english = [d["text"] for d in docs if d["metadata"]["locale"] == "en-US"]
    train, held_out = english[0::2], english[1::2]
    models = {f"bytes-{n}gram": ByteNgramModel(n, train) for n in ORDERS}
    OUT.mkdir(parents=True, exist_ok=True)
    benchmarks = {}
    for name, model in models.items():
        bpb = sum(model.bits_per_byte(t) for t in held_out) / len(held_out)
        benchmarks[name] = round(100 - bpb, 4)
    (OUT / "benchmarks.json").write_text(json.dumps(benchmarks, indent=2) + "\n")
    with (OUT / "losses.jsonl").open("w") as f:
        for doc in docs:
            for name, model in models.items():
                f.write(json.dumps({"id": doc["id"], "model": name, "bpc": round(model.bits_per_byte(doc["text"]), 6)}) + "\n")
    print("benchmarks:", benchmarks)


if __name__ == "__main__":
    main()
