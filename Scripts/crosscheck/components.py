#!/usr/bin/env python3
"""Cross-check Winnow's tokenizer.json reading against HF tokenizers, component by component, at scale.

    .venv-peers/bin/python Scripts/crosscheck/components.py [--mb 10] [--corpus DIR] [--winnow .build/release/winnow]

No published tokenizer.json can be downloaded here, so the files are the component variants of
Tests/WinnowTokenizersTests/Fixtures/normalizers.json (the llama3-2000 vocabulary under each normalizer
and pre-tokenizer sequence; Scripts/fixtures/tokenizers_normalizers.py) plus the fixture tokenizers
already committed (Llama 3, Qwen 2 with NFC, custom regex, digits, Llama 2 and Mistral Metaspace forms),
the WordPiece file, which must be refused naming model.type, and Mistral's tekken_240911.json as
mistral_common ships it (against mistral_common's Tekkenizer). Every non-empty line of the first
--mb MB of the bench corpus (Scripts/bench/make-corpus.py) is encoded by both (`encode --specials
recognize` against `encode(add_special_tokens=False)`); prints the differing lines per file and exits
non-zero on any.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

from tokenizers import Tokenizer

ROOT = pathlib.Path(__file__).resolve().parents[2]
from benchcorpus import corpus_dir, load_texts  # noqa: E402 (this script's folder)

FIXTURES = ROOT / "Tests/WinnowTokenizersTests/Fixtures"
COMMITTED = ["llama3-2000", "qwen2-nfc", "custom-regex", "digits", "metaspace-llama2", "metaspace-mistral"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=10)
    ap.add_argument("--corpus")
    ap.add_argument("--winnow", default=str(ROOT / ".build/release/winnow"))
    args = ap.parse_args()
    documents, _ = load_texts(sorted(corpus_dir(args.corpus).glob("*.jsonl.zst")), int(args.mb * 1_000_000))
    lines = [line for doc in documents for line in doc.split("\n") if line.strip()]
    print(f"{len(lines)} lines from {len(documents)} documents", flush=True)
    variants = json.loads((FIXTURES / "normalizers.json").read_text(encoding="utf-8"))
    base = json.loads((FIXTURES / "llama3-2000.tokenizer.json").read_text(encoding="utf-8"))
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        with open(f"{tmp}/lines.jsonl", "w", encoding="utf-8") as out:
            out.writelines(json.dumps({"text": line}, ensure_ascii=False) + "\n" for line in lines)
        files = {name: FIXTURES / f"{name}.tokenizer.json" for name in COMMITTED}
        for name, variant in variants.items():
            path = pathlib.Path(f"{tmp}/{name}.json")
            spec = variant["tokenizer"] if "tokenizer" in variant else dict(base, normalizer=variant["normalizer"],
                                                                             pre_tokenizer=variant["pre_tokenizer"])
            path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
            files[name] = path
        for name, path in files.items():
            run = subprocess.run([args.winnow, "tokenizer", "encode", "--tokenizer", str(path), "--specials", "recognize",
                                  "--input", f"{tmp}/lines.jsonl"], capture_output=True, text=True)
            if name == "wordpiece":
                refused = run.returncode != 0 and "model.type 'WordPiece' is not supported" in run.stderr
                print(f"{name}: {'refused, naming model.type' if refused else 'NOT refused as expected: ' + run.stderr[-200:]}")
                failures += 0 if refused else 1
                continue
            if run.returncode != 0:
                print(f"{name}: winnow failed: {run.stderr.strip()[-300:]}")
                failures += 1
                continue
            ours = [[int(x) for x in line.split()] for line in run.stdout.splitlines()]
            theirs = [e.ids for e in Tokenizer.from_file(str(path)).encode_batch(lines, add_special_tokens=False)]
            bad = [i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b] + list(range(len(ours), len(theirs)))
            print(f"{name}: {len(bad)} of {len(lines)} lines differ")
            for i in bad[:3]:
                print(f"    #{i} {lines[i][:80]!r}")
            failures += len(bad)
        import mistral_common
        from mistral_common.tokens.tokenizers.tekken import Tekkenizer
        tekken_path = pathlib.Path(mistral_common.__file__).parent / "data" / "tekken_240911.json"
        run = subprocess.run([args.winnow, "tokenizer", "encode", "--tokenizer", str(tekken_path), "--specials", "ordinary",
                              "--input", f"{tmp}/lines.jsonl"], capture_output=True, text=True, check=True)
        ours = [[int(x) for x in line.split()] for line in run.stdout.splitlines()]
        tekken = Tekkenizer.from_file(str(tekken_path))
        bad = [i for i, line in enumerate(lines) if i >= len(ours) or ours[i] != tekken.encode(line, bos=False, eos=False)]
        print(f"tekken_240911 (mistral_common): {len(bad)} of {len(lines)} lines differ")
        failures += len(bad)
    print("total: " + ("identical" if not failures else f"{failures} differences"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
