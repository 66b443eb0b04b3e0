"""Chaoxin (炒信) keyword API: OCR the image, then match keywords that survive disguises.

OCR is the PP-OCRv4 pipeline of ``image_audit.ocr`` (models from the rapidocr-onnxruntime wheel,
one engine per container with fixed settings and explicit onnxruntime threads); matching is the
pure-text engine of ``image_audit.keywords``. Per-request options (keywords, libraries, whether to
return the text) only shape our own post-processing, never the shared engine.
"""

from __future__ import annotations

from typing import Any

from image_audit.api import ApiSpec
from image_audit.contract import KeywordOptions, KeywordRequest, KeywordResult, TextLineOut
from image_audit.errors import ErrorCode, RequestError
from image_audit.imaging import DecodedImage
from image_audit.keywords import find_keywords, split_keywords
from image_audit.ocr import DEFAULT_OCR_CONFIG, get_ocr_engine

VERSION = "keyword/1.0 (PP-OCRv4 mobile det+rec, solicitation library 1)"


def analyze_keywords(image: DecodedImage, options: KeywordOptions) -> KeywordResult:
    lines = get_ocr_engine(DEFAULT_OCR_CONFIG).read(image.rgb)
    matches, searched = find_keywords(lines, options)
    return KeywordResult(
        has_match=bool(matches),
        matches=matches,
        searched=searched,
        lines=[TextLineOut(text=line.text, box=line.box, confidence=line.score) for line in lines]
        if options.return_text
        else None,
    )


def aliyun_keyword_value(result: KeywordResult) -> str:
    """The original answer: matched keywords joined by commas, one entry per occurrence ("水分,水分").

    Guarded occurrences (e.g. 微信 inside 微信支付) are included when the caller asked for that
    word explicitly: it is printed, and the original reported every occurrence it found.
    """
    return ",".join(match.keyword for match in result.matches)


def keyword_text_params(params: dict[str, Any]) -> dict[str, Any]:
    """Aliyun ``keyword`` ("微信,代理" or "微信，代理") and query-string ``keywords`` become a list.

    A ``keyword`` that is not a string (a number, an object) is refused: silently dropping it would
    search the built-in library instead of what the caller asked for.
    """
    params = dict(params)
    raw = params.pop("keyword", None)
    if raw is not None and not isinstance(raw, str):
        raise RequestError(
            ErrorCode.INVALID_PARAMETER, 'keyword must be a string (dataType 50), e.g. "微信,代理".'
        )
    if isinstance(raw, str):
        params["keywords"] = split_keywords(raw)
    if isinstance(params.get("keywords"), str):
        params["keywords"] = split_keywords(params["keywords"])
    return params


KEYWORD_API: ApiSpec[KeywordOptions, KeywordResult] = ApiSpec(
    name="keyword",
    output_label="ocr_keyword",
    version=VERSION,
    options_model=KeywordOptions,
    request_model=KeywordRequest,
    result_model=KeywordResult,
    analyze=analyze_keywords,
    aliyun_value=aliyun_keyword_value,
    text_params=keyword_text_params,
)
