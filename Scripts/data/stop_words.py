#!/usr/bin/env python3
"""Derive per-language stop-word lists from real text and write them as Swift source.

    Scripts/data/stop_words.py [--out Sources/WinnowFilters/BuiltinStopWords.swift] [--size 12]

Gopher's stop-word check (a document needs at least 2 distinct stop words) only works for the
language of its list; FineWeb-2 made it multilingual by taking, per language, the words that are
most frequent across that language's documents. We do the same on the text this machine has: the
Debian Administrator's Handbook (apt-get install debian-handbook), 26 locales of the same ~130
pages. Per language:

1. Visible text of each page (tags, scripts and styles removed), lowercased.
2. Words: runs of letters (no digits, no '_'; an apostrophe or zero-width non-joiner between
   letters joins them, as ICU does). Japanese: runs of hiragana standing between other
   scripts (particles such as の, に, は), since the page has no spaces; Chinese: single Han
   characters (function characters such as 的, 是, 在), since ICU cuts those out as words.
3. Rank by total count among the words on at least half of the pages (navigation labels such as
   "next" are on every page too, but a few times each; function words are on every page many
   times). Words that are the handbook's rather than the language's are dropped: any word among
   the most frequent in three or more languages (debian, apt, linux), any word among English's
   most frequent (the English left untranslated in partial translations), and anything longer
   than 8 letters.
   A few words of the handbook's subject that pass all that ("package", "file" in the languages
   that have lists) are dropped by hand (TOPIC_WORDS).
4. Keep the top `--size`; a language with fewer than MIN_WORDS left (the partial translations,
   whose pages are mostly English) gets no list.

English is not derived: the filter uses Gopher's own list for it. Deterministic for a given
debian-handbook package version. Only the standard library is used.
"""
from __future__ import annotations

import argparse
import collections
import glob
import html
import itertools
import os
import re
import sys
import unicodedata

HANDBOOK = "/usr/share/doc/debian-handbook/html"
# Handbook locale → the language code lid.176 labels it with (`__label__xx`).
LANGUAGES = {
    "ar-MA": "ar", "ca-ES": "ca", "cs-CZ": "cs", "da-DK": "da", "de-DE": "de", "el-GR": "el",
    "es-ES": "es", "fa-IR": "fa", "fr-FR": "fr", "hr-HR": "hr", "id-ID": "id", "it-IT": "it",
    "ja-JP": "ja", "ko-KR": "ko", "nb-NO": "no", "nl-NL": "nl", "pl-PL": "pl", "pt-BR": "pt",
    "ro-RO": "ro", "ru-RU": "ru", "sv-SE": "sv", "tr-TR": "tr", "vi-VN": "vi", "zh-CN": "zh",
    "zh-TW": "zh", "en-US": "en",
}
# How many of each language's top words count as "frequent" when looking for topic words.
TOPIC_WINDOW = 60
# A stop word occurs this many times per page on average (navigation labels: once or twice).
MIN_PER_PAGE = 3
# Fewer words than this left for a language (the partial translations, mostly English): no list.
MIN_WORDS = 8
# The handbook's own subject in the languages that have lists ("Debian", "package", "file",
# "software"): frequent there, but not words of the language at large. Dropped by hand.
TOPIC_WORDS = {"دبيان", "instal", "paquet", "paquete", "paquetes", "archivo", "archivos", "paquets", "fitxer", "paket", "berkas",
               "件", "包", "文", "软", "统", "系", "理"}
# How many of English's top words count as English leaking into a translation.
ENGLISH_WINDOW = 300


def visible_text(path: str) -> str:
    raw = open(path, encoding="utf-8", errors="replace").read()
    raw = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", raw)
    raw = re.sub(r"(?s)<[^>]+>", " ", raw)
    return unicodedata.normalize("NFC", html.unescape(raw)).lower()


def script_of(ch: str) -> str:
    o = ord(ch)
    if 0x3041 <= o <= 0x309F:
        return "hiragana"
    if 0x30A0 <= o <= 0x30FF:
        return "katakana"
    if 0x3400 <= o <= 0x9FFF:
        return "han"
    return "letter" if ch.isalpha() else "other"


def words(text: str, language: str) -> list[str]:
    if language == "zh":
        return [ch for ch in text if script_of(ch) == "han"]
    if language == "ja":
        runs = [(s, "".join(g)) for s, g in itertools.groupby(text, key=script_of)]
        return [run for k, (s, run) in enumerate(runs)
                if s == "hiragana" and len(run) <= 2 and 0 < k < len(runs) - 1
                and runs[k - 1][0] in ("han", "katakana") and runs[k + 1][0] in ("han", "katakana")]
    # An apostrophe or a zero-width non-joiner between letters stays inside the word, as in ICU's
    # word breaks ("d'un", Persian "می‌شود").
    return re.findall(r"[^\W\d_]+(?:['’\u200c][^\W\d_]+)*", text)


def ranked(locales: list[str], language: str) -> list[str]:
    df, tf = collections.Counter(), collections.Counter()
    pages = 0
    for locale in locales:
        for path in sorted(glob.glob(os.path.join(HANDBOOK, locale, "*.html"))):
            page = words(visible_text(path), language)
            tf.update(page)
            df.update(set(page))
            pages += 1
    return sorted((w for w in df if 2 * df[w] >= pages and tf[w] >= MIN_PER_PAGE * pages), key=lambda w: (-tf[w], w))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "../../Sources/WinnowFilters/BuiltinStopWords.swift"))
    ap.add_argument("--size", type=int, default=12)
    args = ap.parse_args()
    if not os.path.isdir(HANDBOOK):
        sys.exit(f"stop_words.py: {HANDBOOK} is missing: apt-get install debian-handbook")
    by_language: dict[str, list[str]] = collections.defaultdict(list)
    for locale, language in LANGUAGES.items():
        by_language[language].append(locale)
    rankings = {language: ranked(locales, language) for language, locales in sorted(by_language.items())}
    frequent_in = collections.Counter()
    for ranking in rankings.values():
        frequent_in.update(ranking[:TOPIC_WINDOW])
    english = set(rankings["en"][:ENGLISH_WINDOW])
    lists: dict[str, list[str]] = {}
    for language, ranking in rankings.items():
        if language == "en":
            continue
        kept = [w for w in ranking if frequent_in[w] < 3 and w not in english and w not in TOPIC_WORDS and len(w) <= 8]
        if len(kept) >= MIN_WORDS:
            lists[language] = kept[:args.size]
    # lid.176 labels Norwegian Bokmål "no"; ISO 639-1 (and the samples' metadata) say "nb".
    if "no" in lists:
        lists["nb"] = lists["no"]
    lines = [
        "// Generated by Scripts/data/stop_words.py from the Debian Administrator's Handbook (see there",
        "// for how); do not edit by hand.",
        "",
        "/// Stop words per language (lid.176 codes): each language's most widespread words in real",
        "/// text, FineWeb-2's recipe for taking Gopher's stop-word check beyond English. English uses",
        "/// Gopher's own list (`GopherQualityRule.gopherStopWords`).",
        "enum BuiltinStopWords {",
        "    static let byLanguage: [String: [String]] = [",
    ]
    for language in sorted(lists):
        quoted = ", ".join('"' + w + '"' for w in lists[language])
        lines.append(f'        "{language}": [{quoted}],')
    lines += ["    ]", "}", ""]
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    for language in sorted(lists):
        print(language, " ".join(lists[language]))
    print(os.path.normpath(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
