"""Find keywords in OCR lines: candidates from every family and pattern, guards, allow lists, then one
match per printed occurrence, mapped back to the printed text and its box."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from image_audit.contract import KeywordCategory, KeywordMatch, KeywordOptions, MatchRule
from image_audit.ocr_types import OcrLine, Point, Quad

from .library import (
    USER_LIBRARY,
    ContactContext,
    Family,
    PatternRule,
    Term,
    builtin_library,
    builtin_library_name,
    make_term,
    user_family,
)
from .normalize import LINE_BREAK, FoldedLines, fold_lines, strip_separators

# Which candidate keeps a contested span: the user's own keywords first, then user libraries, then the
# built-in library; within a source a block beats a review, then the longer match beats the shorter.
_USER_KEYWORDS_RANK = 0
_USER_LIBRARY_RANK = 1
_BUILTIN_RANK = 2
_CATEGORY_RANK: dict[KeywordCategory, int] = {"block": 0, "review": 1, "allow": 2}
# A vertical text line is much taller than wide; its characters run down its long side.
_VERTICAL_ASPECT = 1.5
# An account ID glued to a cue such as 加V: a letter, then letters, digits, - or _ (folded to -), ending in
# a digit, 6 to 20 characters in all (WeChat's ID rules). Words (加VIP) and units (加VC1000mg) do not end
# in a digit.
_GLUED_ID = re.compile(r"[a-z][-a-z0-9]{4,18}[0-9](?![a-z0-9])")


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int  # [start, end) in the folded text
    end: int
    keyword: str
    rule: MatchRule
    library: str
    category: KeywordCategory
    guarded: bool
    source_rank: int

    def sort_key(self, text: str) -> tuple[int, int, int, int]:
        comparable_length = len(strip_separators(text[self.start : self.end]))
        return (self.source_rank, _CATEGORY_RANK[self.category], -comparable_length, self.start)


@dataclass(frozen=True, slots=True)
class _SearchPlan:
    families: list[tuple[Family, int, bool]]  # family, source rank, drop guarded (else flag them)
    patterns: tuple[PatternRule, ...]
    allow_terms: list[Term]
    searched: list[str]


def find_keywords(lines: Sequence[OcrLine], options: KeywordOptions) -> tuple[list[KeywordMatch], list[str]]:
    """Matches in reading order (line, then position), and what was searched: the user keywords, the
    user library names and ``builtin:solicitation`` when the built-in library was used."""
    plan = _plan(options)
    folded = fold_lines([line.text for line in lines])
    candidates: list[_Candidate] = []
    for family, rank, drop_guarded in plan.families:
        candidates.extend(_family_candidates(folded.text, family, rank, drop_guarded))
    for pattern in plan.patterns:
        candidates.extend(_pattern_candidates(folded.text, pattern))
    if plan.allow_terms and candidates:
        allowed = [span for term in plan.allow_terms for span in _term_spans(folded.text, term)]
        candidates = [c for c in candidates if not any(_overlaps(c.start, c.end, *a) for a in allowed)]
    chosen = _one_per_occurrence(candidates, folded.text)
    return [_to_match(candidate, lines, folded) for candidate in chosen], plan.searched


def _plan(options: KeywordOptions) -> _SearchPlan:
    families: list[tuple[Family, int, bool]] = []
    searched: list[str] = []
    seen_keywords: set[str] = set()
    for keyword in options.keywords:
        family = user_family(keyword, USER_LIBRARY, "block")
        if family is None or family.folded_keyword in seen_keywords:
            continue
        seen_keywords.add(family.folded_keyword)
        families.append((family, _USER_KEYWORDS_RANK, False))
        searched.append(keyword)
    allow_terms: list[Term] = []
    searching_libraries = False
    for library in options.libraries:
        searched.append(library.name)
        if library.category == "allow":
            allow_terms.extend(term for term in map(make_term, library.words) if term is not None)
            continue
        searching_libraries = True
        for word in library.words:
            family = user_family(word, library.name, library.category)
            if family is not None:
                families.append((family, _USER_LIBRARY_RANK, False))
    # By default the built-in library runs when the request names nothing to look for; an allow-only
    # library is a whitelist against it, so it does not count as something to look for.
    use_builtin = options.use_builtin
    if use_builtin is None:
        use_builtin = not seen_keywords and not searching_libraries
    patterns: tuple[PatternRule, ...] = ()
    if use_builtin:
        builtin = builtin_library()
        families.extend((family, _BUILTIN_RANK, True) for family in builtin.families)
        patterns = builtin.patterns
        searched.append(builtin_library_name())
    return _SearchPlan(families, patterns, allow_terms, searched)


# --------------------------------------------------------------------------- candidates


def _term_spans(text: str, term: Term) -> list[tuple[int, int]]:
    spans = []
    for found in term.regex.finditer(text):
        start, end = found.span()
        if text.count(LINE_BREAK, start, end) > 1 or not _edges_ok(text, start, end, term):
            continue
        if term.contact is not None and not _in_contact_context(text, start, end, term.contact):
            continue
        spans.append((start, end))
    return spans


def _edges_ok(text: str, start: int, end: int, term: Term) -> bool:
    """Latin edges of a match must not run on into a Latin word or number (qq inside 0qqhxev), except
    that a cue that starts with a Chinese character and ends with a Latin letter (加V) may run straight
    into an account ID: OCR often drops the space in 加V abc123, and 加Vabc123 is no Latin word."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if all(map(_is_latin_or_digit, (before, text[start], text[end - 1], after))):
        return False  # inside a run of letters and digits (qq in the ID abc0145qq11): part of that run
    if not _edge_ok(text[start], before, term):
        return False
    if _edge_ok(text[end - 1], after, term):
        return True
    return _glued_id_ok(text, end, term)


def _is_latin_or_digit(char: str) -> bool:
    return char.isascii() and char.isalnum()  # False for "" (the start or end of the text)


def _glued_id_ok(text: str, end: int, term: Term) -> bool:
    first, last = term.folded[0], term.folded[-1]
    if term.edges != "letter" or first.isascii() or not (last.isascii() and last.isalpha()):
        return False
    return _GLUED_ID.match(text, end) is not None


def _edge_ok(edge: str, neighbour: str, term: Term) -> bool:
    if not (edge.isascii() and edge.isalnum() and neighbour.isascii() and neighbour.isalnum()):
        return True
    if term.edges == "alnum":
        return False
    return edge.isalpha() != neighbour.isalpha()


def _in_contact_context(text: str, start: int, end: int, contact: ContactContext) -> bool:
    # Short windows: the cue must be right next to the word, and the regexes stay cheap.
    return bool(
        contact.before.search(text, max(0, start - 12), start) or contact.after.match(text, end, end + 32)
    )


def _guard_spans(text: str, guards: Sequence[re.Pattern[str]]) -> list[tuple[int, int]]:
    return [found.span() for guard in guards for found in guard.finditer(text)]


def _inside_any(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(outer_start <= start and end <= outer_end for outer_start, outer_end in spans)


def _family_candidates(text: str, family: Family, rank: int, drop_guarded: bool) -> list[_Candidate]:
    found: list[tuple[int, int, bool]] = []  # start, end, guarded
    guard_spans: list[tuple[int, int]] | None = None  # searched only when something was found
    for term in family.terms:
        for start, end in _term_spans(text, term):
            if guard_spans is None:
                guard_spans = _guard_spans(text, family.guards)
            guarded = _inside_any(start, end, guard_spans)
            # Inside a benign phrase, only the user's own word is still reported (flagged): a disguised
            # spelling there is just part of another word (威信 in 权威信息).
            exact = strip_separators(text[start:end]) == family.folded_keyword
            if guarded and (drop_guarded or not exact):
                continue
            found.append((start, end, guarded))
    # Spellings of one family that overlap are one occurrence: 加我微 and 微信 in 加我微信, 加V and V信
    # in 加V信. Their union is reported, so the printed text holds all of it.
    merged: list[tuple[int, int, bool]] = []
    for start, end, guarded in sorted(found):
        last_start, last_end, last_guarded = merged[-1] if merged else (0, 0, False)
        if start < last_end and text.count(LINE_BREAK, last_start, max(end, last_end)) <= 1:
            merged[-1] = (last_start, max(end, last_end), guarded and last_guarded)
        else:
            merged.append((start, end, guarded))
    return [
        _Candidate(
            start,
            end,
            family.keyword,
            "exact" if strip_separators(text[start:end]) == family.folded_keyword else "variant",
            family.library,
            family.category,
            guarded,
            rank,
        )
        for start, end, guarded in merged
    ]


def _pattern_candidates(text: str, pattern: PatternRule) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    for found in pattern.regex.finditer(text):
        start, end = found.span()
        if text.count(LINE_BREAK, start, end) > 1:
            continue
        if pattern.has_cue:
            cue, value = found.group("cue"), found.group("value")
            joined = found.end("cue") == found.start("value")
            if joined and _one_latin_word(cue, value):
                continue
            if pattern.guards and _inside_any(*found.span("cue"), _guard_spans(text, pattern.guards)):
                continue
        candidates.append(
            _Candidate(
                start,
                end,
                pattern.keyword,
                "pattern",
                pattern.library,
                pattern.category,
                guarded=False,
                source_rank=_BUILTIN_RANK,
            )
        )
    return candidates


def _one_latin_word(cue: str, value: str) -> bool:
    """Whether a cue glued to its value reads as one Latin word: "vxabc123" is no cue vx and an ID, so a
    Latin cue needs a break before a Latin value. A cue that starts with a Chinese character (加V) may be
    glued to an ID, as in _glued_id_ok."""
    if not (cue[-1].isascii() and cue[-1].isalpha() and value[0].isalpha()):
        return False
    return cue[0].isascii() or _GLUED_ID.fullmatch(value) is None


def _overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    return start < other_end and other_start < end


def _one_per_occurrence(candidates: list[_Candidate], text: str) -> list[_Candidate]:
    """Keep the best candidate of every group of overlapping ones (see the ranks above)."""
    taken = bytearray(len(text))
    chosen: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: c.sort_key(text)):
        if any(taken[candidate.start : candidate.end]):
            continue
        taken[candidate.start : candidate.end] = b"\x01" * (candidate.end - candidate.start)
        chosen.append(candidate)
    chosen.sort(key=lambda c: c.start)
    return chosen


# --------------------------------------------------------------------------- printed text and boxes


def _to_match(candidate: _Candidate, lines: Sequence[OcrLine], folded: FoldedLines) -> KeywordMatch:
    # The original [start, end) slice of each line the match covers (one line, or two across a break).
    slices: dict[int, tuple[int, int]] = {}
    for index in range(candidate.start, candidate.end):
        line_index = folded.line_of[index]
        if line_index < 0:
            continue
        position = folded.origin_of[index]
        first, _ = slices.get(line_index, (position, position))
        slices[line_index] = (first, position + 1)
    printed = LINE_BREAK.join(lines[i].text[start:end] for i, (start, end) in slices.items())
    quads = [_sub_quad(lines[i], start, end) for i, (start, end) in slices.items()]
    first_line = next(iter(slices))
    return KeywordMatch(
        keyword=candidate.keyword,
        printed=printed,
        normalized=strip_separators(folded.text[candidate.start : candidate.end]),
        rule=candidate.rule,
        library=candidate.library,
        category=candidate.category,
        line_index=first_line,
        line_text=lines[first_line].text,
        box=quads[0] if len(quads) == 1 else _union_quad(quads),
        confidence=min(lines[i].score for i in slices),
        guarded=candidate.guarded,
    )


def _char_advance(char: str) -> float:
    """Rough printed width of a character: CJK and full-width 1, invisible 0, everything else half."""
    if unicodedata.category(char) in ("Cf", "Mn", "Me"):
        return 0.0
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.5


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (round(a[0] + (b[0] - a[0]) * t, 2), round(a[1] + (b[1] - a[1]) * t, 2))


def _sub_quad(line: OcrLine, start: int, end: int) -> Quad:
    """The part of the line's quadrilateral that holds characters [start, end), in proportion to their
    estimated widths along the reading direction."""
    advances = [_char_advance(char) for char in line.text]
    total = sum(advances)
    if total <= 0:
        return line.box
    t0 = sum(advances[:start]) / total
    t1 = sum(advances[:end]) / total
    top_left, top_right, bottom_right, bottom_left = line.box
    width = math.dist(top_left, top_right)
    height = math.dist(top_left, bottom_left)
    if height > _VERTICAL_ASPECT * width and len(line.text) > 1:
        return (
            _lerp(top_left, bottom_left, t0),
            _lerp(top_right, bottom_right, t0),
            _lerp(top_right, bottom_right, t1),
            _lerp(top_left, bottom_left, t1),
        )
    return (
        _lerp(top_left, top_right, t0),
        _lerp(top_left, top_right, t1),
        _lerp(bottom_left, bottom_right, t1),
        _lerp(bottom_left, bottom_right, t0),
    )


def _union_quad(quads: Sequence[Quad]) -> Quad:
    xs = [x for quad in quads for x, _ in quad]
    ys = [y for quad in quads for _, y in quad]
    left, top, right, bottom = min(xs), min(ys), max(xs), max(ys)
    return ((left, top), (right, top), (right, bottom), (left, bottom))
