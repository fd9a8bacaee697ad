#!/usr/bin/env python3
"""Compares `winnow inspect --rows FILE` with what pyarrow reads from FILE, for every file given.

Each row is compared as a JSON object under Winnow's type mapping (docs/formats/parquet.md):
pyarrow's values are put in that form here (dates, times and timestamps as ISO 8601 text with the
unit's digits, decimals as exact numbers, binary as UTF-8 text or base64, maps as objects,
UUIDs as text), then both sides are parsed with exact decimals and compared value by value.

    python3 Scripts/crosscheck/parquet.py [--winnow .build/release/winnow] FILE.parquet ...

Exit status 1 if any file differs. Needs pyarrow (pip install pyarrow).
"""
import argparse
import base64
import datetime
import decimal
import json
import math
import subprocess
import sys
import uuid

import pyarrow as pa
import pyarrow.parquet as pq

PER_SECOND = {"ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
DIGITS = {"ms": 3, "us": 6, "ns": 9}


def clock(value, unit):
    seconds, fraction = divmod(value, PER_SECOND[unit])
    text = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return text + (f".{fraction:0{DIGITS[unit]}d}" if fraction else "")


def date_text(days):
    return (datetime.date(1970, 1, 1) + datetime.timedelta(days=days)).isoformat()


def timestamp_text(value, unit, utc):
    days, rest = divmod(value, PER_SECOND[unit] * 86400)
    return date_text(days) + "T" + clock(rest, unit) + ("Z" if utc else "")


def binary_text(raw):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(raw).decode("ascii")


def column(arr):
    """The JSON values of an Arrow array, one per row, under Winnow's mapping."""
    t = arr.type
    if isinstance(arr, pa.ChunkedArray):
        return [v for chunk in arr.chunks for v in column(chunk)]
    if pa.types.is_dictionary(t):
        return column(arr.dictionary_decode())
    if isinstance(t, pa.BaseExtensionType):
        if t.extension_name == "arrow.uuid":
            return [None if v is None else str(uuid.UUID(bytes=v)) for v in arr.storage.to_pylist()]
        return column(arr.storage)
    if pa.types.is_timestamp(t):
        return [None if v is None else timestamp_text(v, t.unit, t.tz is not None) for v in arr.cast(pa.int64()).to_pylist()]
    if pa.types.is_time(t):
        width = pa.int32() if pa.types.is_time32(t) else pa.int64()
        return [None if v is None else clock(v, t.unit) for v in arr.cast(width).to_pylist()]
    if pa.types.is_date32(t):
        return [None if v is None else date_text(v) for v in arr.cast(pa.int32()).to_pylist()]
    if pa.types.is_date64(t):
        return [None if v is None else date_text(v // 86_400_000) for v in arr.cast(pa.int64()).to_pylist()]
    if pa.types.is_float16(t):
        return column(arr.cast(pa.float32()))
    if pa.types.is_decimal(t):
        return [None if v is None else Raw(format(v, "f")) for v in arr.to_pylist()]
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return [None if v is None else binary_text(v) for v in arr.to_pylist()]
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return [column(arr[i].values) if arr[i].is_valid else None for i in range(len(arr))]
    if pa.types.is_map(t):
        out = []
        for i in range(len(arr)):
            if not arr[i].is_valid:
                out.append(None)
                continue
            entries = arr[i].values
            keys = column(entries.field(0))
            values = column(entries.field(1))
            out.append({key_text(k): v for k, v in zip(keys, values)})
        return out
    if pa.types.is_struct(t):
        fields = [(t.field(k).name, column(arr.field(k))) for k in range(t.num_fields)]
        return [{name: values[i] for name, values in fields} if arr[i].is_valid else None for i in range(len(arr))]
    return arr.to_pylist()


def key_text(key):
    if isinstance(key, str):
        return key
    return dumps(key)


class Raw(str):
    """A number literal written as is (exact decimals)."""


def dumps(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, (int, float, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + dumps(v) for k, v in value.items()) + "}"
    raise TypeError(f"no JSON form for {type(value)}")


def expected_rows(path):
    """Each row of the file as pyarrow reads it, as a JSON line under Winnow's mapping."""
    table = pq.read_table(path)
    columns = [(name, column(table.column(name))) for name in table.column_names]
    return [dumps({name: values[i] for name, values in columns}) for i in range(table.num_rows)]


def parse(line):
    return json.loads(line, parse_float=decimal.Decimal, parse_constant=lambda c: float(c))


def same(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, decimal.Decimal, float)) and isinstance(b, (int, decimal.Decimal, float)):
        return decimal.Decimal(a) == decimal.Decimal(b)
    return a == b


def compare(path, winnow):
    run = subprocess.run([winnow, "inspect", "--rows", path], capture_output=True, text=True)
    if run.returncode != 0:
        return [f"winnow failed: {run.stderr.strip()}"]
    ours = [line for line in run.stdout.splitlines() if line]
    theirs = expected_rows(path)
    problems = []
    if len(ours) != len(theirs):
        problems.append(f"{len(ours)} rows from winnow, {len(theirs)} from pyarrow")
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if not same(parse(a), parse(b)):
            problems.append(f"row {i}:\n  winnow  {a[:400]}\n  pyarrow {b[:400]}")
            if len(problems) > 5:
                break
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--winnow", default=".build/release/winnow")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    failed = 0
    for path in args.files:
        problems = compare(path, args.winnow)
        if problems:
            failed += 1
            print(f"DIFFERS {path}")
            for p in problems:
                print("  " + p)
        else:
            print(f"same    {path} ({pq.ParquetFile(path).metadata.num_rows} rows)")
    print(f"{len(args.files) - failed} of {len(args.files)} files read the same as pyarrow")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
