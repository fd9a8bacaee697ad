#!/usr/bin/env python3
"""Build the I/O-benchmark corpus: >= 100 MB of uncompressed JSONL of real text, as .jsonl.zst shards.

    Scripts/bench/make-corpus.py [--out DIR] [--target-mb 120] [--shards 8] [--force]

Default DIR: ${WINNOW_BENCH_DIR:-/tmp/winnow-bench}/corpus. The last line on stdout is DIR.

Why real text: a synthetic generator produces text whose byte statistics (escapes, UTF-8 length,
line lengths) are whatever the generator happens to do; parsers and compressors behave differently on
it. The only sizeable real text reachable from this machine is documentation shipped in Debian
packages, so we use:
  - debian-handbook   /usr/share/doc/debian-handbook/html/<locale>/*.html  (26 languages)
  - debian-reference  /usr/share/debian-reference/*.<lang>.html           (12 languages)
  (apt-get install -y debian-handbook debian-reference-{common,de,en,es,fr,id,it,ja,pt,pt-br,zh-cn,zh-tw})

That is roughly 40 MB of visible text, so to reach the target the whole set is emitted several times as
separate "crawls" with distinct ids (`...#crawl-K`). So that the crawls are not byte-identical copies,
crawl 0 keeps each page as one document and crawl K>=1 cuts each page's paragraphs into documents of
a size drawn from a log-normal distribution seeded by K (median about 3 KB, like web pages after
extraction). Documents are dealt round-robin over the shards, so every shard mixes languages and
sizes and the shards are about the same size.

Deterministic: same packages + same script + same arguments => byte-identical uncompressed shards
(the sha256 of each is in manifest.json). The directory holds a stamp; if it matches, nothing is
rebuilt. Only stdlib is used; compression goes through the zstd CLI (also needed by the benchmark).
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import html.parser
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

HANDBOOK_DIR = "/usr/share/doc/debian-handbook/html"
REFERENCE_DIR = "/usr/share/debian-reference"
APT_HINT = (
    "apt-get install -y debian-handbook debian-reference-common debian-reference-de debian-reference-en "
    "debian-reference-es debian-reference-fr debian-reference-id debian-reference-it debian-reference-ja "
    "debian-reference-pt debian-reference-pt-br debian-reference-zh-cn debian-reference-zh-tw"
)
ZSTD_LEVEL = 3  # the level the benchmark's zstd floor also writes at

# Tags whose content is not visible text.
SKIP_TAGS = {"script", "style", "head", "noscript", "template", "svg"}
# Tags that start/end a block: a line break in the extracted text.
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "html", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
}
# Void elements never get an end tag, so they must not be pushed on the skip stack.
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
WS = re.compile(r"[ \t\r\n\f\v\u00a0]+")


class VisibleText(html.parser.HTMLParser):
    """Collects visible text as a list of non-empty lines (one per block)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._cur: list[str] = []
        self._skip = 0  # depth inside SKIP_TAGS
        self._pre = 0  # depth inside <pre>: keep its line structure

    def _flush(self) -> None:
        if self._cur:
            text = "".join(self._cur)
            self._cur = []
            if self._pre:
                self.lines.extend(l.rstrip() for l in text.split("\n") if l.strip())
            else:
                text = WS.sub(" ", text).strip()
                if text:
                    self.lines.append(text)

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_TAGS:
            self._skip += 1
        elif tag in BLOCK_TAGS:
            self._flush()
            if tag == "pre":
                self._pre += 1

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in BLOCK_TAGS and tag not in VOID_TAGS:
            self._flush()
            if tag == "pre":
                self._pre = max(0, self._pre - 1)

    def handle_data(self, data):
        if not self._skip:
            self._cur.append(data)

    def close(self):
        super().close()
        self._flush()


def extract_lines(path: str) -> list[str]:
    with open(path, "rb") as f:
        raw = f.read()
    p = VisibleText()
    p.feed(raw.decode("utf-8", errors="replace"))
    p.close()
    return p.lines


def sources() -> list[dict]:
    """Every page, in a fixed order: (source, language, url, path)."""
    pages = []
    for path in sorted(glob.glob(os.path.join(HANDBOOK_DIR, "*", "*.html"))):
        locale = os.path.basename(os.path.dirname(path))  # e.g. en-US, zh-TW
        name = os.path.basename(path)
        pages.append({
            "source": "debian-handbook",
            "language": locale.split("-")[0].lower(),
            "url": f"https://debian-handbook.info/browse/{locale}/stable/{name}",
            "key": f"debian-handbook/{locale}/{name}",
            "path": path,
        })
    for path in sorted(glob.glob(os.path.join(REFERENCE_DIR, "*.*.html"))):
        name = os.path.basename(path)  # e.g. ch01.pt-br.html
        lang = name.split(".")[-2]
        pages.append({
            "source": "debian-reference",
            "language": lang.split("-")[0].lower(),
            "url": f"https://www.debian.org/doc/manuals/debian-reference/{name}",
            "key": f"debian-reference/{name}",
            "path": path,
        })
    return pages


def package_versions() -> dict:
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Package}\t${Version}\n", "debian-handbook", "debian-reference-*"],
            capture_output=True, text=True, check=False,
        ).stdout
    except FileNotFoundError:
        return {}
    return dict(l.split("\t", 1) for l in sorted(out.splitlines()) if "\t" in l and l.split("\t", 1)[1])


def chunks(lines: list[str], rng: random.Random | None):
    """Crawl 0 (rng None): the whole page. Else: greedy runs of lines up to a log-normal target size."""
    if rng is None:
        yield lines
        return
    cur: list[str] = []
    size = 0
    target = 0
    for line in lines:
        if not cur:
            # median e^8 ~ 3 KB; sigma 1 gives a long tail of big pages and many short ones.
            target = min(200_000, max(200, int(rng.lognormvariate(8.0, 1.0))))
        cur.append(line)
        size += len(line) + 1
        if size >= target:
            yield cur
            cur, size = [], 0
    if cur:
        yield cur


class ShardWriters:
    """One `zstd` process per shard, fed through a pipe; hashes and counts the uncompressed bytes."""

    def __init__(self, outdir: str, n: int) -> None:
        self.paths = [os.path.join(outdir, f"shard-{i:05d}.jsonl.zst") for i in range(n)]
        # -T1: one compression thread per process, so 8 shards don't oversubscribe 2 cores badly.
        self.procs = [
            subprocess.Popen(["zstd", "-q", f"-{ZSTD_LEVEL}", "-T1", "-f", "-o", p], stdin=subprocess.PIPE)
            for p in self.paths
        ]
        self.bufs: list[list[bytes]] = [[] for _ in range(n)]
        self.buf_size = [0] * n
        self.sha = [hashlib.sha256() for _ in range(n)]
        self.docs = [0] * n
        self.bytes = [0] * n

    def write(self, i: int, line: bytes) -> None:
        self.bufs[i].append(line)
        self.buf_size[i] += len(line)
        self.docs[i] += 1
        self.bytes[i] += len(line)
        if self.buf_size[i] >= 1 << 20:
            self._drain(i)

    def _drain(self, i: int) -> None:
        data = b"".join(self.bufs[i])
        self.bufs[i], self.buf_size[i] = [], 0
        self.sha[i].update(data)
        self.procs[i].stdin.write(data)

    def close(self) -> None:
        for i, p in enumerate(self.procs):
            self._drain(i)
            p.stdin.close()
        for p in self.procs:
            if p.wait() != 0:
                raise SystemExit(f"make-corpus: zstd exited with {p.returncode}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    bench_dir = os.environ.get("WINNOW_BENCH_DIR", "/tmp/winnow-bench")
    ap.add_argument("--out", default=os.path.join(bench_dir, "corpus"))
    ap.add_argument("--target-mb", type=float, default=120.0,
                    help="minimum uncompressed JSONL size in MB (10^6 bytes); whole crawls are added until reached")
    ap.add_argument("--shards", type=int, default=8)
    ap.add_argument("--force", action="store_true", help="rebuild even if the stamp matches")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    target = int(args.target_mb * 1e6)

    if shutil.which("zstd") is None:
        sys.exit("make-corpus: the zstd CLI is missing (apt-get install -y zstd)")
    pages = sources()
    if not any(p["source"] == "debian-handbook" for p in pages):
        sys.exit(f"make-corpus: no text sources found under {HANDBOOK_DIR}; install them with:\n  {APT_HINT}")

    with open(os.path.abspath(__file__), "rb") as f:
        script_sha = hashlib.sha256(f.read()).hexdigest()
    # Anything that changes the bytes of the corpus goes in the stamp.
    stamp = {
        "script_sha256": script_sha,
        "target_bytes": target,
        "shards": args.shards,
        "packages": package_versions(),
        "pages": len(pages),
    }
    stamp_path = os.path.join(out, "stamp.json")
    manifest_path = os.path.join(out, "manifest.json")
    if not args.force and os.path.exists(stamp_path) and os.path.exists(manifest_path):
        with open(stamp_path) as f:
            if json.load(f) == stamp:
                with open(manifest_path) as f:
                    m = json.load(f)
                print(f"make-corpus: {out} is up to date ({m['docs']} docs, {m['bytes'] / 1e6:.1f} MB)",
                      file=sys.stderr)
                print(out)
                return 0

    t0 = time.monotonic()
    # Extract each page once; the crawls only re-cut the same lines.
    texts = []
    for p in pages:
        lines = extract_lines(p["path"])
        if lines:
            texts.append((p, lines))
    one_crawl = sum(len(l) + 1 for _, lines in texts for l in lines)
    print(f"make-corpus: {len(texts)} pages, {one_crawl / 1e6:.1f} MB of visible text "
          f"({time.monotonic() - t0:.1f} s)", file=sys.stderr)

    # Build next to the final directory, then swap, so an interrupted run never leaves a half corpus
    # that looks complete.
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = f"{out}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    w = ShardWriters(tmp, args.shards)
    total = 0
    n = 0
    crawl = 0
    per_crawl = []
    while total < target:
        rng = None if crawl == 0 else random.Random(f"winnow-io-bench crawl {crawl}")
        docs_before = n
        for p, lines in texts:
            for j, part in enumerate(chunks(lines, rng)):
                doc = {
                    "id": f"{p['key']}#{j}#crawl-{crawl}",
                    "text": "\n".join(part),
                    "metadata": {"url": p["url"], "language": p["language"], "source": p["source"]},
                }
                line = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
                w.write(n % args.shards, line)
                total += len(line)
                n += 1
        per_crawl.append(n - docs_before)
        print(f"make-corpus: crawl {crawl}: {n - docs_before} docs, total {total / 1e6:.1f} MB", file=sys.stderr)
        crawl += 1
    w.close()

    manifest = {
        "docs": n,
        "bytes": total,
        "crawls": crawl,
        "docs_per_crawl": per_crawl,
        "shards": [
            {"file": os.path.basename(pth), "docs": w.docs[i], "bytes": w.bytes[i],
             "sha256_uncompressed": w.sha[i].hexdigest(), "zst_bytes": os.path.getsize(pth)}
            for i, pth in enumerate(w.paths)
        ],
    }
    with open(os.path.join(tmp, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    with open(os.path.join(tmp, "stamp.json"), "w") as f:
        json.dump(stamp, f, indent=1)
    if os.path.exists(out):
        old = f"{out}.old-{os.getpid()}"
        os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old)
    else:
        os.rename(tmp, out)
    zst = sum(s["zst_bytes"] for s in manifest["shards"])
    print(f"make-corpus: wrote {n} docs, {total / 1e6:.1f} MB JSONL ({zst / 1e6:.1f} MB zstd) in {args.shards} shards "
          f"to {out} ({time.monotonic() - t0:.1f} s)", file=sys.stderr)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
