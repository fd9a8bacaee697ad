#!/usr/bin/env python3
"""Mutates real tokenizer files and checks that Winnow refuses the broken ones with an error, never a crash.

    python Scripts/crosscheck/fuzz_tokenizer_files.py [--count 2000] [--seed 1] [--winnow .build/release/winnow] [FILE ...]

The default files are the committed fixtures of every format (tokenizer.json in its BPE, Metaspace
and Unigram forms, tekken, .tiktoken, sentencepiece .model, and the published-form variants);
give published files as arguments to fuzz those too. Each input is one file with one mutation:
cut at a random byte, bytes overwritten at random offsets, a JSON number replaced by an extreme
one (-1, 2^32, 1e300, 0.5), a JSON value deleted, or a block of bytes duplicated. Winnow encodes a
short text with it; a run that ends by a signal, or whose error output holds "Fatal error", is a
crash. Prints the counts and every crash's mutation, and exits non-zero on any.
"""
import argparse
import os
import pathlib
import random
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests/WinnowTokenizersTests/Fixtures"
DEFAULT = ["llama3-2000.tokenizer.json", "qwen2-nfc.tokenizer.json", "metaspace-llama2.tokenizer.json", "metaspace-mistral.tokenizer.json",
           "digits.tokenizer.json", "tekken-2000.json", "llama3-2000.tiktoken", "unigram-nfkc.model", "spm-bpe.model", "unigram-bytes.model"]
NUMBER = re.compile(rb"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def mutate(data, rng):
    kind = rng.choice(["cut", "overwrite", "number", "delete", "duplicate"])
    if kind == "cut":
        return kind, data[:rng.randrange(len(data))]
    if kind == "overwrite":
        out = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return kind, bytes(out)
    if kind == "number":
        numbers = list(NUMBER.finditer(data[:200_000]))
        if not numbers:
            return kind, data
        m = rng.choice(numbers)
        return kind, data[:m.start()] + rng.choice([b"-1", b"4294967296", b"1e300", b"0.5", b"-0", b"99999999999"]) + data[m.end():]
    if kind == "delete":
        start = rng.randrange(len(data))
        return kind, data[:start] + data[start + rng.randint(1, 64):]
    start = rng.randrange(len(data))
    return kind, data[:start] + data[start:start + rng.randint(1, 256)] * 2 + data[start:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--winnow", default=str(ROOT / ".build/release/winnow"))
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    files = [pathlib.Path(f) for f in args.files] or [FIXTURES / name for name in DEFAULT]
    originals = {f: f.read_bytes() for f in files}
    rng = random.Random(args.seed)
    outcomes = {"refused": 0, "loaded": 0, "crash": 0}
    crashes = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.count):
            source = rng.choice(files)
            kind, data = mutate(originals[source], rng)
            path = os.path.join(tmp, source.name)
            pathlib.Path(path).write_bytes(data)
            run = subprocess.run([args.winnow, "tokenizer", "encode", "--tokenizer", path, "--specials", "ordinary",
                                  *(["--pattern", "llama3"] if source.suffix == ".tiktoken" else [])],
                                 input=b"Hello world, \xe4\xbd\xa0\xe5\xa5\xbd 123", capture_output=True, timeout=120)
            if run.returncode < 0 or b"Fatal error" in run.stderr:
                outcomes["crash"] += 1
                crashes.append((source.name, kind, run.returncode, run.stderr[-300:]))
                pathlib.Path(f"/tmp/fuzz-crash-{k}-{source.name}").write_bytes(data)
            elif run.returncode == 0:
                outcomes["loaded"] += 1
            else:
                outcomes["refused"] += 1
                if source.name.encode() not in run.stderr:
                    crashes.append((source.name, kind, "error without the file name", run.stderr[-200:]))
    print(f"{args.count} mutated files: {outcomes['refused']} refused with an error, {outcomes['loaded']} still loaded, "
          f"{outcomes['crash']} crashes")
    for crash in crashes:
        print("  ", crash)
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
