"""The schema rule of Winnow's Parquet output (docs/pipelines.md, "Output format"), written from
the docs in Python: the row a document becomes, for the scripts that check the writer."""


def fits(value, kind):
    """Whether a JSON value goes to a declared column of `kind` (else it stays in metadata)."""
    if value is None:
        return False
    if kind == "string":
        return isinstance(value, str)
    if kind == "int64":
        return isinstance(value, int) and not isinstance(value, bool) and -2**63 <= value < 2**63
    if kind == "double":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    return True  # json


def expected_row(doc, columns):
    """The row of a document (a dict as json.loads reads it) under declared `columns` (key -> type):
    declared columns take fitting values; the rest, with top-level fields besides id/text/metadata,
    stays in `metadata` (None when empty). JSON columns are compared as parsed values."""
    meta = dict(doc.get("metadata") or {})
    for key, value in doc.items():
        if key not in ("id", "text", "metadata") and key not in meta:
            meta[key] = value
    row = {"text": doc["text"], "id": doc["id"]}
    for key, kind in columns.items():
        value = meta.get(key)
        if fits(value, kind):
            row[key] = float(value) if kind == "double" else value
            del meta[key]
        else:
            row[key] = None
    row["metadata"] = meta or None
    return row
