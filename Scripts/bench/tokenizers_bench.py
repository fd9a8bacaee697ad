#!/usr/bin/env python3
"""Driver of Scripts/bench/tokenizers.sh (run that; it sets up the peers venv and the corpus). Not named
tokenizers.py: its folder is on sys.path and would shadow the tokenizers package."""
import argparse
import datetime
import glob
import json
import os
import pathlib
import platform
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Scripts/fixtures"))
from tokenizers_pretok import HF_PATTERNS, PATTERNS  # noqa: E402
from benchutil import record  # noqa: E402

HF_TRAIN = r'''
import json, subprocess, sys
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
shards, pattern, regex, vocab = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
def texts():
    for shard in shards:
        p = subprocess.Popen(["zstd", "-q", "-dc", shard], stdout=subprocess.PIPE, bufsize=1 << 20)
        for line in p.stdout:
            if line.strip():
                yield json.loads(line)["text"]
        p.wait()
tok = Tokenizer(models.BPE())
if pattern == "gpt2":
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
else:
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(regex), behavior="isolated", invert=False),
                                                 pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
trainer = trainers.BpeTrainer(vocab_size=vocab, special_tokens=["<|endoftext|>"],
                              initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
tok.train_from_iterator(texts(), trainer)
tok.save(sys.argv[5])
'''


def timed(cmd, env=None):
    """Wall seconds and peak RSS (MB) of cmd, by GNU time."""
    out = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M", *cmd], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd[:4])}…\n{out.stderr[-2000:]}")
    line = [l for l in out.stderr.splitlines() if l.startswith("TIME ")][-1].split()
    return float(line[1]), int(line[2]) / 1024


def load_texts(shards):
    texts = []
    for shard in shards:
        raw = subprocess.run(["zstd", "-q", "-dc", shard], check=True, capture_output=True).stdout
        texts += [json.loads(l)["text"] for l in raw.decode("utf-8").splitlines() if l.strip()]
    return texts


def best_rate(fn, nbytes, reps):
    best = 0.0
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = max(best, nbytes / 1e6 / (time.perf_counter() - t0))
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--winnow", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--vocab-size", type=int, default=32000)
    ap.add_argument("--pattern", default="llama3")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--parts", default="bpe,spm,unigram",
                    help="bpe (training and byte-level BPE encoding), spm (.model encoding), unigram (unigram training)")
    ap.add_argument("--unigram-vocab-size", type=int, default=8000)
    ap.add_argument("--spm-train-mb", type=float, default=10)
    ap.add_argument("--published", help="folder of published files (part 'published'): qwen.tokenizer.json, qwen.tiktoken, "
                    "llama3.2.tokenizer.json, llama3.2.tokenizer.model, deepseek-v4.tokenizer.json (Scripts/crosscheck/published.py)")
    ap.add_argument("--published-mb", type=float, default=20, help="text for the published files' encoding (MB)")
    args = ap.parse_args()
    parts = set(args.parts.split(","))
    os.makedirs(args.scratch, exist_ok=True)
    shards = sorted(glob.glob(os.path.join(args.corpus, "*.jsonl.zst")))
    texts = load_texts(shards)
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    cores = os.cpu_count()
    print(f"corpus: {len(texts)} documents, {nbytes / 1e6:.1f} MB of text, {len(shards)} shards; {cores} cores", file=sys.stderr)

    rows = []
    if "bpe" in parts:
        rows += bpe_rows(args, shards, texts, nbytes, cores)
    if "spm" in parts:
        rows += spm_rows(args, shards, texts, nbytes, cores)
    if "unigram" in parts:
        rows += unigram_rows(args, texts, cores)
    if "published" in parts:
        rows += published_rows(args, shards, texts)

    from importlib.metadata import version
    print(f"Measured {datetime.date.today()} on {platform.machine()} ({cores} cores), {nbytes / 1e6:.1f} MB of text "
          f"({len(texts)} documents), best of {args.reps}; tokenizers {version('tokenizers')}, "
          f"tiktoken {version('tiktoken')}, sentencepiece {version('sentencepiece')}")
    print()
    print("| measure | Winnow | peer | peer's figure | Winnow advantage |")
    print("|---|---:|---|---:|---:|")
    for name, ours, peer, theirs, ratio in rows:
        if f"{cores} thread" not in name:  # all.sh's one table keeps the one-thread encoding figures
            record(name, ours, peer, theirs, ratio=ratio)
        print(f"| {name} | {ours:.1f} | {peer} | {theirs:.1f} | {ratio:.2f}x |")


def winnow_rate(args, tokenizer, shards, threads):
    """Winnow's encoding MB/s (corpus in memory), best of --reps."""
    best = 0.0
    for _ in range(args.reps):
        out = subprocess.run([args.winnow, "tokenizer", "evaluate", tokenizer, "--input", *shards, "--threads",
                              str(threads), "--no-fertility", "--json"], check=True, capture_output=True, text=True)
        best = max(best, json.loads(out.stdout)["megabytes_per_second"])
    return best


def spm_rows(args, shards, texts, nbytes, cores):
    """sentencepiece .model files (unigram with its default nmt_nfkc rules; BPE with byte fallback),
    trained by sentencepiece on the first --spm-train-mb MB of the corpus's lines: Winnow's
    encoding vs sentencepiece's `encode`, one thread and all cores."""
    import sentencepiece as spm
    train, size = os.path.join(args.scratch, "spm-train.txt"), 0
    with open(train, "w", encoding="utf-8") as out:
        for line in (line for text in texts for line in text.split("\n") if line.strip()):
            if size >= args.spm_train_mb * 1e6:
                break
            out.write(line + "\n")
            size += len(line.encode("utf-8"))
    rows = []
    for kind, options in [("unigram", {}), ("bpe", {"byte_fallback": True})]:
        prefix = os.path.join(args.scratch, f"spm-{kind}")
        spm.SentencePieceTrainer.train(input=train, model_prefix=prefix, model_type=kind, vocab_size=args.vocab_size,
                                       num_threads=cores, minloglevel=2, **options)
        sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
        ours1, oursN = winnow_rate(args, prefix + ".model", shards, 1), winnow_rate(args, prefix + ".model", shards, cores)
        theirs1 = best_rate(lambda: [sp.encode(t) for t in texts], nbytes, args.reps)
        theirsN = best_rate(lambda: sp.encode(texts, num_threads=cores), nbytes, args.reps)
        print(f"sentencepiece {kind} {args.vocab_size}: winnow {ours1:.1f} / {oursN:.1f} MB/s, "
              f"sentencepiece {theirs1:.1f} / {theirsN:.1f} MB/s", file=sys.stderr)
        rows.append((f"sentencepiece {kind} .model encode MB/s, 1 thread", ours1, "sentencepiece", theirs1, ours1 / theirs1))
        rows.append((f"sentencepiece {kind} .model encode MB/s, {cores} threads", oursN, "sentencepiece", theirsN, oursN / theirsN))
    return rows


HF_UNIGRAM = r'''
import sys
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
tok = Tokenizer(models.Unigram())
tok.normalizer = normalizers.NFKC()
tok.pre_tokenizer = pre_tokenizers.Metaspace()
trainer = trainers.UnigramTrainer(vocab_size=int(sys.argv[2]), special_tokens=["<unk>", "<s>", "</s>"], unk_token="<unk>",
                                  show_progress=False)
tok.train([sys.argv[1]], trainer)
tok.save(sys.argv[3])
'''

SPM_UNIGRAM = r'''
import sys
import sentencepiece as spm
spm.SentencePieceTrainer.train(input=sys.argv[1], model_prefix=sys.argv[3], vocab_size=int(sys.argv[2]),
                               num_threads=int(sys.argv[4]), minloglevel=2)
'''


def unigram_rows(args, texts, cores):
    """Unigram training on every line of the corpus (one sentence a line, sentencepiece's input):
    Winnow vs sentencepiece (the same algorithm and defaults) vs HF tokenizers' UnigramTrainer
    (NFKC + Metaspace, its own defaults): wall seconds and peak RSS, best of --reps; then the
    encoding speed of the two unigram models (Winnow's .model in Winnow vs sentencepiece's in
    sentencepiece, whole documents in memory)."""
    import sentencepiece as spm
    lines = os.path.join(args.scratch, "unigram-lines.txt")
    with open(lines, "w", encoding="utf-8") as out:
        out.writelines(line + "\n" for text in texts for line in text.split("\n") if line.strip())
    size = os.path.getsize(lines)
    vocab = str(args.unigram_vocab_size)
    ours_dir = os.path.join(args.scratch, "unigram-winnow")
    os.makedirs(ours_dir, exist_ok=True)
    ours, theirs, hf = [], [], []
    for rep in range(args.reps):
        ours.append(timed([args.winnow, "tokenizer", "train", "--algorithm", "unigram", "--vocab-size", vocab, "--input", lines,
                           "--output", os.path.join(ours_dir, "tokenizer.json")]))
        theirs.append(timed([sys.executable, "-c", SPM_UNIGRAM, lines, vocab, os.path.join(args.scratch, "unigram-spm"), str(cores)]))
        hf.append(timed([sys.executable, "-c", HF_UNIGRAM, lines, vocab, os.path.join(args.scratch, "unigram-hf.json")]))
        print(f"unigram training rep {rep + 1}: winnow {ours[-1]}, sentencepiece {theirs[-1]}, HF {hf[-1]}", file=sys.stderr)
    rows = []
    t_ours, m_ours = min(r[0] for r in ours), min(r[1] for r in ours)
    label = f"unigram training, vocab {vocab}, {size / 1e6:.0f} MB of lines"
    for name, runs in [("sentencepiece", theirs), ("HF tokenizers", hf)]:
        t, m = min(r[0] for r in runs), min(r[1] for r in runs)
        rows.append((f"{label}, wall s (lower is better)", t_ours, name, t, t / t_ours))
        rows.append(("unigram training, peak RSS MB (lower is better)", m_ours, name, m, m / m_ours))
    ours_model, spm_model = os.path.join(ours_dir, "tokenizer.model"), os.path.join(args.scratch, "unigram-spm.model")
    shards = sorted(glob.glob(os.path.join(args.corpus, "*.jsonl.zst")))
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    sp = spm.SentencePieceProcessor(model_file=spm_model)
    for threads in [1, cores]:
        mine = winnow_rate(args, ours_model, shards, threads)
        peer = best_rate((lambda: [sp.encode(t) for t in texts]) if threads == 1 else (lambda: sp.encode(texts, num_threads=cores)),
                         nbytes, args.reps)
        rows.append((f"unigram encode MB/s (each its own trained model), {threads} thread(s)", mine, "sentencepiece", peer, mine / peer))
    return rows


def bpe_rows(args, shards, texts, nbytes, cores):
    """Byte-level BPE: training against HF tokenizers, encoding against tiktoken and HF."""
    ours_json = os.path.join(args.scratch, "winnow.json")
    ours_tk = os.path.join(args.scratch, "winnow.tiktoken")
    hf_json = os.path.join(args.scratch, "hf.json")
    train_ours, train_hf = [], []
    for rep in range(args.reps):
        train_ours.append(timed([args.winnow, "tokenizer", "train", "--vocab-size", str(args.vocab_size),
                                 "--pre-tokenizer", args.pattern, "--special-tokens", "<|endoftext|>",
                                 "--input", *shards, "--output", ours_json, "--tiktoken", ours_tk]))
        train_hf.append(timed([sys.executable, "-c", HF_TRAIN, json.dumps(shards), args.pattern,
                               HF_PATTERNS[args.pattern], str(args.vocab_size), hf_json]))
        print(f"training rep {rep + 1}: winnow {train_ours[-1]}, HF {train_hf[-1]}", file=sys.stderr)
    same = json.load(open(ours_json))["model"]["merges"] == json.load(open(hf_json))["model"]["merges"]
    print(f"merges identical to HF's: {same}", file=sys.stderr)

    import tiktoken
    import tiktoken.load
    from tokenizers import Tokenizer

    enc = tiktoken.Encoding(name="bench", pat_str=PATTERNS[args.pattern],
                            mergeable_ranks=tiktoken.load.load_tiktoken_bpe(ours_tk),
                            special_tokens={"<|endoftext|>": 0})
    hf = Tokenizer.from_file(ours_json)
    rows = []
    ours1 = winnow_rate(args, ours_json, shards, 1)
    tk1 = best_rate(lambda: [enc.encode_ordinary(t) for t in texts], nbytes, args.reps)
    hf1 = best_rate(lambda: [hf.encode(t, add_special_tokens=False) for t in texts], nbytes, args.reps)
    oursN = winnow_rate(args, ours_json, shards, cores)
    tkN = best_rate(lambda: enc.encode_ordinary_batch(texts, num_threads=cores), nbytes, args.reps)
    hfN = best_rate(lambda: hf.encode_batch(texts, add_special_tokens=False), nbytes, args.reps)

    t_ours, m_ours = min(r[0] for r in train_ours), min(r[1] for r in train_ours)
    t_hf, m_hf = min(r[0] for r in train_hf), min(r[1] for r in train_hf)
    rows.append((f"BPE training, vocab {args.vocab_size}, wall s (lower is better)", t_ours, "HF tokenizers", t_hf, t_hf / t_ours))
    rows.append(("BPE training, peak RSS MB (lower is better)", m_ours, "HF tokenizers", m_hf, m_hf / m_ours))
    rows.append(("byte-level BPE encode MB/s, 1 thread", ours1, "tiktoken", tk1, ours1 / tk1))
    rows.append(("byte-level BPE encode MB/s, 1 thread", ours1, "HF tokenizers", hf1, ours1 / hf1))
    rows.append((f"byte-level BPE encode MB/s, {cores} threads", oursN, "tiktoken", tkN, oursN / tkN))
    rows.append((f"byte-level BPE encode MB/s, {cores} threads", oursN, "HF tokenizers", hfN, oursN / hfN))
    print(f"BPE: pattern {args.pattern}; merges identical to HF: {same}", file=sys.stderr)
    return rows


def published_rows(args, shards, texts):
    """Encoding with published files on one thread, the first --published-mb MB of text: Winnow
    (the tokenizer.json) against HF tokenizers (the same file) and tiktoken (Qwen's and Meta's own
    .tiktoken files with their patterns; for DeepSeek, whose pre-tokenizer is a sequence of three
    splits no single regex expresses, its vocabulary with the last, word-level split only)."""
    import tiktoken
    import tiktoken.load
    from tokenizers import Tokenizer
    budget = int(args.published_mb * 1_000_000)
    chosen, size = [], 0
    for text in texts:
        if size >= budget:
            break
        chosen.append(text)
        size += len(text.encode("utf-8"))
    folder = pathlib.Path(args.published)
    rows = []
    for name, json_file, tiktoken_of in [
        ("Qwen 2.5", "qwen.tokenizer.json", lambda: (tiktoken.load.load_tiktoken_bpe(str(folder / "qwen.tiktoken")), PATTERNS["qwen2"])),
        ("Llama 3.2", "llama3.2.tokenizer.json",
         lambda: (tiktoken.load.load_tiktoken_bpe(str(folder / "llama3.2.tokenizer.model")), PATTERNS["llama3"])),
        ("DeepSeek V4", "deepseek-v4.tokenizer.json", lambda: deepseek_ranks(folder / "deepseek-v4.tokenizer.json")),
    ]:
        ours = 0.0
        for _ in range(args.reps):
            out = subprocess.run([args.winnow, "tokenizer", "evaluate", str(folder / json_file), "--input", *shards, "--threads", "1",
                                  "--byte-budget", str(budget), "--no-fertility", "--json"], check=True, capture_output=True, text=True)
            ours = max(ours, json.loads(out.stdout)["megabytes_per_second"])
        hf = Tokenizer.from_file(str(folder / json_file))
        hf1 = best_rate(lambda: [hf.encode(t, add_special_tokens=False) for t in chosen], size, args.reps)
        ranks, pattern = tiktoken_of()
        enc = tiktoken.Encoding(name=name, pat_str=pattern, mergeable_ranks=ranks, special_tokens={})
        tk1 = best_rate(lambda: [enc.encode_ordinary(t) for t in chosen], size, args.reps)
        print(f"{name}: Winnow {ours:.1f} MB/s, tiktoken {tk1:.1f}, HF {hf1:.1f}", file=sys.stderr, flush=True)
        rows.append((f"{name} tokenizer.json encode MB/s, 1 thread", ours, "tiktoken", tk1, ours / tk1))
        rows.append((f"{name} tokenizer.json encode MB/s, 1 thread", ours, "HF tokenizers", hf1, ours / hf1))
    return rows


def deepseek_ranks(path):
    """DeepSeek's vocabulary as tiktoken ranks (ids), and its word-level split regex."""
    spec = json.load(open(path, encoding="utf-8"))
    table = {}
    n = 0
    for b in range(256):  # GPT-2's byte alphabet
        if 33 <= b <= 126 or 161 <= b <= 172 or 174 <= b <= 255:
            table[chr(b)] = b
        else:
            table[chr(256 + n)] = b
            n += 1
    # Entries outside the byte alphabet are its special tokens, which ordinary encoding never makes.
    ranks = {bytes(table[c] for c in token): rank for token, rank in spec["model"]["vocab"].items() if all(c in table for c in token)}
    return ranks, spec["pre_tokenizer"]["pretokenizers"][2]["pattern"]["Regex"]


if __name__ == "__main__":
    main()
