"""炒信 (chaoxin) keyword matching over recognised text: user keywords, user libraries and the built-in
solicitation library, tolerant of the usual disguises (homophones, Latin spellings, traditional
characters, separators, full-width and zero-width characters, OCR line breaks). Pure text: no OCR here.

The rules are documented for users in ``docs/keywords.md``.
"""

from .library import builtin_library, builtin_library_name, split_keywords
from .matcher import find_keywords
from .normalize import fold_keyword

__all__ = ["builtin_library", "builtin_library_name", "find_keywords", "fold_keyword", "split_keywords"]
