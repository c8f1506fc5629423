"""Text folding shared by indexing and querying: lower case, diacritics removed, no stemming.

Folding maps each character to exactly one character, so a position in the folded text is the same
position in the original: snippets are cut and highlighted in the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from markupsafe import Markup, escape

# Letters and digits only: "comune.pavia.it", "ateliers/workshops" and "a_b" split into words the
# same way for SQLite FTS5 and PostgreSQL's parser, which would otherwise keep some as one token.
WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_WORDS = 8


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    folded = base.lower()
    return folded[0] if folded else char.lower()[:1] or char


def fold(text: str) -> str:
    """Lower-case and strip diacritics, one character for one character (``Iași`` -> ``iasi``)."""
    return "".join(_fold_char(c) for c in text)


def index_words(text: str) -> str:
    """What the index stores: the folded words of ``text``, separated by single spaces."""
    return " ".join(WORD.findall(fold(text)))


def query_words(query: str) -> list[str]:
    """The words of a user's query, folded, without duplicates, at most eight."""
    words: list[str] = []
    for word in WORD.findall(fold(query or "")):
        if word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def fts5_query(words: list[str]) -> str:
    """An FTS5 MATCH expression: every word quoted (so no operator reaches FTS5), all required."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def snippet(text: str, words: list[str], width: int = 220) -> Markup:
    """A short extract of ``text`` around the first matching word, matches wrapped in <mark>."""
    if not text:
        return Markup("")
    folded = fold(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b") if words else None
    first = pattern.search(folded) if pattern else None
    start = max(0, (first.start() if first else 0) - width // 3)
    end = min(len(text), start + width)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    parts: list[str] = ["…" if start > 0 else ""]
    cursor = start
    if pattern:
        for match in pattern.finditer(folded, start, end):
            parts.append(str(escape(text[cursor : match.start()])))
            parts.append("<mark>" + str(escape(text[match.start() : match.end()])) + "</mark>")
            cursor = match.end()
    parts.append(str(escape(text[cursor:end])))
    parts.append("…" if end < len(text) else "")
    return Markup("".join(parts))  # noqa: S704 - every piece of user text above is escaped
