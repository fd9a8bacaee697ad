"""The bench corpus for the cross-check scripts: where it is (made by Scripts/bench/make-corpus.py
when not given) and its first documents' texts up to a byte budget."""

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def corpus_dir(arg):
    if arg:
        return pathlib.Path(arg)
    out = subprocess.run([sys.executable, str(ROOT / "Scripts/bench/make-corpus.py")], check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return pathlib.Path(out)


def load_texts(shards, budget):
    """Texts of the shards' documents in order until `budget` UTF-8 bytes; returns (texts, bytes)."""
    texts, total = [], 0
    for shard in shards:
        raw = subprocess.run(["zstd", "-dc", str(shard)], check=True, capture_output=True).stdout
        for line in raw.decode("utf-8").splitlines():
            if total >= budget:
                return texts, total
            if line.strip():
                text = json.loads(line)["text"]
                texts.append(text)
                total += len(text.encode("utf-8"))
    return texts, total
