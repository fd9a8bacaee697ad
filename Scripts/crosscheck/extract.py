#!/usr/bin/env python3
"""Scores Winnow's `extract` against trafilatura (as FineWeb runs it) and resiliparse on the
same HTML pages.

Quality is the F1 of word 4-gram shingles (sets of 4 consecutive lower-cased words; each CJK
character is a word) of an extractor's text against a ground truth, per page, averaged:

  * Debian handbook and Debian reference pages (DocBook HTML): the text of the page's main
    DocBook element (the `div`/`section` under <body> whose class is chapter, section, preface,
    appendix, article, colophon or legalnotice) without its table of contents (`div.toc`, a list
    of links to other pages). Outside that element are the banner, the previous/next navigation
    and the footer: boilerplate by any definition; inside it is what the page says.
  * Python's HTML documentation (Sphinx): the text of `div[role=main]` (the document body,
    without the sidebar, the navigation bars and the footer), without `a.headerlink` (the "¶").

Pages without a ground truth (trafilatura's own test pages, any other HTML given with --other)
are scored only by agreement: F1 between Winnow's and trafilatura's texts.

    python3 Scripts/crosscheck/extract.py [--winnow .build/release/winnow] [--favor precision]
        [--handbook-locales en-US,de-DE,...] [--reference-langs en,de,...] [--python-docs N]
        [--other 'DIR/*.html'] [--worst 15]

Needs trafilatura 1.11 (with lxml_html_clean), resiliparse and lxml (pip install).
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import time

import lxml.html
import trafilatura
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding

HANDBOOK = "/usr/share/doc/debian-handbook/html"
REFERENCE = "/usr/share/debian-reference"
PYTHON_DOCS = "/usr/share/doc/python3-doc/html"
DOCBOOK_MAIN = {"chapter", "section", "preface", "appendix", "article", "colophon", "legalnotice", "book", "part"}
WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|\w+")


def shingles(text, n=4):
    words = WORD.findall((text or "").lower())
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def f1(candidate, truth):
    a, b = shingles(candidate), shingles(truth)
    if not a and not b:
        return 1.0, 1.0, 1.0
    if not a or not b:
        return 0.0, 0.0, 0.0
    common = len(a & b)
    p, r = common / len(a), common / len(b)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


BLOCKS = {"p", "div", "section", "li", "dt", "dd", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
          "br", "table", "blockquote", "ul", "ol", "dl", "figure", "figcaption"}


def block_text(element):
    """The element's text with a line break after every block (lxml's text_content() runs the
    words of adjacent blocks together, which would make shingles no extractor can produce)."""
    for el in element.iter():
        if isinstance(el.tag, str) and el.tag in BLOCKS:
            el.tail = "\n" + (el.tail or "")
    return element.text_content()


def docbook_truth(raw):
    tree = lxml.html.document_fromstring(raw)
    body = tree.find("body")
    if body is None:
        return None
    for child in body:
        classes = set((child.get("class") or "").split())
        if child.tag in ("div", "section") and classes & DOCBOOK_MAIN:
            for toc in child.xpath(".//div[contains(concat(' ', @class, ' '), ' toc ')]"):
                toc.getparent().remove(toc)
            return block_text(child)
    return None


def sphinx_truth(raw):
    tree = lxml.html.document_fromstring(raw)
    main = tree.xpath("//div[@role='main']")
    if not main:
        return None
    for link in main[0].xpath(".//a[contains(@class, 'headerlink')]"):
        link.getparent().remove(link)
    return block_text(main[0])


def collect(args):
    """(path, kind) for every page to score."""
    pages = []
    for locale in filter(None, args.handbook_locales.split(",")):
        pages += [(p, "handbook") for p in sorted(glob.glob(f"{HANDBOOK}/{locale}/*.html"))]
    for lang in filter(None, args.reference_langs.split(",")):
        pages += [(p, "reference") for p in sorted(glob.glob(f"{REFERENCE}/*.{lang}.html"))]
    if args.python_docs:
        found = sorted(glob.glob(f"{PYTHON_DOCS}/library/*.html"))
        pages += [(p, "python-docs") for p in found[:args.python_docs]]
    for pattern in args.other:
        pages += [(p, "other") for p in sorted(glob.glob(pattern))]
    return pages


def run_winnow(winnow, favor, paths):
    """Winnow's text per path ("" when it rejected the page), from one `winnow extract` run per
    batch of files."""
    texts = {}
    started = time.perf_counter()
    for i in range(0, len(paths), 200):
        batch = paths[i:i + 200]
        out = subprocess.run([winnow, "extract", "--favor", favor, *batch], capture_output=True, text=True)
        current = None
        lines = []
        for line in out.stdout.split("\n"):
            m = re.match(r"^==> (.*) <==$", line)
            if m and m.group(1) in batch:
                if current is not None:
                    texts[current] = "\n".join(lines).strip("\n")
                current, lines = m.group(1), []
            else:
                lines.append(line)
        if current is not None:
            texts[current] = "\n".join(lines).strip("\n")
        if len(batch) == 1 and current is None:
            texts[batch[0]] = out.stdout.strip("\n")
    return texts, time.perf_counter() - started


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--winnow", default=".build/release/winnow")
    ap.add_argument("--favor", default="precision")
    ap.add_argument("--handbook-locales", default="en-US,de-DE,fr-FR,es-ES,ja-JP,zh-CN,ru-RU")
    ap.add_argument("--reference-langs", default="en,de,fr,ja")
    ap.add_argument("--python-docs", type=int, default=80, help="how many library/*.html pages of python3-doc")
    ap.add_argument("--other", action="append", default=[], help="glob of pages scored by agreement only")
    ap.add_argument("--worst", type=int, default=15)
    args = ap.parse_args()

    pages = collect(args)
    if not pages:
        sys.exit("no pages: install debian-handbook, debian-reference-* or python3-doc, or pass --other")
    raws = {p: open(p, "rb").read() for p, _ in pages}
    winnow, winnow_s = run_winnow(args.winnow, args.favor, [p for p, _ in pages])

    results = []
    traf_s = resi_s = 0.0
    for path, kind in pages:
        raw = raws[path]
        t0 = time.perf_counter()
        traf = trafilatura.extract(raw, favor_precision=True, include_comments=False, deduplicate=True) or ""
        t1 = time.perf_counter()
        resi = extract_plain_text(bytes_to_str(raw, detect_encoding(raw)), main_content=True)
        t2 = time.perf_counter()
        traf_s += t1 - t0
        resi_s += t2 - t1
        truth = {"handbook": docbook_truth, "reference": docbook_truth, "python-docs": sphinx_truth}.get(kind, lambda r: None)(raw)
        ours = winnow.get(path, "")
        row = {"path": path, "kind": kind, "agreement": f1(ours, traf)[2]}
        if truth is not None:
            row["truth_words"] = len(WORD.findall(truth))
            for name, text in (("winnow", ours), ("trafilatura", traf), ("resiliparse", resi)):
                row[name] = f1(text, truth)
        results.append(row)

    print(f"# extract crosscheck: {len(pages)} pages, Winnow favor={args.favor}, trafilatura {trafilatura.__version__} favor_precision\n")
    print("| pages | n | Winnow P / R / F1 | trafilatura P / R / F1 | resiliparse P / R / F1 | agreement Winnow~trafilatura |")
    print("|---|---:|---|---|---|---:|")
    kinds = sorted({r["kind"] for r in results}) + ["all"]
    for kind in kinds:
        rows = [r for r in results if kind == "all" or r["kind"] == kind]
        scored = [r for r in rows if "winnow" in r]
        agree = sum(r["agreement"] for r in rows) / len(rows)

        def mean(name):
            if not scored:
                return "–"
            p = sum(r[name][0] for r in scored) / len(scored)
            rc = sum(r[name][1] for r in scored) / len(scored)
            f = sum(r[name][2] for r in scored) / len(scored)
            return f"{p:.3f} / {rc:.3f} / **{f:.3f}**"
        print(f"| {kind} | {len(rows)} | {mean('winnow')} | {mean('trafilatura')} | {mean('resiliparse')} | {agree:.3f} |")
    n = len(pages)
    print(f"\nTime for these pages, one process each (Winnow's includes its process start per 200 pages):"
          f" Winnow {winnow_s:.2f} s ({winnow_s / n * 1000:.2f} ms/page), trafilatura {traf_s:.2f} s"
          f" ({traf_s / n * 1000:.2f} ms/page), resiliparse {resi_s:.2f} s ({resi_s / n * 1000:.2f} ms/page)."
          " Scripts/bench/extract.sh measures speed properly.")
    scored = sorted((r for r in results if "winnow" in r), key=lambda r: r["winnow"][2] - r["trafilatura"][2])
    print(f"\n## The {args.worst} pages where Winnow loses most to trafilatura (F1 against the ground truth)\n")
    print("| page | words | Winnow P / R / F1 | trafilatura F1 | resiliparse F1 |")
    print("|---|---:|---|---:|---:|")
    for r in scored[:args.worst]:
        w = r["winnow"]
        print(f"| {os.path.relpath(r['path'], '/usr/share')} | {r['truth_words']} | {w[0]:.2f} / {w[1]:.2f} / {w[2]:.2f} |"
              f" {r['trafilatura'][2]:.2f} | {r['resiliparse'][2]:.2f} |")
    others = sorted((r for r in results if "winnow" not in r), key=lambda r: r["agreement"])
    if others:
        print("\n## Pages without ground truth, by agreement with trafilatura\n")
        for r in others[:args.worst]:
            print(f"- {r['path']}: {r['agreement']:.2f}")


if __name__ == "__main__":
    main()
