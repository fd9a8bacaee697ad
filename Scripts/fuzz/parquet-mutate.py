#!/usr/bin/env python3
"""Mutation fuzzing of Winnow's Parquet reader through the real CLI.

Takes real Parquet files (default: the pyarrow fixtures), damages copies of them N times in the
ways files get damaged (bit flips, overwritten bytes, runs of 0x00/0xFF, truncation, a range
duplicated or cut, small integers and extreme varints written over the footer and page headers),
and runs `winnow inspect --rows` and `winnow inspect` on each. A run that ends by a signal is a
crash, one that takes longer than --timeout a hang; an exit status (0: the damage did not
matter, else an error message) is fine. Crashing inputs are kept in --keep for a regression test.

    python3 Scripts/fuzz/parquet-mutate.py [--winnow .build/release/winnow] [--count 2000] [--seed 1] [FILE ...]

Exit status 1 if anything crashed or hung.
"""
import argparse
import pathlib
import random
import shutil
import subprocess
import sys
import tempfile

FIXTURES = pathlib.Path(__file__).resolve().parent.parent.parent / "Tests/WinnowCoreTests/Fixtures/parquet"


def varint(value):
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    footer_len = int.from_bytes(b[-8:-4], "little") if len(b) > 12 else 0
    footer_start = max(4, len(b) - 8 - footer_len)
    for _ in range(rng.choice([1, 1, 1, 2, 3, 8])):
        kind = rng.randrange(8)
        # Half of the damage goes to the footer, where the structure is.
        lo = footer_start if rng.random() < 0.5 and footer_start < len(b) - 8 else 0
        at = rng.randrange(lo, max(lo + 1, len(b)))
        if not b:
            break
        at = min(at, len(b) - 1)
        if kind == 0:
            b[at] ^= 1 << rng.randrange(8)
        elif kind == 1:
            b[at] = rng.randrange(256)
        elif kind == 2:
            n = rng.randrange(1, 64)
            b[at:at + n] = bytes([rng.choice([0, 0xFF])]) * len(b[at:at + n])
        elif kind == 3:
            del b[rng.randrange(len(b)):]
        elif kind == 4:
            n = rng.randrange(1, 256)
            b[at:at] = b[at:at + n]
        elif kind == 5:
            n = rng.randrange(1, 256)
            del b[at:at + n]
        elif kind == 6:
            v = varint(rng.choice([0, 1, 2, 127, 128, 2**31 - 1, 2**32, 2**62, 2**63 - 1, 2**64 - 1]))
            b[at:at + len(v)] = v
        else:
            b[at:at + 4] = rng.choice([0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 0x80000000]).to_bytes(4, "little")
    return bytes(b)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--winnow", default=".build/release/winnow")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=20)
    parser.add_argument("--keep", default="/tmp/winnow-parquet-fuzz-crashes")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    seeds = [pathlib.Path(f) for f in args.files] or sorted(FIXTURES.glob("*.parquet"))
    rng = random.Random(args.seed)
    keep = pathlib.Path(args.keep)
    counts = {"ok": 0, "error": 0, "crash": 0, "hang": 0}
    with tempfile.TemporaryDirectory() as scratch:
        for i in range(args.count):
            seed = rng.choice(seeds)
            data = mutate(seed.read_bytes(), rng)
            path = pathlib.Path(scratch) / f"m{i}.parquet"
            path.write_bytes(data)
            outcome = "ok"
            for command in ([args.winnow, "inspect", "--rows", str(path)], [args.winnow, "inspect", str(path)]):
                try:
                    run = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=args.timeout)
                except subprocess.TimeoutExpired:
                    outcome = "hang"
                    break
                if run.returncode < 0:
                    outcome = "crash"
                    print(f"CRASH {seed.name} mutation {i}: status {run.returncode}: {run.stderr.decode(errors='replace')[-300:]}", file=sys.stderr)
                    break
                if run.returncode != 0:
                    outcome = "error"
            counts[outcome] += 1
            if outcome in ("crash", "hang"):
                keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, keep / f"{outcome}-{i}-{seed.name}")
            path.unlink()
            if (i + 1) % 200 == 0:
                print(f"{i + 1} inputs: {counts}", file=sys.stderr)
    print(f"{args.count} mutated inputs from {len(seeds)} files: {counts['ok']} read, {counts['error']} refused with an error, "
          f"{counts['crash']} crashes, {counts['hang']} hangs")
    sys.exit(1 if counts["crash"] or counts["hang"] else 0)


if __name__ == "__main__":
    main()
