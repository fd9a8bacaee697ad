#!/usr/bin/env python3
"""Cross-check Winnow's gopher_quality, gopher_repetition, c4 and fineweb rules against datatrove's
GopherQualityFilter, GopherRepetitionFilter, C4QualityFilter and FineWebQualityFilter on the same
English documents: the samples' English pages plus the English documents of the benchmark corpus
(Scripts/bench/make-corpus.py). Each rule runs in `mode: tag` (so every rule sees every document);
each datatrove filter runs on its own copy of each document. Prints, per rule, the agreement rate
on keep/drop and the first disagreements with both sides' values.

    .venv-peers/bin/python Scripts/crosscheck/filters.py [--winnow .build/release/winnow] [--max-docs 3000]
"""
import argparse
import copy
import glob
import json
import os
import subprocess
import tempfile

from datatrove.data import Document
from datatrove.pipeline.filters import C4QualityFilter, FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter

RULES = {
    "gopher_quality": GopherQualityFilter,
    "gopher_repetition": GopherRepetitionFilter,
    "c4": C4QualityFilter,
    "fineweb": FineWebQualityFilter,
}


def english_documents(patterns, limit):
    docs = []
    for pattern in patterns:
        for path in sorted(glob.glob(pattern)):
            data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout.decode("utf-8")
            for line in data.splitlines():
                doc = json.loads(line)
                if doc.get("metadata", {}).get("language") == "en" and doc["text"].strip():
                    docs.append(doc)
                    if len(docs) >= limit:
                        return docs
    return docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--winnow", default=".build/release/winnow")
    ap.add_argument("--corpus", default=os.path.join(os.environ.get("WINNOW_BENCH_DIR", "/tmp/winnow-bench"), "corpus"))
    ap.add_argument("--max-docs", type=int, default=3000)
    args = ap.parse_args()

    docs = english_documents(["Samples/web/*.jsonl.zst", os.path.join(args.corpus, "*.jsonl.zst")], args.max_docs)
    work = tempfile.mkdtemp(prefix="winnow-filters-crosscheck-")
    with open(os.path.join(work, "docs.jsonl"), "w", encoding="utf-8") as f:
        for i, doc in enumerate(docs):
            f.write(json.dumps({"id": f"d{i}", "text": doc["text"], "metadata": doc.get("metadata", {})}, ensure_ascii=False) + "\n")
    rules = "\n".join(f"      - rule: {name}\n        mode: tag" for name in RULES)
    with open(os.path.join(work, "pipeline.yaml"), "w") as f:
        f.write(f"name: crosscheck\nworkdir: {work}/run\ninput: [{work}/docs.jsonl]\nworkers: 1\nsteps:\n"
                f"  - id: rules\n    stage: filter\n    from: input\n    words: english\n    rules:\n{rules}\n")
    subprocess.run([args.winnow, "run", os.path.join(work, "pipeline.yaml")], check=True, capture_output=True)
    ours = {}
    data = subprocess.run(["zstd", "-dc", os.path.join(work, "run/rules/output/docs.jsonl.zst")], check=True,
                          capture_output=True).stdout.decode("utf-8")
    for line in data.splitlines():
        doc = json.loads(line)
        ours[doc["id"]] = doc["metadata"]

    print(f"{len(docs)} English documents ({work})")
    for name, cls in RULES.items():
        peer = cls()
        agree, first = 0, []
        for i, doc in enumerate(docs):
            result = peer.filter(Document(text=doc["text"], id=f"d{i}", metadata={}))
            peer_keep = result is True
            peer_reason = None if peer_keep else result[1]
            flags = [f for f in ours[f"d{i}"].get("flagged_by", []) if f.startswith(name + ":")]
            our_keep = not flags
            if our_keep == peer_keep:
                agree += 1
            elif len(first) < 5:
                values = {k: v for k, v in ours[f"d{i}"].items() if k.startswith(name.split("_")[0])}
                first.append(f"    d{i}: datatrove {'keep' if peer_keep else 'drop (' + peer_reason + ')'}, "
                             f"winnow {'keep' if our_keep else 'drop (' + flags[0] + ')'}; ours {values}")
        print(f"{name}: {agree}/{len(docs)} agree ({100 * agree / len(docs):.2f}%)")
        for line in first:
            print(line[:600])


if __name__ == "__main__":
    main()
