#!/usr/bin/env python3
"""Writes Parquet shards shaped like FineWeb's (columns text, id, dump, url, date, file_path,
language, language_score, token_count; snappy or zstd, pyarrow's defaults otherwise) from the
JSONL documents of Samples/web, repeated until the output reaches --mb megabytes of text.

    python3 Scripts/samples/fineweb_parquet.py --out Samples/parquet --shards 2 --take 140 --compression zstd
    python3 Scripts/samples/fineweb_parquet.py --out /tmp/fw --shards 4 --mb 120   (benchmark)

The committed sample is the first: the 140 documents of Samples/web/part-00000, two shards. Values other
than text, id, url and language are made up in FineWeb's form (dump CC-MAIN-2024-10, a WARC
file_path, token_count as whitespace words * 1.3); they are deterministic.
Needs pyarrow.
"""
import argparse
import hashlib
import json
import pathlib
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq


def documents():
    for shard in sorted(pathlib.Path("Samples/web").glob("*.jsonl.zst")):
        lines = subprocess.run(["zstd", "-dc", str(shard)], capture_output=True, check=True).stdout.splitlines()
        for line in lines:
            yield json.loads(line)


def row(doc, copy):
    meta = doc.get("metadata", {})
    digest = hashlib.sha256(f"{doc['id']}/{copy}".encode()).hexdigest()
    return {
        "text": doc["text"],
        "id": f"<urn:uuid:{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}>",
        "dump": "CC-MAIN-2024-10",
        "url": meta.get("url", ""),
        "date": f"2024-02-{int(digest[32:34], 16) % 28 + 1:02d}T{int(digest[34:36], 16) % 24:02d}:12:35Z",
        "file_path": f"s3://commoncrawl/crawl-data/CC-MAIN-2024-10/segments/1707947474533.12/warc/CC-MAIN-20240224112548-2024022414{int(digest[36:40], 16) % 1000:05d}.warc.gz",
        "language": meta.get("language", "en"),
        "language_score": round(0.65 + int(digest[40:44], 16) / 65535 * 0.35, 6),
        "token_count": int(len(doc["text"].split()) * 1.3),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--take", type=int, default=0, help="use only the first N documents once (0: all, repeated to --mb)")
    parser.add_argument("--mb", type=float, default=0, help="repeat the documents until this many MB of text")
    parser.add_argument("--compression", default="snappy")
    args = parser.parse_args()
    docs = list(documents())
    if args.take:
        docs = docs[:args.take]
    rows, size, copy = [], 0, 0
    while True:
        for doc in docs:
            rows.append(row(doc, copy))
            size += len(doc["text"].encode())
        copy += 1
        if size >= args.mb * 1e6:
            break
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    schema = pa.schema([("text", pa.string()), ("id", pa.string()), ("dump", pa.string()), ("url", pa.string()),
                        ("date", pa.string()), ("file_path", pa.string()), ("language", pa.string()),
                        ("language_score", pa.float64()), ("token_count", pa.int64())])
    per = (len(rows) + args.shards - 1) // args.shards
    for k in range(args.shards):
        part = rows[k * per:(k + 1) * per]
        table = pa.Table.from_pylist(part, schema=schema)
        pq.write_table(table, out / f"{k:03d}_00000.parquet", compression=args.compression, row_group_size=1000)
    print(f"wrote {args.shards} shards, {len(rows)} rows, {size / 1e6:.1f} MB of text, to {out}")


if __name__ == "__main__":
    main()
