#!/usr/bin/env python3
"""Cross-check Winnow's token shards with readers written from the published layouts (numpy only).

    .venv-peers/bin/python Scripts/crosscheck/shards.py --shard OUT/train_text_document.idx \
        --source DIR_OR_GLOB --tokenizer tokenizer.json [--tasks N] [--phase P]

--shard is a Megatron .idx/.bin, a datatrove .ds or a nanoGPT .bin (documents end at EOS)
written in `packing: documents` mode (one sequence per document) as one file (no
max_tokens_per_file). --source names the pack step's input shards (.jsonl.zst); documents are
taken in the order the pack step writes them: task r of N reads shards r, r+N, ... and the merge
appends tasks in rank order (N defaults to the number of shards, the pack step's default). With
--phase, only documents whose metadata.mix_phase is P are expected (one output file per phase).

Every document must decode (HF tokenizers, the peer) to its MeCo prefix (metadata.meco_prefix,
except in the cooldown phase) + text + the EOS token, in order, with the loss mask 0 exactly on
the prefix tokens. Exits non-zero at the first difference, naming the document.
"""
import argparse
import glob
import io
import json
import os
import sys

import numpy as np

MEGATRON_MAGIC = b"MMIDIDX\x00\x00"
MEGATRON_DTYPES = {1: np.uint8, 2: np.int8, 3: np.int16, 4: np.int32, 5: np.int64, 6: np.float64, 7: np.float32, 8: np.uint16}


def read_megatron(prefix):
    """(tokens, starts, lengths) from <prefix>.idx/.bin as Megatron's IndexedDataset reads them."""
    raw = open(prefix + ".idx", "rb").read()
    assert raw[:9] == MEGATRON_MAGIC, "bad magic"
    version = np.frombuffer(raw, np.uint64, 1, 9)[0]
    assert version == 1, f"version {version}"
    dtype = MEGATRON_DTYPES[raw[17]]
    seqs = int(np.frombuffer(raw, np.uint64, 1, 18)[0])
    docs = int(np.frombuffer(raw, np.uint64, 1, 26)[0])
    lengths = np.frombuffer(raw, np.int32, seqs, 34)
    pointers = np.frombuffer(raw, np.int64, seqs, 34 + 4 * seqs)
    doc_idx = np.frombuffer(raw, np.int64, docs, 34 + 12 * seqs)
    assert len(raw) in (34 + 12 * seqs + 8 * docs, 34 + 13 * seqs + 8 * docs), "index size"
    assert doc_idx[0] == 0 and doc_idx[-1] == seqs, "document indices"
    tokens = np.memmap(prefix + ".bin", dtype=dtype, mode="r")
    itemsize = np.dtype(dtype).itemsize
    expected = np.concatenate([[0], np.cumsum(lengths.astype(np.int64))[:-1]]) * itemsize
    assert np.array_equal(pointers, expected), "pointers are not the prefix sum of lengths"
    assert tokens.size == int(lengths.astype(np.int64).sum()), ".bin size disagrees with the index"
    starts = pointers // itemsize
    mask = np.memmap(prefix + ".loss", dtype=np.uint8, mode="r") if os.path.exists(prefix + ".loss") else None
    return tokens, starts, lengths.astype(np.int64), mask


def read_datatrove(prefix):
    """(tokens, starts, lengths) from <prefix>.ds/.ds.index as datatrove's DatatroveFileDataset reads them."""
    size = 2
    if os.path.exists(prefix + ".ds.metadata"):
        size = int(open(prefix + ".ds.metadata").readline().strip().rsplit("|", 1)[1])
    tokens = np.memmap(prefix + ".ds", dtype=np.uint16 if size == 2 else np.uint32, mode="r")
    ends = np.fromfile(prefix + ".ds.index", dtype="<u8").astype(np.int64)
    assert ends.size == 0 or ends[-1] == tokens.size, ".ds size disagrees with the index"
    starts = np.concatenate([[0], ends[:-1]])
    mask = np.memmap(prefix + ".ds.loss", dtype=np.uint8, mode="r") if os.path.exists(prefix + ".ds.loss") else None
    return tokens, starts, ends - starts, mask


def read_nanogpt(path, eos_id):
    """(tokens, starts, lengths) of a nanoGPT .bin (raw uint16, no header): documents end at EOS."""
    tokens = np.memmap(path, dtype=np.uint16, mode="r")
    ends = np.flatnonzero(np.asarray(tokens) == eos_id) + 1
    assert ends.size == 0 or ends[-1] == tokens.size, "the file does not end with EOS"
    starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
    mask = np.memmap(path[:-4] + ".loss", dtype=np.uint8, mode="r") if os.path.exists(path[:-4] + ".loss") else None
    return tokens, starts, (ends - starts).astype(np.int64), mask


def source_documents(pattern, tasks):
    import zstandard
    paths = sorted(glob.glob(os.path.join(pattern, "*.jsonl.zst")) if os.path.isdir(pattern) else glob.glob(pattern))
    tasks = tasks or len(paths)
    for rank in range(tasks):
        for path in paths[rank::tasks]:
            with open(path, "rb") as f:
                text = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(f), encoding="utf-8")
                for line in text:
                    if line.strip():
                        yield json.loads(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shard", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--tasks", type=int, default=0)
    ap.add_argument("--phase", default=None)
    ap.add_argument("--eos", default=None, help="EOS token text (default: <|endoftext|> or </s>)")
    args = ap.parse_args()

    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(args.tokenizer)
    vocab = tok.get_vocab()
    eos = args.eos or next(t for t in ("<|endoftext|>", "</s>", "<|end_of_text|>") if t in vocab)

    shard = args.shard
    if shard.endswith(".bin") and not os.path.exists(shard[:-4] + ".idx"):
        tokens, starts, lengths, mask = read_nanogpt(shard, vocab[eos])
    elif shard.endswith(".idx") or shard.endswith(".bin"):
        tokens, starts, lengths, mask = read_megatron(shard.rsplit(".", 1)[0])
    else:
        tokens, starts, lengths, mask = read_datatrove(shard[: -len(".ds")] if shard.endswith(".ds") else shard)

    n = 0
    for doc in source_documents(args.source, args.tasks):
        meta = doc.get("metadata") or {}
        if args.phase is not None and meta.get("mix_phase") != args.phase:
            continue
        prefix = meta.get("meco_prefix", "") if meta.get("mix_phase") != "cooldown" else ""
        if n >= len(starts):
            sys.exit(f"FAIL: the shard has {len(starts)} documents; the source has more (next: {doc.get('id')})")
        ids = tokens[starts[n]: starts[n] + lengths[n]].tolist()
        got = tok.decode(ids, skip_special_tokens=False)
        want = prefix + doc["text"] + eos
        if got != want:
            at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
            sys.exit(f"FAIL: document {n} ({doc.get('id')}) decodes differently at character {at}: "
                     f"{got[max(0, at - 20):at + 20]!r} vs {want[max(0, at - 20):at + 20]!r}")
        if mask is not None:
            m = np.asarray(mask[starts[n]: starts[n] + lengths[n]])
            masked = int((m == 0).sum())
            expect_masked = len(tok.encode(prefix, add_special_tokens=False).ids) if prefix else 0
            if masked != expect_masked or (masked and m[:masked].any()):
                sys.exit(f"FAIL: document {n} ({doc.get('id')}) has {masked} masked tokens, expected the {expect_masked} prefix tokens")
        n += 1
    if n != len(starts):
        sys.exit(f"FAIL: the shard has {len(starts)} documents, the source {n}")
    print(f"OK: {n} documents, {int(lengths.sum())} tokens in {shard} decode to their source text + {eos!r}, in order")


if __name__ == "__main__":
    main()
