"""Keyword libraries: the built-in data file, user keywords and user libraries, compiled to regexes.

A *family* is what one reported keyword stands for: the keyword itself plus its variants (for the
built-in library and for user keywords that name a built-in entry), each compiled to a separator-tolerant
regex over folded text (see ``normalize``). Guards are benign phrases that contain a family's keyword.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from image_audit.contract import KeywordCategory

from .normalize import LINE_BREAK, SEPARATOR_CLASS, fold_keyword

BUILTIN_FILE = Path(__file__).parent / "data" / "solicitation.json"
USER_LIBRARY = "user"
BUILTIN_PREFIX = "builtin:"

# Between two characters of a keyword: up to three separators, and at most one OCR line break.
GAP = rf"{SEPARATOR_CLASS}{{0,3}}(?:{LINE_BREAK}{SEPARATOR_CLASS}{{0,3}})?"
# Between a cue word and the account it introduces (微信号：abc123, QQ群 123456).
_CUE_JOIN = rf"(?:号码|号|群)?{GAP}"
_KEYWORD_SPLIT = re.compile(r"[,，、;；\r\n]+")

EdgeRule = Literal["letter", "alnum"]


def split_keywords(raw: str) -> list[str]:
    """The Aliyun ``keyword`` field: one keyword or several separated by , ， 、 ; ； (or line breaks).

    Whitespace around each keyword is trimmed, empty ones dropped and repeats removed, keeping order.
    """
    seen: dict[str, None] = {}
    for part in _KEYWORD_SPLIT.split(raw):
        keyword = part.strip()
        if keyword:
            seen.setdefault(keyword, None)
    return list(seen)


# --------------------------------------------------------------------------- data file schema


class _FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VariantSpec(_FileModel):
    text: str = Field(min_length=1)
    edges: EdgeRule = Field(
        "letter",
        description="letter: a Latin letter at an edge must not touch another Latin letter (a digit edge "
        "must not touch a digit); alnum: a Latin letter or digit at an edge must not touch either.",
    )
    context: Literal["contact"] | None = Field(None, description="Only counts in a contact context.")


class EntrySpec(_FileModel):
    keyword: str = Field(min_length=1)
    category: Literal["block", "review"]
    note: str
    variants: list[str | VariantSpec] = Field(min_length=1)
    guards: list[str] = []


class PatternSpec(_FileModel):
    name: str
    keyword: str
    category: Literal["block", "review"]
    note: str
    regex: str | None = Field(None, description="A standalone regex over folded text.")
    cue: str | None = Field(None, description="Keyword of the entries whose variants introduce the value.")
    value: str | None = Field(None, description="Regex of the value that follows the cue.")


class ContactContextSpec(_FileModel):
    note: str
    before: str = Field(description="Searched in the folded text that ends where the variant starts.")
    after: str = Field(description="Matched at the folded text right after the variant.")


class LibraryFile(_FileModel):
    name: str
    version: str
    about: str
    contact_context: ContactContextSpec
    entries: list[EntrySpec]
    patterns: list[PatternSpec]


# --------------------------------------------------------------------------- compiled forms


@dataclass(frozen=True, slots=True)
class ContactContext:
    before: re.Pattern[str]
    after: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Term:
    """One searchable spelling of a family."""

    folded: str
    regex: re.Pattern[str]
    edges: EdgeRule
    contact: ContactContext | None  # set when the spelling only counts in a contact context


@dataclass(frozen=True, slots=True)
class Family:
    """Everything that is reported as one keyword by one library."""

    keyword: str
    folded_keyword: str
    category: KeywordCategory
    library: str
    terms: tuple[Term, ...]
    guards: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class PatternRule:
    name: str
    keyword: str
    category: KeywordCategory
    library: str
    regex: re.Pattern[str]  # cue rules have the named groups "cue" and "value"
    has_cue: bool
    guards: tuple[re.Pattern[str], ...]  # guards of the cue's family, checked against the cue


@dataclass(frozen=True, slots=True)
class CompiledLibrary:
    name: str
    version: str
    families: tuple[Family, ...]
    patterns: tuple[PatternRule, ...]

    def family_parts(self, folded_keyword: str) -> tuple[tuple[Term, ...], tuple[re.Pattern[str], ...]]:
        """The variants and guards of every entry whose keyword folds to ``folded_keyword``."""
        terms: list[Term] = []
        guards: list[re.Pattern[str]] = []
        for family in self.families:
            if family.folded_keyword == folded_keyword:
                terms.extend(family.terms)
                guards.extend(family.guards)
        return tuple(terms), tuple(guards)


def term_regex_source(folded: str) -> str:
    return GAP.join(re.escape(char) for char in folded)


@functools.lru_cache(maxsize=4096)
def compile_folded(folded: str) -> re.Pattern[str]:
    return re.compile(term_regex_source(folded))


def make_term(text: str, edges: EdgeRule = "letter", contact: ContactContext | None = None) -> Term | None:
    folded = fold_keyword(text)
    if not folded:
        return None
    return Term(folded, compile_folded(folded), edges, contact)


def _unique_terms(terms: Iterable[Term | None]) -> tuple[Term, ...]:
    unique: dict[str, Term] = {}
    for term in terms:
        if term is not None:
            unique.setdefault(term.folded, term)
    return tuple(unique.values())


def _compile_guards(phrases: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(compile_folded(folded) for folded in dict.fromkeys(map(fold_keyword, phrases)) if folded)


def _cue_alternation(terms: Iterable[Term]) -> str:
    """Regex of the cue words, longest first; a cue that starts with a Latin letter or digit may not follow
    another one (0qq123456 is no QQ cue)."""
    alternatives = []
    for term in sorted(terms, key=lambda t: len(t.folded), reverse=True):
        source = term_regex_source(term.folded)
        if term.folded[0].isascii() and term.folded[0].isalnum():
            source = r"(?<![a-z0-9])" + source
        alternatives.append(source)
    return "|".join(alternatives)


def compile_library(spec: LibraryFile, library_name: str) -> CompiledLibrary:
    contact = ContactContext(re.compile(spec.contact_context.before), re.compile(spec.contact_context.after))
    families: list[Family] = []
    for entry in spec.entries:
        terms = []
        for variant in entry.variants:
            if isinstance(variant, str):
                terms.append(make_term(variant))
            else:
                context = contact if variant.context == "contact" else None
                terms.append(make_term(variant.text, variant.edges, context))
        families.append(
            Family(
                keyword=entry.keyword,
                folded_keyword=fold_keyword(entry.keyword),
                category=entry.category,
                library=library_name,
                terms=_unique_terms(terms),
                guards=_compile_guards(entry.guards),
            )
        )
    compiled = CompiledLibrary(spec.name, spec.version, tuple(families), ())
    patterns: list[PatternRule] = []
    for pattern in spec.patterns:
        if pattern.cue is not None and pattern.value is not None:
            cue_terms, cue_guards = compiled.family_parts(fold_keyword(pattern.cue))
            if not cue_terms:
                raise ValueError(f"pattern {pattern.name}: no entry has the cue keyword {pattern.cue!r}")
            source = f"(?P<cue>{_cue_alternation(cue_terms)}){_CUE_JOIN}(?P<value>{pattern.value})"
            regex, has_cue, guards = re.compile(source), True, cue_guards
        elif pattern.regex is not None and pattern.cue is None and pattern.value is None:
            regex, has_cue, guards = re.compile(pattern.regex), False, ()
        else:
            raise ValueError(f"pattern {pattern.name}: give either regex, or cue and value")
        patterns.append(
            PatternRule(pattern.name, pattern.keyword, pattern.category, library_name, regex, has_cue, guards)
        )
    return CompiledLibrary(spec.name, spec.version, tuple(families), tuple(patterns))


@functools.cache
def builtin_library() -> CompiledLibrary:
    """The built-in solicitation library, read and compiled once per process."""
    spec = LibraryFile.model_validate(json.loads(BUILTIN_FILE.read_text(encoding="utf-8")))
    return compile_library(spec, BUILTIN_PREFIX + spec.name)


def builtin_library_name() -> str:
    return BUILTIN_PREFIX + builtin_library().name


def user_family(keyword: str, library: str, category: KeywordCategory) -> Family | None:
    """A user keyword (or a word of a user library) as a family.

    When the keyword names a built-in entry (微信, QQ, 刷單 …, compared after folding) it brings that
    entry's variants and guards along, so asking for 微信 also finds 薇信 or VX. ``None`` when nothing
    comparable is left after folding (a keyword made only of punctuation).
    """
    folded = fold_keyword(keyword)
    if not folded:
        return None
    builtin_terms, guards = builtin_library().family_parts(folded)
    terms = _unique_terms((make_term(keyword), *builtin_terms))
    return Family(keyword, folded, category, library, terms, guards)
