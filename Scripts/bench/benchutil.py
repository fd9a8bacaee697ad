#!/usr/bin/env python3
"""Helpers for Scripts/bench/io.sh (stdlib only; uses orjson when the interpreter has it).

  benchutil.py run --json OUT --log LOG -- CMD [ARG...]
      Run CMD and write {"wall_s","user_s","sys_s","cpu_s","rc","orphans"} to OUT. CPU time is
      getrusage(RUSAGE_CHILDREN) around the run, i.e. user+sys of CMD and of every descendant.
      A descendant is only counted once it has been reaped (waited for), and one whose parent exits
      without waiting is reparented to init and lost. So this process makes itself a child
      subreaper (prctl PR_SET_CHILD_SUBREAPER): orphans come to us and we reap them before
      reading the counters. (Matters for datatrove: multiprocess's forkserver and Manager.)
      Exit status: CMD's.

  benchutil.py digest FILE.jsonl.zst ...
      Decompress (zstd CLI), parse every line, print {"docs","bytes","digest"}: the digest is an
      order-independent sum of sha256(id, text) over all documents, so a pass-through's output
      must give the input's digest whatever its sharding and line order, but a program that
      drops, duplicates or alters documents does not.

  benchutil.py report --results TSV --bytes N --docs N [--corpus-note TEXT] [--versions TEXT]
      Print the markdown report (stdout).

  benchutil.py summary FILE
      Print the one-table summary of the figures the benchmarks recorded in FILE (see record():
      each benchmark appends its headline figures there when WINNOW_BENCH_SUMMARY names it), with
      the date and the machine. Scripts/bench/all.sh runs every benchmark and then this.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import time

try:
    import orjson

    loads = orjson.loads
except ImportError:  # stdlib fallback: slower, same result
    loads = json.loads

PR_SET_CHILD_SUBREAPER = 36


def cmd_run(args) -> int:
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if not cmd:
        sys.exit("benchutil run: no command")
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        subreaper = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except OSError:
        subreaper = False
    if not subreaper:
        print("benchutil run: warning: could not become a child subreaper; CPU time of orphaned "
              "descendants will be missed", file=sys.stderr)

    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(args.log, "ab") as log:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        rc = proc.wait()
        wall = time.monotonic() - t0
    # Reap orphans (they are ours now). Bounded, so a stray daemon cannot hang the benchmark; what
    # we fail to reap is reported, not silently dropped.
    orphans, deadline = 0, time.monotonic() + args.orphan_timeout
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break  # none left
        if pid:
            orphans += 1
        elif time.monotonic() > deadline:
            print(f"benchutil run: warning: descendants still running after {args.orphan_timeout}s; "
                  "their CPU time is not counted", file=sys.stderr)
            break
        else:
            time.sleep(0.02)
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    user, sys_ = ru1.ru_utime - ru0.ru_utime, ru1.ru_stime - ru0.ru_stime
    res = {"wall_s": round(wall, 4), "user_s": round(user, 4), "sys_s": round(sys_, 4),
           "cpu_s": round(user + sys_, 4), "rc": rc, "orphans": orphans}
    with open(args.json, "w") as f:
        json.dump(res, f)
    return rc


def cmd_digest(args) -> int:
    docs = nbytes = 0
    acc = 0
    bad = 0
    for path in args.files:
        p = subprocess.Popen(["zstd", "-q", "-dc", "--", path], stdout=subprocess.PIPE, bufsize=1 << 20)
        for line in p.stdout:
            nbytes += len(line)
            if not line.strip():
                continue
            docs += 1
            try:
                d = loads(line)
                key = f"{d['id']}\0{d['text']}".encode("utf-8", "surrogatepass")
            except Exception:
                bad += 1
                continue
            acc = (acc + int.from_bytes(hashlib.sha256(key).digest()[:16], "little")) % (1 << 128)
        if p.wait() != 0:
            sys.exit(f"benchutil digest: zstd -dc {path} failed")
    print(json.dumps({"docs": docs, "bytes": nbytes, "digest": f"{acc:032x}", "unparsable": bad}))
    return 0


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def record(work: str, ours: float, peer: str, theirs: float, higher_is_better: bool = True,
           ratio: float | None = None) -> None:
    """Append one headline figure (Winnow's and the peer's, measured in the same run) to the file
    WINNOW_BENCH_SUMMARY names, for all.sh's table; does nothing when it is unset, so every
    benchmark still runs alone. The ratio is Winnow's advantage: above 1 means Winnow is better."""
    path = os.environ.get("WINNOW_BENCH_SUMMARY")
    if not path:
        return
    if ratio is None:
        ratio = ours / theirs if higher_is_better else theirs / ours
    with open(path, "a") as f:
        f.write(json.dumps({"work": work, "ours": ours, "peer": peer, "theirs": theirs, "ratio": ratio}) + "\n")


def figure(x: float) -> str:
    """A figure with three significant digits, thousands separated."""
    if x >= 1e6:
        return f"{x / 1e6:.3g}M"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def cmd_summary(args) -> int:
    rows = [json.loads(line) for line in open(args.file) if line.strip()]
    print(f"Measured {datetime.date.today().isoformat()} on {cpu_model()}, nproc {len(os.sched_getaffinity(0))}, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; "
          "ratio = Winnow's advantage (above 1: Winnow is faster or smaller).")
    print()
    print("| work | Winnow | peer | peer's figure | ratio |")
    print("|---|---:|---|---:|---:|")
    for r in rows:
        print(f"| {r['work']} | {figure(r['ours'])} | {r['peer']} | {figure(r['theirs'])} | {r['ratio']:.1f}x |")
    return 0


def cmd_report(args) -> int:
    rows = []
    with open(args.results) as f:
        for line in f:
            if line.strip():
                key, label, workers, rep, wall, cpu, zst = line.rstrip("\n").split("\t")
                rows.append((key, label, int(workers), int(rep), float(wall), float(cpu), int(zst)))
    mb = args.bytes / 1e6
    # Best of the repetitions: least CPU for the per-core figure, least wall time for the wall figure
    # (on a shared machine the slow outliers are interference, not the program).
    best = {}
    for key, label, w, _rep, wall, cpu, zst in rows:
        b = best.setdefault((key, w), {"label": label, "cpu": cpu, "wall": wall, "zst": zst, "n": 0})
        b["cpu"], b["wall"], b["n"] = min(b["cpu"], cpu), min(b["wall"], wall), b["n"] + 1
    order = {"winnow": 0, "datatrove": 1, "datatrove-shipped": 2, "zstd-floor": 3}
    print(f"I/O benchmark: read → parse → write of a pass-through step ({datetime.date.today().isoformat()}, "
          f"nproc {len(os.sched_getaffinity(0))}, {cpu_model()})")
    print()
    print(f"Input: {args.corpus_note}")
    if args.versions:
        print(f"Versions: {args.versions}")
    print("MB = 10^6 bytes of uncompressed JSONL input. Per core = MB / (user+sys CPU s of all processes); "
          f"wall = MB / elapsed s; best of {max(b['n'] for b in best.values())} runs. "
          "Ratio = per-core MB/s ÷ datatrove's (zstd -3) at the same workers.")
    print()
    print("| contender | workers | MB/s per core | wall MB/s | vs datatrove | CPU s | wall s | output .zst MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for (key, w), b in sorted(best.items(), key=lambda kv: (kv[0][1], order.get(kv[0][0], 9), kv[0][0])):
        per_core = mb / b["cpu"] if b["cpu"] > 0 else float("inf")
        dt = best.get(("datatrove", w))
        ratio = f"{(dt['cpu'] / b['cpu']):.2f}×" if dt and b["cpu"] > 0 else "–"
        print(f"| {b['label']} | {w} | {per_core:,.1f} | {mb / b['wall']:,.1f} | {ratio} | "
              f"{b['cpu']:.2f} | {b['wall']:.2f} | {b['zst'] / 1e6:.1f} |")
    w = min(w for _, w in best)
    if ("winnow", w) in best and ("datatrove", w) in best:
        ours, dt = best[("winnow", w)], best[("datatrove", w)]
        record("read → parse → write shards, MB/s per core", mb / ours["cpu"], dt["label"], mb / dt["cpu"])
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="sub", required=True)
    r = sub.add_parser("run")
    r.add_argument("--json", required=True)
    r.add_argument("--log", required=True)
    r.add_argument("--orphan-timeout", type=float, default=30.0)
    r.add_argument("cmd", nargs=argparse.REMAINDER)
    d = sub.add_parser("digest")
    d.add_argument("files", nargs="+")
    p = sub.add_parser("report")
    p.add_argument("--results", required=True)
    p.add_argument("--bytes", type=int, required=True)
    p.add_argument("--docs", type=int, required=True)
    p.add_argument("--corpus-note", default="")
    p.add_argument("--versions", default="")
    s = sub.add_parser("summary")
    s.add_argument("file")
    args = ap.parse_args()
    return {"run": cmd_run, "digest": cmd_digest, "report": cmd_report, "summary": cmd_summary}[args.sub](args)


if __name__ == "__main__":
    sys.exit(main())
