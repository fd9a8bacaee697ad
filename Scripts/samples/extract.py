#!/usr/bin/env python3
"""Turn the HTML manuals shipped by Debian into web-like JSONL sample documents.

Sources (Debian 12 packages, installed by Scripts/make-samples.sh):
  * debian-handbook       /usr/share/doc/debian-handbook/html/<LL-CC>/<page>.html
  * debian-reference-*    /usr/share/debian-reference/<page>.<lang>.html

Every HTML page becomes one document, one JSON object per line:

  {"id": "<source>/<locale>/<page-stem>", "text": "...",
   "metadata": {"url": ..., "language": ..., "locale": ..., "source": ...}}

The id uses the locale (e.g. zh-CN, zh-TW), not the bare language code,
because two handbook translations share the language "zh" and the ids must
stay unique.

The text is the page's visible text (see TextExtractor).  The navigation
boilerplate in the page body ("Prev", "Next", "Download the ebook", tables of
contents) is kept on purpose: it makes the documents look like crawled web
pages, which is what the pipeline's filters are meant to clean.

Output is deterministic: files are read in sorted order, nothing else is
sorted or shuffled, and JSON is written with json.dumps(ensure_ascii=False),
so rerunning on the same package versions gives byte-identical files.

Only the Python standard library is used.

Usage:
  extract.py --out-dir DIR [--handbook-dir D] [--reference-dir D]
Writes DIR/part-00000.jsonl .. part-0000{N-1}.jsonl (uncompressed; the shell
script compresses them) and prints a Markdown summary table on stdout.
"""

import argparse
import json
import os
import re
import sys
from html.parser import HTMLParser

# ---------------------------------------------------------------------------
# Budgets.  The samples are committed to git, so they must stay "a few MB":
# about 6-9 MB of uncompressed JSONL in total (roughly 2 MB once compressed
# with zstd -19).  Each language gets a byte budget (counted in bytes of
# JSONL, i.e. UTF-8 JSON line plus its newline) instead of a page count,
# because page sizes vary a lot (2 KB to 300 KB).  English gets a larger
# budget so that English-only tests have plenty of text; every other
# handbook translation gets a smaller one so all 26 of them are covered.
# Pages are taken in sorted file-name order until the next page would not
# fit (see select_within_budget), so a language stays under its budget
# (unless its very first page alone is bigger).  The whole English handbook
# is about 1.2 MB of JSONL, so its budget takes all of it.
# ---------------------------------------------------------------------------
HANDBOOK_BUDGET_EN = 1_500_000      # en-US handbook
HANDBOOK_BUDGET_OTHER = 250_000     # each of the other 25 handbook locales
REFERENCE_BUDGET = 150_000          # each debian-reference language

# Pages whose extracted text is shorter than this (in characters) are dropped:
# they are redirect stubs or near-empty navigation pages.
MIN_TEXT_CHARS = 200

# Number of output shards; document i goes to shard i % SHARDS (round-robin),
# so every shard holds a mix of sources and languages.
SHARDS = 4

HANDBOOK_DIR = "/usr/share/doc/debian-handbook/html"
REFERENCE_DIR = "/usr/share/debian-reference"

# debian-reference translations we use (file-name tag -> locale).  Fixed here
# rather than taken from whatever is on disk, so that extra installed
# translations do not change the output.  Locales use BCP 47 casing.
REFERENCE_LANGS = {
    "de": "de",
    "en": "en",
    "es": "es",
    "fr": "fr",
    "it": "it",
    "ja": "ja",
    "zh-cn": "zh-CN",
}

HANDBOOK_URL = "https://debian-handbook.info/browse/{locale}/stable/{page}.html"
REFERENCE_URL = "https://www.debian.org/doc/manuals/debian-reference/{page}.{tag}.html"

# ---------------------------------------------------------------------------
# HTML to text
# ---------------------------------------------------------------------------

# Elements whose content is never shown.
SKIP_TAGS = {"head", "script", "style", "title", "template", "noscript"}

# Block elements that start a new paragraph: a blank line before and after.
PARAGRAPH_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table",
    "hr", "section", "article", "header", "footer", "nav", "aside", "main",
    "figure", "form", "fieldset", "address", "details",
}

# Block elements that only start a new line.
LINE_TAGS = {
    "html", "body", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "tr",
    "thead", "tbody", "tfoot", "caption", "figcaption", "summary", "legend",
    "dialog", "option",
}

# Table cells sit side by side on one line, separated by a space.
CELL_TAGS = {"td", "th"}

# HTML collapses only ASCII whitespace; a no-break space (U+00A0) is content.
HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


class TextExtractor(HTMLParser):
    """Collects the visible text of one page as a list of lines.

    Rules:
      * text inside SKIP_TAGS is dropped (img alt text is dropped too: it is
        not visible text);
      * PARAGRAPH_TAGS end the current line and leave one blank line,
        LINE_TAGS just end the current line;
      * outside <pre>, runs of ASCII whitespace become one space and each
        line is stripped; empty lines are not kept;
      * inside <pre>, lines are kept as they are (indentation included),
        only trailing whitespace is removed;
      * there is never more than one blank line in a row, and the text has
        no leading or trailing whitespace (see text()).
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = []       # finished lines; "" is a blank line
        self.pieces = []      # text pieces of the line being built
        self.skip_depth = 0   # >0 while inside a SKIP_TAGS element
        self.pre_depth = 0    # >0 while inside <pre>
        self.pre_start = False  # just after <pre>: drop one leading newline

    # -- line building ------------------------------------------------------

    def _end_line(self):
        """Finish the current line (a no-op if it is empty)."""
        line = "".join(self.pieces)
        self.pieces = []
        line = HTML_SPACE.sub(" ", line).strip()
        if line:
            self.lines.append(line)

    def _end_pre_line(self):
        """Finish one line of a <pre> block, keeping it even if empty."""
        line = "".join(self.pieces).rstrip()
        self.pieces = []
        self._append_raw(line)

    def _append_raw(self, line):
        # Never two blank lines in a row, and no blank line at the start.
        if line == "" and (not self.lines or self.lines[-1] == ""):
            return
        self.lines.append(line)

    def _paragraph_break(self):
        self._end_line()
        self._append_raw("")

    # -- HTMLParser callbacks ----------------------------------------------

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_TAGS:
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag in PARAGRAPH_TAGS:
            if self.pre_depth:
                self._end_pre_line()
            self._paragraph_break()
            if tag == "pre":
                self.pre_depth += 1
                self.pre_start = True
        else:
            self._line_or_cell(tag)

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS:
            if self.skip_depth:
                self.skip_depth -= 1
            return
        if self.skip_depth:
            return
        if tag == "pre" and self.pre_depth:
            # The last line of the block, then drop the trailing blank lines
            # the block's final newline produced.
            if self.pieces:
                self._end_pre_line()
            while self.lines and self.lines[-1] == "":
                self.lines.pop()
            self.pre_depth -= 1
            self._append_raw("")
        elif tag in PARAGRAPH_TAGS:
            self._paragraph_break()
        else:
            self._line_or_cell(tag)

    def _line_or_cell(self, tag):
        """A line-breaking tag ends a line (inside <pre>, a preformatted one); a table cell is a space."""
        if tag in LINE_TAGS:
            if self.pre_depth:
                self._end_pre_line()
            else:
                self._end_line()
        elif tag in CELL_TAGS:
            self.pieces.append(" ")

    def handle_data(self, data):
        if self.skip_depth:
            return
        data = data.replace("\r\n", "\n").replace("\r", "\n")
        if not self.pre_depth:
            self.pieces.append(data)
            return
        # A newline right after <pre> is not rendered (HTML spec).
        if self.pre_start:
            self.pre_start = False
            if data.startswith("\n"):
                data = data[1:]
        parts = data.split("\n")
        for part in parts[:-1]:
            self.pieces.append(part)
            self._end_pre_line()
        self.pieces.append(parts[-1])

    def text(self):
        """The extracted text; call after close()."""
        if self.pre_depth:
            self._end_pre_line()
        else:
            self._end_line()
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines).strip()


def html_to_text(html):
    parser = TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.text()


# ---------------------------------------------------------------------------
# Page discovery
# ---------------------------------------------------------------------------

def handbook_pages(root):
    """Yield (locale, stem, path) for every handbook page, in sorted order.

    Locale folders look like "pt-BR"; "Common_Content" (CSS, images) is not
    a locale and is skipped.
    """
    for locale in sorted(os.listdir(root)):
        folder = os.path.join(root, locale)
        if not re.fullmatch(r"[a-z]{2}-[A-Z]{2}", locale) or not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.endswith(".html"):
                yield locale, name[: -len(".html")], os.path.join(folder, name)


REFERENCE_NAME = re.compile(r"(?P<stem>[a-z0-9]+)\.(?P<tag>[a-z]{2}(?:-[a-z]{2})?)\.html")


def reference_pages(root):
    """Yield (tag, stem, path) for the debian-reference pages we use.

    Pages are named "<stem>.<tag>.html", e.g. "ch01.zh-cn.html".  Other
    files (index.html, debian-reference.css, PDFs, txt.gz) are ignored.
    Order: by language tag, then by page name.
    """
    by_tag = {}
    for name in sorted(os.listdir(root)):
        m = REFERENCE_NAME.fullmatch(name)
        if m and m.group("tag") in REFERENCE_LANGS:
            by_tag.setdefault(m.group("tag"), []).append((m.group("stem"), os.path.join(root, name)))
    for tag in sorted(by_tag):
        for stem, path in by_tag[tag]:
            yield tag, stem, path


def read_html(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8")


def make_doc(source, locale, stem, url, text):
    return {
        "id": f"{source}/{locale}/{stem}",
        "text": text,
        "metadata": {
            "url": url,
            # ISO 639-1: the part of the locale before the region.
            "language": locale.split("-")[0],
            "locale": locale,
            "source": source,
        },
    }


def jsonl_line(doc):
    """The exact bytes a document takes in a JSONL file (newline included)."""
    return (json.dumps(doc, ensure_ascii=False) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------
# Selection
# ---------------------------------------------------------------------------

def select_within_budget(candidates, budget):
    """Take (doc, line) pairs in order for as long as they fit in the budget.

    Selection stops at the first page that would go over the budget (it is
    not skipped in favour of smaller later pages), so each language's sample
    is a prefix of its pages in sorted order.  The first page is always
    taken, even if it alone is over the budget.
    """
    taken, total = [], 0
    for doc, line in candidates:
        if taken and total + len(line) > budget:
            break
        taken.append((doc, line))
        total += len(line)
    return taken


def group_documents(source, pages, stats):
    """Turn (group, locale, stem, path, url) pages into {group: [(doc, line)]}, dropping short ones."""
    groups = {}
    for group, locale, stem, path, url in pages:
        text = html_to_text(read_html(path))
        key = (source, locale)
        stats.setdefault(key, {"pages": 0, "short": 0})
        stats[key]["pages"] += 1
        if len(text) < MIN_TEXT_CHARS:
            stats[key]["short"] += 1
            continue
        doc = make_doc(source, locale, stem, url, text)
        groups.setdefault(group, []).append((doc, jsonl_line(doc)))
    return groups


def collect(handbook_dir, reference_dir, stats):
    """Return the selected documents as (doc, line) pairs, in output order."""
    selected = []

    # Handbook: group pages per locale, drop short ones, apply the budget.
    per_locale = group_documents("debian-handbook", (
        (locale, locale, stem, path, HANDBOOK_URL.format(locale=locale, page=stem))
        for locale, stem, path in handbook_pages(handbook_dir)), stats)
    for locale in sorted(per_locale):
        budget = HANDBOOK_BUDGET_EN if locale == "en-US" else HANDBOOK_BUDGET_OTHER
        selected.extend(select_within_budget(per_locale[locale], budget))

    # debian-reference: same, per language.
    per_tag = group_documents("debian-reference", (
        (tag, REFERENCE_LANGS[tag], stem, path, REFERENCE_URL.format(page=stem, tag=tag))
        for tag, stem, path in reference_pages(reference_dir)), stats)
    for tag in sorted(per_tag):
        selected.extend(select_within_budget(per_tag[tag], REFERENCE_BUDGET))

    return selected


def english_overlap(selected, handbook_dir):
    """Per handbook locale: share of long text lines that are identical to a
    line of the English page with the same name.

    Many handbook translations are incomplete and fall back to the English
    text, so a document labelled e.g. "cs" can be mostly English.  This is
    only reported (for the README), nothing is filtered on it.
    """
    english = {}
    result = {}
    for doc, _ in selected:
        meta = doc["metadata"]
        if meta["source"] != "debian-handbook" or meta["locale"] == "en-US":
            continue
        stem = doc["id"].rsplit("/", 1)[1]
        if stem not in english:
            path = os.path.join(handbook_dir, "en-US", stem + ".html")
            english[stem] = set(html_to_text(read_html(path)).split("\n"))
        lines = [l for l in doc["text"].split("\n") if len(l) >= 40]
        same = sum(1 for l in lines if l in english[stem])
        acc = result.setdefault(meta["locale"], [0, 0])
        acc[0] += same
        acc[1] += len(lines)
    return {k: (100.0 * s / n if n else 0.0) for k, (s, n) in result.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--handbook-dir", default=HANDBOOK_DIR)
    ap.add_argument("--reference-dir", default=REFERENCE_DIR)
    args = ap.parse_args()

    stats = {}
    selected = collect(args.handbook_dir, args.reference_dir, stats)
    if not selected:
        sys.exit("extract.py: no documents found")

    ids = [doc["id"] for doc, _ in selected]
    if len(ids) != len(set(ids)):
        sys.exit("extract.py: duplicate document ids")

    # Round-robin sharding.
    os.makedirs(args.out_dir, exist_ok=True)
    shards = [[] for _ in range(SHARDS)]
    for i, (_, line) in enumerate(selected):
        shards[i % SHARDS].append(line)
    for n, lines in enumerate(shards):
        with open(os.path.join(args.out_dir, f"part-{n:05d}.jsonl"), "wb") as f:
            f.writelines(lines)

    # Summary (Markdown), pasted into Samples/README.md.
    overlap = english_overlap(selected, args.handbook_dir)
    per_key = {}
    for doc, line in selected:
        meta = doc["metadata"]
        acc = per_key.setdefault((meta["source"], meta["locale"]), [meta["language"], 0, 0])
        acc[1] += 1
        acc[2] += len(line)
    print("| source | locale | language | pages on disk | dropped (<%d chars) | docs | JSONL bytes | lines identical to en-US |"
          % MIN_TEXT_CHARS)
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for key in sorted(per_key):
        source, locale = key
        language, docs, size = per_key[key]
        ov = f"{overlap[locale]:.0f}%" if source == "debian-handbook" and locale in overlap else "-"
        print(f"| {source} | {locale} | {language} | {stats[key]['pages']} | {stats[key]['short']} "
              f"| {docs} | {size} | {ov} |")
    total_docs = len(selected)
    total_bytes = sum(len(line) for _, line in selected)
    print(f"| **total** | | | | | **{total_docs}** | **{total_bytes}** | |")
    print()
    for n, lines in enumerate(shards):
        print(f"part-{n:05d}.jsonl: {len(lines)} docs, {sum(map(len, lines))} bytes")


if __name__ == "__main__":
    main()
