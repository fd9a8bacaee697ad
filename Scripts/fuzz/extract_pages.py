#!/usr/bin/env python3
"""Fuzzes `winnow extract` and the WARC reader with mutated real pages: 0 crashes and 0 hangs
is the bar.

Makes N mutated HTML pages from Debian handbook pages (bytes overwritten, cut short, unclosed
and misnested tags, 10,000-deep nesting, NUL bytes, 50 MB of one tag, a <meta charset> that
lies) and N mutated WARC files (the sample WARC with bytes overwritten, cut, Content-Length
lies, gzip members damaged), then runs `winnow extract` on each page and `winnow inspect` on
each WARC, one process each. A process killed by a signal is a crash; one over --timeout
seconds is a hang. Prints the counts and the slowest page; exit status 1 on any crash or hang.

    python3 Scripts/fuzz/extract_pages.py [--winnow .build/release/winnow] [-n 1000] [--seed 1]
"""
import argparse
import glob
import gzip
import os
import random
import subprocess
import sys
import tempfile
import time

HANDBOOK = "/usr/share/doc/debian-handbook/html"


def mutate_page(rng, page):
    kind = rng.randrange(8)
    data = bytearray(page)
    if kind == 0:
        for _ in range(rng.randrange(1, 50)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 1:
        data = data[:rng.randrange(len(data))]
    elif kind == 2:
        at = rng.randrange(len(data))
        data[at:at] = b"".join(rng.choice([b"<div>", b"<p>", b"<table><tr><td>", b"<b><i>", b"</div>", b"<li>", b"<!--"])
                               for _ in range(rng.randrange(1, 200)))
    elif kind == 3:
        at = rng.randrange(len(data))
        data[at:at] = b"<div>" * 10_000 + b"deep" + b"</div>" * rng.choice([0, 10_000])
    elif kind == 4:
        for _ in range(rng.randrange(1, 100)):
            data[rng.randrange(len(data))] = 0
    elif kind == 5:
        at = rng.randrange(len(data))
        data[at:at] = b"<p>" + b"x" * (50 << 20)
    elif kind == 6:
        data = bytearray(data.replace(b"charset=UTF-8", rng.choice([b"charset=shift_jis", b"charset=utf-16",
                                                                     b"charset=nonsense", b"charset=koi8-r"])))
    else:
        data[rng.randrange(len(data)):] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))
    return bytes(data)


def mutate_warc(rng, raw_members):
    members = list(raw_members)
    for _ in range(rng.randrange(1, 4)):
        i = rng.randrange(len(members))
        m = bytearray(members[i])
        kind = rng.randrange(4)
        if kind == 0:
            for _ in range(rng.randrange(1, 20)):
                m[rng.randrange(len(m))] = rng.randrange(256)
        elif kind == 1:
            m = m[:rng.randrange(len(m))]
        elif kind == 2:
            plain = bytearray(gzip.decompress(raw_members[i]))
            plain = plain.replace(b"Content-Length: ", b"Content-Length: " + str(rng.randrange(10)).encode(), 1)
            m = bytearray(gzip.compress(bytes(plain)))
        else:
            m = bytearray(rng.randbytes(rng.randrange(1, 500)))
        members[i] = bytes(m)
    return b"".join(members)


def gzip_members(path):
    data = open(path, "rb").read()
    starts = []
    d = data
    import zlib
    pos = 0
    while pos < len(d):
        o = zlib.decompressobj(31)
        o.decompress(d[pos:])
        end = len(d) - len(o.unused_data)
        starts.append(d[pos:end])
        pos = end
    return starts


def run(cmd, timeout):
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, time.perf_counter() - t0, p.stderr[-300:]
    except subprocess.TimeoutExpired:
        return None, timeout, b""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--winnow", default=".build/release/winnow")
    ap.add_argument("-n", type=int, default=1000, help="mutated pages, and as many mutated WARC files")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--warc", default="Samples/warc/debian.warc.gz")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pages = [open(p, "rb").read() for p in sorted(glob.glob(f"{HANDBOOK}/en-US/*.html"))[:40]]
    members = gzip_members(args.warc)[:30]
    crashes, hangs, slowest = [], [], (0, "")
    with tempfile.TemporaryDirectory() as work:
        for i in range(args.n):
            path = os.path.join(work, f"page{i}.html")
            open(path, "wb").write(mutate_page(rng, rng.choice(pages)))
            rc, seconds, err = run([args.winnow, "extract", path], args.timeout)
            if rc is None:
                hangs.append(path)
                os.rename(path, f"/tmp/winnow-fuzz-hang-{i}.html")
            elif rc not in (0, 1):
                crashes.append((path, rc, err))
                os.rename(path, f"/tmp/winnow-fuzz-crash-{i}.html")
            else:
                os.remove(path)
            slowest = max(slowest, (seconds, f"page {i}"))
        for i in range(args.n):
            path = os.path.join(work, f"w{i}.warc.gz")
            open(path, "wb").write(mutate_warc(rng, members))
            rc, seconds, err = run([args.winnow, "inspect", path], args.timeout)
            if rc is None:
                hangs.append(path)
                os.rename(path, f"/tmp/winnow-fuzz-hang-{i}.warc.gz")
            elif rc not in (0, 1, 2):
                crashes.append((path, rc, err))
                os.rename(path, f"/tmp/winnow-fuzz-crash-{i}.warc.gz")
            else:
                os.remove(path)
            slowest = max(slowest, (seconds, f"warc {i}"))
    print(f"{args.n} mutated pages, {args.n} mutated WARC files: {len(crashes)} crashes, {len(hangs)} hangs "
          f"(over {args.timeout:.0f} s); slowest {slowest[1]} in {slowest[0]:.2f} s (process included)")
    for path, rc, err in crashes[:10]:
        print(f"  crash {path}: exit {rc}: {err.decode(errors='replace')}")
    sys.exit(1 if crashes or hangs else 0)


if __name__ == "__main__":
    main()
