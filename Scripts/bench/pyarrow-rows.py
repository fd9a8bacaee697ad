#!/usr/bin/env python3
"""The pyarrow contender of Scripts/bench/parquet.sh: every row of every file as a Python dict.

    python Scripts/bench/pyarrow-rows.py FILE.parquet ...

pq.ParquetFile(f).iter_batches() then batch.to_pylist(), the usual way Python code walks a
Parquet file's rows (datatrove's ParquetReader does the same). Nothing is written: it is the
read half only, which Winnow's figure also pays, plus the writing. Prints rows and text bytes.
"""
import sys

import pyarrow.parquet as pq

rows = 0
text_bytes = 0
for path in sys.argv[1:]:
    for batch in pq.ParquetFile(path).iter_batches():
        for row in batch.to_pylist():
            rows += 1
            text_bytes += len(row["text"])
print(f"{rows} rows, {text_bytes} characters of text")
