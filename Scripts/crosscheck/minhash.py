#!/usr/bin/env python3
"""MinHash dedup at scale against the theory and against datatrove.

    .venv-peers/bin/python Scripts/crosscheck/minhash.py [--winnow .build/release/winnow]
        [--corpus DIR] [--base 1200] [--copies 60] [--work /tmp/winnow-crosscheck-minhash]

1. Makes a corpus with planted near duplicates of known similarity from real text: `--base`
   whole pages of the benchmark corpus (Scripts/bench/make-corpus.py, crawl 0), and for each of
   ten word-edit rates (0.5% to 12%) `--copies` copies of random base pages with that share of
   words replaced by other real words (seeded). Each copy's true similarity to its page is the
   Jaccard index of their shingle sets, computed with datatrove's own shingling (simplify_text,
   spaCy's English words, 5-grams, xxh64). Copies go to other shards than their pages.
2. Runs Winnow's `dedup` (method: minhash, mode: tag; datatrove's defaults) and datatrove's
   four MinHash stages (Scripts/bench/dt-minhash.py, cluster ids saved) on the same shards.
3. Reports recall per similarity band — planted pairs found in the same cluster — beside the
   S-curve 1 − (1 − s^8)^14 averaged over the band's pairs; the true similarity of every other
   pair Winnow clustered (how many fall below 0.5: the false positives LSH allows); and whether
   Winnow's clusters are datatrove's (they must be: the signatures are the same).
Exits non-zero if the clusters differ or recall falls short of the curve by more than chance.
"""
import argparse
import glob
import json
import math
import os
import random
import shutil
import subprocess
import sys

import xxhash
from datatrove.utils.text import ngrams, simplify_text
from datatrove.utils.word_tokenizers import load_word_tokenizer

RATES = [0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.07, 0.09, 0.12]
BANDS = [(0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.75), (0.75, 0.8), (0.8, 0.85), (0.85, 0.9), (0.9, 0.95), (0.95, 1.01)]
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def read_shard(path):
    data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout.decode("utf-8")
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def write_shard(path, docs):
    data = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs).encode("utf-8")
    subprocess.run(["zstd", "-q", "-f", "-o", path], input=data, check=True)


TOKENIZER = load_word_tokenizer("en")


def shingles(text):
    words = TOKENIZER.word_tokenize(simplify_text(text))
    return {xxhash.xxh64_intdigest(" ".join(g)) for g in ngrams(words, 5)}


def jaccard(a, b):
    return len(a & b) / len(a | b) if a or b else 1.0


def edited(text, rate, vocabulary, rng):
    words = text.split(" ")
    for i in range(len(words)):
        if rng.random() < rate:
            words[i] = rng.choice(vocabulary)
    return " ".join(words)


def make_corpus(args, out):
    rng = random.Random(7)
    pages = []
    for path in sorted(glob.glob(os.path.join(args.corpus, "*.jsonl.zst"))):
        pages += [d for d in read_shard(path) if d["id"].endswith("#crawl-0") and len(d["text"].split()) >= 200]
    rng.shuffle(pages)
    pages = pages[:args.base]
    vocabulary = sorted({w for p in pages[:200] for w in p["text"].split() if w.isalpha() and len(w) > 3})
    shards = [[] for _ in range(4)]
    for i, page in enumerate(pages):
        shards[i % 4].append({"id": f"base-{i}", "text": page["text"]})
    planted = []
    for rate in RATES:
        for k in range(args.copies):
            i = rng.randrange(len(pages))
            copy_id = f"copy-{rate}-{k}-of-{i}"
            shards[(i % 4 + 1 + k % 3) % 4].append({"id": copy_id, "text": edited(pages[i]["text"], rate, vocabulary, rng)})
            planted.append((f"base-{i}", copy_id))
    os.makedirs(out, exist_ok=True)
    for s, docs in enumerate(shards):
        rng.shuffle(docs)
        write_shard(os.path.join(out, f"part-{s}.jsonl.zst"), docs)
    texts = {d["id"]: d["text"] for docs in shards for d in docs}
    return texts, planted


def winnow_clusters(args, shards, work):
    pipeline = os.path.join(work, "winnow.yaml")
    with open(pipeline, "w") as f:
        f.write(f"name: crosscheck-minhash\nworkdir: {work}/winnow\ninput: [{shards}/*.jsonl.zst]\nworkers: 2\n"
                "steps:\n  - id: dedup\n    stage: dedup\n    from: input\n    method: minhash\n    mode: tag\n")
    subprocess.run([args.winnow, "run", pipeline], check=True, stdout=subprocess.DEVNULL)
    clusters = {}
    for path in glob.glob(f"{work}/winnow/dedup/output/*.jsonl.zst"):
        for d in read_shard(path):
            cluster = d.get("metadata", {}).get("minhash_cluster_id")
            if cluster is not None:
                clusters.setdefault(cluster, set()).add(d["id"])
    return {frozenset(c) for c in clusters.values()}


def datatrove_clusters(shards, work):
    script = os.path.join(REPO, "Scripts/bench/dt-minhash.py")
    for stage in ["signatures", "buckets", "cluster"]:
        subprocess.run([sys.executable, script, stage, "--input", shards, "--work", f"{work}/datatrove", "--tasks", "4"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ids = [[d["id"] for d in read_shard(p)] for p in sorted(glob.glob(os.path.join(shards, "*.jsonl.zst")))]
    clusters = {}
    for rank in range(len(ids)):
        path = f"{work}/datatrove/remove_ids/{rank:06d}.clusters"
        if not os.path.exists(path):
            continue
        data = open(path, "rb").read()
        for k in range(0, len(data), 8):
            doc, cluster = int.from_bytes(data[k:k + 4], "little"), int.from_bytes(data[k + 4:k + 8], "little")
            clusters.setdefault(cluster, set()).add(ids[rank][doc])
    return {frozenset(c) for c in clusters.values()}


def curve(s, bands=14, rows=8):
    return 1 - (1 - s ** rows) ** bands


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--winnow", default=os.path.join(REPO, ".build/release/winnow"))
    parser.add_argument("--corpus", default=os.path.join(os.environ.get("WINNOW_BENCH_DIR", "/tmp/winnow-bench"), "corpus"))
    parser.add_argument("--base", type=int, default=1200)
    parser.add_argument("--copies", type=int, default=60)
    parser.add_argument("--work", default="/tmp/winnow-crosscheck-minhash")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    shards = os.path.join(args.work, "shards")
    texts, planted = make_corpus(args, shards)
    print(f"corpus: {len(texts)} documents ({args.base} pages, {len(planted)} planted copies) in 4 shards", file=sys.stderr)

    ours = winnow_clusters(args, shards, args.work)
    theirs = datatrove_clusters(shards, args.work)
    cluster_of = {doc: c for c in ours for doc in c}

    sets = {}
    def shingle_set(doc):
        if doc not in sets:
            sets[doc] = shingles(texts[doc])
        return sets[doc]

    print("| similarity (5-gram Jaccard) | planted pairs | found | recall | S-curve 14×8 |")
    print("| --- | ---: | ---: | ---: | ---: |")
    shortfall = False
    for low, high in BANDS:
        pairs = [(a, b, jaccard(shingle_set(a), shingle_set(b))) for a, b in planted]
        pairs = [(a, b, j) for a, b, j in pairs if low <= j < high]
        if not pairs:
            continue
        found = sum(1 for a, b, _ in pairs if a in cluster_of and cluster_of[a] is cluster_of.get(b))
        expected = sum(curve(j) for _, _, j in pairs) / len(pairs)
        n = len(pairs)
        # Three standard deviations of a binomial count below the curve's expectation.
        if found < n * expected - 3 * math.sqrt(n * expected * (1 - expected)) - 1:
            shortfall = True
        print(f"| {low:.2f}–{min(high, 1):.2f} | {n} | {found} | {found / n:.3f} | {expected:.3f} |")

    # Every other clustered pair: each member against its cluster's first document.
    planted_pairs = {frozenset(p) for p in planted}
    others = []
    for cluster in ours:
        members = sorted(cluster)
        for doc in members[1:]:
            if frozenset((members[0], doc)) not in planted_pairs:
                others.append(jaccard(shingle_set(members[0]), shingle_set(doc)))
    low = sum(1 for j in others if j < 0.5)
    print(f"\nother clustered pairs (member vs the cluster's first, not planted): {len(others)}; "
          f"true similarity < 0.5: {low} ({low / max(1, len(others)):.1%}); median {sorted(others)[len(others) // 2] if others else 0:.2f}")

    same = ours == theirs
    print(f"\nclusters: Winnow {len(ours)}, datatrove {len(theirs)}, identical: {len(ours & theirs)}; "
          f"documents clustered: Winnow {sum(map(len, ours))}, datatrove {sum(map(len, theirs))} — "
          f"{'the same clusters' if same else 'DIFFERENT clusters'}")
    if not same:
        for c in sorted(ours ^ theirs, key=len, reverse=True)[:5]:
            print(f"  {'only Winnow' if c in ours else 'only datatrove'}: {sorted(c)[:6]}{' …' if len(c) > 6 else ''}")
    sys.exit(0 if same and not shortfall else 1)


if __name__ == "__main__":
    main()
