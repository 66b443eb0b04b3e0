"""Text folding for keyword matching, with a map back to the characters as printed.

Every OCR line and every keyword goes through the same per-character fold:

1. Unicode NFKC (full-width letters and digits become ASCII, circled digits become digits), then casefold.
2. Invisible characters are dropped: format characters (category Cf: zero-width space/joiners, word
   joiner, BOM, Mongolian vowel separator…), combining marks (Mn/Me, e.g. emoji variation selectors)
   and the Hangul filler letters that render as blanks.
3. Plus signs (+, ＋, ➕, ﹢) become 加, so "+V" and "加V" are one spelling; × becomes x (the OCR model
   reads a printed x as × between letters and digits).
4. Separators become one of three stand-ins: " " for white space, "-" for dashes, underscores and tildes,
   "." for any other punctuation or symbol (including emoji, which OCR does not produce anyway). Keyword
   searches tolerate a few stand-ins between characters; the digit patterns only tolerate " " and "-".
5. Traditional Chinese becomes simplified, one character at a time with OpenCC ``t2s``. Per character
   (not per phrase) keeps the fold length-stable and position-exact; keywords get the same treatment,
   so both sides always agree.

Because the fold works per original character, each folded character remembers which original character
it came from, so a match in folded text maps back to the exact printed substring and its box.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import opencc

SPACE = " "
DASH = "-"
PUNCT = "."
LINE_BREAK = "\n"
SEPARATORS = frozenset((SPACE, DASH, PUNCT))
# A regex class of the separator stand-ins (line breaks are handled apart: a match may cross one).
SEPARATOR_CLASS = r"[ .\-]"

_PLUS_SIGNS = frozenset("+➕﹢")  # ＋ is already + after NFKC
# Symbols the OCR model returns for a printed Latin letter: × for x (vx号 read as v×号, 500ml x 12 as ×).
_LATIN_LOOKALIKES = {"×": "x"}
_DASH_LIKE = frozenset("_~〜")
# Letters that render as nothing: Hangul fillers (U+3164 folds to U+1160 under NFKC) and friends.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
_DROPPED_CATEGORIES = frozenset(("Cf", "Mn", "Me"))


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=16384)
def fold_char(char: str) -> str:
    """The folded form of one original character: "" when invisible, else one or more characters."""
    folded: list[str] = []
    for part in unicodedata.normalize("NFKC", char).casefold():
        category = unicodedata.category(part)
        if category in _DROPPED_CATEGORIES or part in _INVISIBLE_LETTERS:
            continue
        if part in _PLUS_SIGNS:
            folded.append("加")
        elif part in _LATIN_LOOKALIKES:
            folded.append(_LATIN_LOOKALIKES[part])
        elif part.isspace() or category[0] in "ZC":
            folded.append(SPACE)
        elif category == "Pd" or part in _DASH_LIKE:
            folded.append(DASH)
        elif category[0] in "PS":
            folded.append(PUNCT)
        elif part.isascii():
            folded.append(part)
        else:
            simplified = _t2s().convert(part)
            # OpenCC maps a few characters to several (or none): keep the original then, so that
            # one original character never turns into a different number of comparable characters.
            folded.append(simplified if len(simplified) == 1 else part)
    return "".join(folded)


def fold_keyword(text: str) -> str:
    """A keyword's comparable form: folded, without any separator. Empty if nothing comparable is left."""
    return strip_separators("".join(fold_char(char) for char in text))


def strip_separators(folded: str) -> str:
    """Folded text without separator stand-ins or line breaks (the reported ``normalized`` form)."""
    return "".join(ch for ch in folded if ch not in SEPARATORS and ch != LINE_BREAK)


@dataclass(frozen=True, slots=True)
class FoldedLines:
    """OCR lines folded and joined with line breaks, each folded character traced to its origin.

    ``line_of[i]`` is the line of folded character ``i`` (-1 for the joining line breaks) and
    ``origin_of[i]`` the position in that line's original text of the character it came from.
    """

    text: str
    line_of: list[int]
    origin_of: list[int]


def fold_lines(texts: Sequence[str]) -> FoldedLines:
    pieces: list[str] = []
    line_of: list[int] = []
    origin_of: list[int] = []
    for line_index, text in enumerate(texts):
        if line_index:
            pieces.append(LINE_BREAK)
            line_of.append(-1)
            origin_of.append(-1)
        folded_chars = list(map(fold_char, text))
        folded = "".join(folded_chars)
        pieces.append(folded)
        line_of.extend([line_index] * len(folded))
        if len(folded) == len(text) and "" not in folded_chars:
            origin_of.extend(range(len(text)))  # the usual case: one folded character per original one
        else:
            for position, folded_char in enumerate(folded_chars):
                origin_of.extend([position] * len(folded_char))
    return FoldedLines("".join(pieces), line_of, origin_of)
