#!/usr/bin/env python3
"""Make Samples/broken/: real sample documents turned into bad input.

Reads the uncompressed shards written by extract.py and writes, into
--out-dir:

  bad-lines.jsonl      20 lines, 13 valid documents and 7 bad lines at the
                       line numbers in BAD_LINES below
  truncated.jsonl.zst  50 documents, zstd -19, cut after 60% of its bytes
  corrupt.jsonl.gz     50 documents, gzip, 100 bytes at 40% overwritten
  good.jsonl.gz        30 documents, a valid gzip file
  README.md            what each file is, generated from the constants here
                       so the documented line numbers can never drift

Everything is deterministic: documents are picked by a hash of their id,
gzip is written with mtime=0 and no file name, the garbage bytes come from
SHA-256, and zstd is run with fixed options.

Usage: make_broken.py --web-dir STAGED_WEB_DIR --out-dir DIR
"""

import argparse
import glob
import gzip
import hashlib
import json
import os
import subprocess
import sys
import textwrap
import zlib

# Documents used here are short ones (at most this many characters of
# text) so that the broken files stay small and readable.
MAX_TEXT_CHARS = 4000

TRUNCATED_DOCS = 50
TRUNCATED_KEEP_PERCENT = 60     # keep the first 60% of the zstd bytes
CORRUPT_DOCS = 50
CORRUPT_AT_PERCENT = 40         # overwrite bytes starting at 40% of the file
CORRUPT_LENGTH = 100            # how many bytes to overwrite
GOOD_GZIP_DOCS = 30

# Same options as the shards in make-samples.sh.
ZSTD = ["zstd", "-19", "-T1", "-q", "--no-progress", "-c"]

# bad-lines.jsonl: 1-based line number -> (kind, description).  All other
# lines of the 20 are valid documents.
BAD_LINES_TOTAL = 20
BAD_LINES = {
    3: ("truncated-json", "not JSON: the first half of a document's JSON object, cut off mid-string (no closing quote or brace)"),
    6: ("not-an-object", "valid JSON that is not an object: an array `[id, text]` of a real document"),
    8: ("missing-text", "a JSON object with `id` and `metadata` but no `text` key"),
    11: ("text-not-string", "a JSON object whose `text` is a number (the original text's length in characters)"),
    13: ("invalid-utf8", "the raw bytes 0xFF 0xFE inserted in the middle of the `text` string; the line is otherwise a valid document, but it is not valid UTF-8"),
    16: ("lone-surrogate", "valid UTF-8 and valid JSON syntax, but `text` contains the escape `\\ud800`, an unpaired surrogate that is not a Unicode scalar value"),
    18: ("empty-line", "an empty line: zero bytes before its `\\n`"),
}
# Stands in for the bytes that cannot go through json.dumps (invalid UTF-8,
# lone surrogate escape); replaced in the encoded line.
PLACEHOLDER = "@@WINNOW-PLACEHOLDER@@"


def read_docs(web_dir):
    """All documents of the staged shards, in shard order, as (doc, line)."""
    docs = []
    for path in sorted(glob.glob(os.path.join(web_dir, "part-*.jsonl"))):
        with open(path, "rb") as f:
            for line in f:
                docs.append((json.loads(line), line))
    return docs


def jsonl_line(obj):
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")


def garbage(n, seed=b"winnow corrupt.jsonl.gz"):
    """n deterministic pseudo-random bytes (a SHA-256 chain)."""
    out, block = b"", seed
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out += block
    return out[:n]


def with_placeholder(doc, replacement):
    """The JSONL line of doc with `replacement` bytes inside its text."""
    text = doc["text"]
    middle = len(text) // 2
    bad = dict(doc, text=text[:middle] + PLACEHOLDER + text[middle:])
    line = jsonl_line(bad)
    marker = json.dumps(PLACEHOLDER, ensure_ascii=False)[1:-1].encode("utf-8")
    assert line.count(marker) == 1
    return line.replace(marker, replacement)


def make_bad_line(kind, doc, line):
    if kind == "truncated-json":
        # Cut on a character boundary so the line stays valid UTF-8.
        chars = line.decode("utf-8")
        cut = len(chars) // 2
        # The README promises a cut inside the text string.
        assert chars.index('"text": "') + 9 < cut < chars.index('", "metadata": {')
        return chars[:cut].encode("utf-8") + b"\n"
    if kind == "not-an-object":
        return jsonl_line([doc["id"], doc["text"]])
    if kind == "missing-text":
        return jsonl_line({k: v for k, v in doc.items() if k != "text"})
    if kind == "text-not-string":
        return jsonl_line(dict(doc, text=len(doc["text"])))
    if kind == "invalid-utf8":
        return with_placeholder(doc, b"\xff\xfe")
    if kind == "lone-surrogate":
        return with_placeholder(doc, b"\\ud800")
    if kind == "empty-line":
        return b"\n"
    raise ValueError(kind)


def classify(raw):
    """What a strict reader makes of one line (without its newline)."""
    if raw == b"":
        return "empty-line"
    try:
        s = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid-utf8"
    try:
        obj = json.loads(s)
    except json.JSONDecodeError:
        return "truncated-json"
    if not isinstance(obj, dict):
        return "not-an-object"
    if "text" not in obj:
        return "missing-text"
    if not isinstance(obj["text"], str):
        return "text-not-string"
    try:
        obj["text"].encode("utf-8")   # fails on a lone surrogate
    except UnicodeEncodeError:
        return "lone-surrogate"
    return "valid"


def gzip_bytes(data):
    # mtime=0 and no file name in the header: same bytes on every run.
    return gzip.compress(data, compresslevel=9, mtime=0)


def zstd_bytes(data):
    return subprocess.run(ZSTD, input=data, stdout=subprocess.PIPE, check=True).stdout


def zstd_partial(data):
    """What `zstd -dc` outputs for a damaged file before it fails."""
    proc = subprocess.run(["zstd", "-dc", "-q"], input=data, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL)
    assert proc.returncode != 0, "truncated.jsonl.zst decompresses without error"
    return proc.stdout


def gzip_partial(data):
    """What zlib outputs for a damaged gzip file before it fails, and the error."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = []
    try:
        for i in range(0, len(data), 4096):
            out.append(d.decompress(data[i:i + 4096]))
        out.append(d.flush())
    except zlib.error as e:
        return b"".join(out), str(e)
    sys.exit("make_broken.py: corrupt.jsonl.gz still decompresses")


def leading_docs(data):
    """How many complete, valid documents `data` starts with, and their bytes."""
    count = size = 0
    for raw in data.split(b"\n")[:-1]:
        if classify(raw) != "valid":
            break
        count += 1
        size += len(raw) + 1
    return count, size


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def readme(pool_ids, facts):
    rows = []
    for n in range(1, BAD_LINES_TOTAL + 1):
        if n in BAD_LINES:
            kind, what = BAD_LINES[n]
            rows.append(f"| {n} | **bad: {kind}** | {what} |")
        else:
            rows.append(f"| {n} | valid | `{pool_ids[n]}` |")
    bad_list = ", ".join(str(n) for n in sorted(BAD_LINES))
    line_of = {kind: n for n, (kind, _) in BAD_LINES.items()}

    truncated = textwrap.fill(
        f"{TRUNCATED_DOCS} valid documents compressed with `zstd -19`, then cut after "
        f"the first {TRUNCATED_KEEP_PERCENT}% of the bytes. `zstd -t` fails on it "
        f"(\"premature end\"). `zstd -dc` outputs {facts['trunc_bytes']} bytes before "
        f"failing: the first {facts['trunc_docs']} documents complete, then part of "
        "the next one. A reader should hand out the complete documents it decoded "
        "and then report the error, not hang or report success.", 76)

    corrupt = (
        f"{CORRUPT_DOCS} valid documents compressed with gzip, then {CORRUPT_LENGTH} bytes "
        f"starting at {CORRUPT_AT_PERCENT}% of the file overwritten with pseudo-random "
        "garbage. `gzip -t` fails on it. ")
    if "incorrect data check" in facts["corrupt_error"]:
        corrupt += (
            "The garbage still decodes as deflate data, so the damage is only "
            "noticed at the end of the stream, by the CRC check: zlib outputs the "
            f"first {facts['corrupt_docs']} documents intact, then about "
            f"{facts['corrupt_garbled'] // 1000} KB of garbled bytes that are not valid "
            f"documents, and only then fails with \"{facts['corrupt_error']}\".")
    else:
        corrupt += (
            f"zlib outputs the first {facts['corrupt_docs']} documents intact, then "
            f"about {facts['corrupt_garbled'] // 1000} KB of garbled bytes, and fails "
            f"with \"{facts['corrupt_error']}\".")
    corrupt = textwrap.fill(
        corrupt + " A reader must report that error even though it already "
        "produced output.", 76)

    return f"""# Broken sample input

Generated by `Scripts/make-samples.sh` (see `Scripts/samples/make_broken.py`;
edit that, not this file). Every file is made from real documents of
`Samples/web/`, damaged on purpose, so readers can be tested on bad input.

## bad-lines.jsonl

{BAD_LINES_TOTAL} lines, each ending in `\\n`. Lines {bad_list} are bad
({len(BAD_LINES)} lines); the other {BAD_LINES_TOTAL - len(BAD_LINES)} are valid documents.
Line numbers are 1-based.

| line | kind | content |
| ---: | --- | --- |
{chr(10).join(rows)}

Notes for tests:

- Line {line_of["invalid-utf8"]} is valid JSON once decoded leniently (the two bytes become
  U+FFFD); a strict UTF-8 reader rejects it.
- Line {line_of["lone-surrogate"]} parses with many JSON libraries (JSON's grammar allows any
  `\\uXXXX`), but the text cannot be represented as valid Unicode; a
  reader should reject it or replace the surrogate, never pass it on.
- Line {line_of["empty-line"]} is blank; whether a blank line counts as an error or is skipped
  is up to the reader, but it must not crash or shift line numbers.

## truncated.jsonl.zst

{truncated}

## corrupt.jsonl.gz

{corrupt}

## good.jsonl.gz

{GOOD_GZIP_DOCS} valid documents in a valid gzip file (written with mtime 0 and no
file name, so it is byte-identical on every run).

## big-doc.jsonl (not committed)

A single document of about 200 MB is too large for the repository, so it is
not here: tests that need it generate it themselves, in a temporary
directory (e.g. one JSON object whose `text` is 200 MB of repeated real
sample text), and delete it afterwards.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--web-dir", required=True)
    ap.add_argument("--out-dir", required=True)
    args = ap.parse_args()

    # The pool: short documents, in a deterministic order that mixes
    # languages and sources (sorted by the SHA-256 of the id).
    pool = [(d, l) for d, l in read_docs(args.web_dir) if len(d["text"]) <= MAX_TEXT_CHARS]
    pool.sort(key=lambda dl: hashlib.sha256(dl[0]["id"].encode("utf-8")).hexdigest())
    valid_count = BAD_LINES_TOTAL - len(BAD_LINES)
    needed = TRUNCATED_DOCS + CORRUPT_DOCS + GOOD_GZIP_DOCS + valid_count + len(BAD_LINES)
    if len(pool) < needed:
        sys.exit(f"make_broken.py: need {needed} short documents, found {len(pool)}")
    take = iter(pool)
    truncated_docs = [next(take) for _ in range(TRUNCATED_DOCS)]
    corrupt_docs = [next(take) for _ in range(CORRUPT_DOCS)]
    good_docs = [next(take) for _ in range(GOOD_GZIP_DOCS)]
    os.makedirs(args.out_dir, exist_ok=True)

    # bad-lines.jsonl
    lines, pool_ids = [], {}
    for n in range(1, BAD_LINES_TOTAL + 1):
        doc, line = next(take)
        if n in BAD_LINES:
            lines.append(make_bad_line(BAD_LINES[n][0], doc, line))
        else:
            lines.append(line)
            pool_ids[n] = doc["id"]
    data = b"".join(lines)
    # Check that each line is exactly what README.md says it is.
    raw_lines = data.split(b"\n")
    assert raw_lines[-1] == b"" and len(raw_lines) == BAD_LINES_TOTAL + 1
    for n, raw in enumerate(raw_lines[:-1], start=1):
        expected = BAD_LINES[n][0] if n in BAD_LINES else "valid"
        got = classify(raw)
        assert got == expected, f"bad-lines.jsonl line {n}: {got}, expected {expected}"
    write(os.path.join(args.out_dir, "bad-lines.jsonl"), data)

    # truncated.jsonl.zst
    compressed = zstd_bytes(b"".join(l for _, l in truncated_docs))
    cut = len(compressed) * TRUNCATED_KEEP_PERCENT // 100
    write(os.path.join(args.out_dir, "truncated.jsonl.zst"), compressed[:cut])
    partial = zstd_partial(compressed[:cut])
    facts = {"trunc_bytes": len(partial), "trunc_docs": leading_docs(partial)[0]}

    # corrupt.jsonl.gz
    compressed = bytearray(gzip_bytes(b"".join(l for _, l in corrupt_docs)))
    start = len(compressed) * CORRUPT_AT_PERCENT // 100
    compressed[start:start + CORRUPT_LENGTH] = garbage(CORRUPT_LENGTH)
    compressed = bytes(compressed)
    partial, error = gzip_partial(compressed)
    docs, size = leading_docs(partial)
    facts.update(corrupt_docs=docs, corrupt_garbled=len(partial) - size, corrupt_error=error)
    write(os.path.join(args.out_dir, "corrupt.jsonl.gz"), compressed)

    # good.jsonl.gz
    plain = b"".join(l for _, l in good_docs)
    compressed = gzip_bytes(plain)
    assert gzip.decompress(compressed) == plain
    write(os.path.join(args.out_dir, "good.jsonl.gz"), compressed)

    with open(os.path.join(args.out_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write(readme(pool_ids, facts))

    print(f"bad-lines.jsonl: bad lines at {sorted(BAD_LINES)} of {BAD_LINES_TOTAL}")


if __name__ == "__main__":
    main()
