#!/usr/bin/env python3
"""Writes Sources/WinnowText/SpacyEnglishSplits.swift: the words spaCy's English tokenizer
exceptions split although they hold only letters ("dont" → do nt, "im" → i m, "cannot" → can
not), with where each splits. Winnow's EnglishWordTokenizer applies them to a whole chunk, as
spaCy does; they matter most after MinHash's text simplification, which turns "don't" into
"don t" but leaves words typed without an apostrophe ("id", "im", German "im") to these rules.

Run from the repository root: .venv-peers/bin/python Scripts/data/spacy_splits.py
"""
import re

import spacy
from spacy.attrs import ORTH


def main():
    nlp = spacy.blank("en")
    entries = []
    for text, tokens in nlp.tokenizer.rules.items():
        orths = [t[ORTH] for t in tokens]
        if len(orths) > 1 and re.fullmatch(r"[A-Za-z]+", text):
            assert "".join(orths) == text, text
            cuts, at = [], 0
            for orth in orths[:-1]:
                at += len(orth)
                cuts.append(at)
            entries.append((text, cuts))
    entries.sort()
    body = " ".join(f"{text}:{'.'.join(map(str, cuts))}" for text, cuts in entries)
    lines, line = [], ""
    for item in body.split(" "):
        if len(line) + len(item) + 1 > 100:
            lines.append(line)
            line = ""
        line += ("" if not line else " ") + item
    lines.append(line)
    text = "\n".join("        " + l for l in lines)
    swift = f'''/// The words spaCy {spacy.__version__}'s English tokenizer exceptions split although they hold only
/// letters, with the offsets of their cuts ("dont:2" → do nt, "cantve:2.4" → ca nt ve). Written by
/// Scripts/data/spacy_splits.py; case matters, as in spaCy (lowercase and title-case forms).
enum SpacyEnglishSplits {{
    static let table: [String: [Int]] = Dictionary(uniqueKeysWithValues: """
{text}
        """.split(whereSeparator: {{ $0 == " " || $0 == "\\n" }}).map {{ entry in
        let parts = entry.split(separator: ":")
        return (String(parts[0]), parts[1].split(separator: ".").map {{ Int($0)! }})
    }})

    /// The longest of them.
    static let maxLength = table.keys.map(\\.count).max() ?? 0
}}
'''
    with open("Sources/WinnowText/SpacyEnglishSplits.swift", "w") as f:
        f.write(swift)
    print(len(entries), "splits")


if __name__ == "__main__":
    main()
