"""The wire contract of all three APIs, in one place.

Two dialects share each route and are told apart by the body (see ``api.py``):

* the original Aliyun envelope (``{"inputs": [...]}`` in, ``{"outputs": [...]}`` out), kept
  byte-compatible with the retired service, and
* a native JSON API (``{"image": "<base64>", ...options}`` or a raw ``image/*`` body) that
  answers with the rich result: verdict, measurements, evidence, timings and versions.

``openapi.json`` at the repository root is generated from these models
(``infra/gen_openapi.py``) and the contract tests validate real responses against it.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

# --------------------------------------------------------------------------- common pieces

ApiName = Literal["white_background", "keyword", "psoriasis"]


class Strict(BaseModel):
    """Native requests refuse unknown fields: a typo in an option is an error, not a no-op."""

    model_config = ConfigDict(extra="forbid")


class Box(BaseModel):
    """Axis-aligned box in pixels of the upright (EXIF-applied) original image."""

    x: int
    y: int
    width: int
    height: int


Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]


class S3Ref(Strict):
    bucket: str = Field(min_length=3, max_length=63)
    key: str = Field(min_length=1, max_length=1024)
    version_id: str | None = None


class ImageInfo(BaseModel):
    format: str = Field(description="Format found by magic bytes: JPEG, PNG, WEBP, BMP or GIF.")
    width: int = Field(description="Width of the upright original image.")
    height: int = Field(description="Height of the upright original image.")
    bytes: int
    analysed_width: int = Field(description="Width actually analysed (reduced decoding).")
    analysed_height: int
    exif_transposed: bool = False
    animated: bool = Field(False, description="Animated GIF/WebP: only the first frame is analysed.")
    has_alpha: bool = False


class ErrorDetail(BaseModel):
    code: str
    message: str
    retryable: bool = False


class ErrorBody(BaseModel):
    """Native API error body, sent with an HTTP 4xx (or 5xx for our own faults)."""

    error: ErrorDetail


# --------------------------------------------------------------------------- white background


class WhiteBackgroundOptions(Strict):
    margin: int = Field(5, ge=1, le=1000, description="Edge band width in pixels (original).")
    background_pixel: int = Field(255, ge=0, le=255, description="Grey level that counts as white.")
    tolerance: int = Field(
        10,
        ge=0,
        le=64,
        description="How far below background_pixel a single noisy pixel may fall and still be white.",
    )
    preset: Literal["amazon"] | None = Field(None, description="Also run a marketplace's main-image checks.")
    transparent_as_white: bool = Field(
        True, description="Count fully transparent background pixels as white (they render on white)."
    )


class EdgeStats(BaseModel):
    white_ratio: float
    median_rgb: tuple[int, int, int]


class MarketplaceCheck(BaseModel):
    name: str
    passed: bool
    measured: float | str | None
    required: str


class ProductRegion(BaseModel):
    box: Box
    fill_ratio: float = Field(description="Product extent over the frame on its longest side (0..1).")
    touches: list[Literal["top", "bottom", "left", "right"]]


class WhiteBackgroundResult(BaseModel):
    is_white: bool
    white_ratio: float = Field(description="White share of the whole edge band.")
    edges: dict[Literal["top", "bottom", "left", "right"], EdgeStats]
    background_rgb: tuple[int, int, int]
    exact_white_share: float = Field(description="Share of edge-band pixels exactly at background_pixel.")
    white_corners: int
    frame_detected: bool
    transparent_background: bool
    reasons: list[str] = Field(description="Why the background is not white; empty when it is.")
    product: ProductRegion | None
    checks: list[MarketplaceCheck] = []


# --------------------------------------------------------------------------- keyword (chaoxin)

KeywordCategory = Literal["block", "review", "allow"]
MatchRule = Literal["exact", "variant", "pattern"]


class KeywordLibrary(Strict):
    name: str = Field(min_length=1, max_length=64)
    category: KeywordCategory = "block"
    words: list[str] = Field(min_length=1, max_length=2000)


class KeywordOptions(Strict):
    keywords: list[str] = Field(default_factory=list, max_length=200)
    libraries: list[KeywordLibrary] = Field(default_factory=list, max_length=10)
    use_builtin: bool | None = Field(
        None,
        description="Search the built-in solicitation library; default: only when no keywords are given.",
    )
    return_text: bool = Field(False, description="Also return every recognised text line.")


class TextLineOut(BaseModel):
    text: str
    box: Quad
    confidence: float


class KeywordMatch(BaseModel):
    keyword: str = Field(description="The keyword (or library entry) that matched.")
    printed: str = Field(description="The text actually printed, as recognised.")
    normalized: str
    rule: MatchRule
    library: str
    category: KeywordCategory
    line_index: int
    line_text: str
    box: Quad
    confidence: float
    guarded: bool = Field(
        False,
        description=(
            "An exact occurrence inside a benign phrase (e.g. 微信支付): reported, not a solicitation."
        ),
    )


class KeywordResult(BaseModel):
    has_match: bool
    matches: list[KeywordMatch]
    searched: list[str] = Field(description="The keywords and libraries searched.")
    lines: list[TextLineOut] | None = None


# --------------------------------------------------------------------------- psoriasis (牛皮癣)

RegionKind = Literal["overlay_text", "watermark", "logo_badge"]


class PsoriasisOptions(Strict):
    threshold: float = Field(0.5, ge=0.0, le=1.0, description="Verdict threshold on prob.")
    return_text: bool = Field(False, description="Recognise the text of each region.")


class PsoriasisRegion(BaseModel):
    box: Box
    kind: RegionKind
    score: float
    text: str | None = None


class ProductTextRegion(BaseModel):
    box: Box
    score: float = Field(description="Overlay score of this region (low: judged part of the product).")
    text: str | None = None


class PsoriasisResult(BaseModel):
    prob: float
    is_psoriasis: bool
    threshold: float
    grade: Literal["none", "light", "heavy"]
    regions: list[PsoriasisRegion]
    product_text: list[ProductTextRegion]


# --------------------------------------------------------------------------- native envelope

ResultT = TypeVar("ResultT", bound=BaseModel)


class NativeResponse(BaseModel, Generic[ResultT]):
    api: ApiName
    errno: Literal[0] = 0
    version: str = Field(description="Algorithm/model version that produced the result.")
    image: ImageInfo
    result: ResultT
    timings_ms: dict[str, float]


class ImageSource(Strict):
    """Where the native request's image comes from: inline base64 or an S3 object."""

    image: str | None = Field(None, description="Base64 image bytes (standard or URL-safe alphabet).")
    s3: S3Ref | None = None


class WhiteBackgroundRequest(ImageSource, WhiteBackgroundOptions):
    pass


class KeywordRequest(ImageSource, KeywordOptions):
    pass


class PsoriasisRequest(ImageSource, PsoriasisOptions):
    pass


# --------------------------------------------------------------------------- Aliyun envelope


class AliyunValue(BaseModel):
    dataType: int = Field(description="50 = string, 10 = integer.")
    dataValue: Any


class AliyunInput(BaseModel):
    """One input: ``image`` plus per-API parameters as sibling fields, plus ``configure``.

    Unknown siblings are ignored (old clients send extra fields); ``configure.dataValue`` may be
    an object or a JSON-encoded string.
    """

    model_config = ConfigDict(extra="allow")

    image: AliyunValue
    configure: AliyunValue | None = None


class AliyunRequest(BaseModel):
    inputs: list[AliyunInput] = Field(min_length=1, max_length=16)


class AliyunOutput(BaseModel):
    outputLabel: str
    outputMulti: dict[str, Any] = Field(default_factory=dict)
    outputValue: AliyunValue


class AliyunResponse(BaseModel):
    outputs: list[AliyunOutput]


class AliyunWhiteBackgroundValue(BaseModel):
    errno: Literal[0] = 0
    isWhite: Literal[0, 1]


class AliyunPsoriasisValue(BaseModel):
    errno: Literal[0] = 0
    isPsoriasis: Literal[0, 1]
    prob: float


class AliyunErrorValue(BaseModel):
    """An input that could not be analysed: ``errno: -1`` as the original, plus code and message."""

    errno: Literal[-1] = -1
    code: str
    message: str


DataValueFormat = Literal["object", "string"]


# --------------------------------------------------------------------------- bucket result documents
# (issue 5: bucket uploads) One JSON document per uploaded image per API, written to
# RESULTS_BUCKET at RESULTS_PREFIX + "{api}/" + source key + ".json" by image_audit.bucket.


class SourceObject(BaseModel):
    """The uploaded object a document was computed from, as its notification described it.

    ``sequencer`` orders the events of one key (S3 documents it for that purpose); it, ``etag`` and
    ``version_id`` are what a later delivery is compared with to tell a duplicate or a stale event
    from a newer upload of the same key.
    """

    bucket: str
    key: str = Field(description="Object key as stored in S3 (decoded, not URL-encoded).")
    version_id: str | None = None
    etag: str | None = None
    size: int | None = None
    sequencer: str | None = None


class BucketResult(BaseModel):
    """Outcome of one uploaded image for one API: the native response, or an error (``errno: -1``)."""

    schema_version: Literal[1] = 1
    api: ApiName
    errno: Literal[0, -1]
    version: str = Field(description="Algorithm/model version of the API that wrote the document.")
    source: SourceObject
    verdict: str = Field(description="Short verdict; also the value of the optional source-object tag.")
    response: NativeResponse[Any] | None = Field(
        None, description="The native API response for this image (errno 0 only)."
    )
    code: str | None = Field(None, description="Error code, as the API's (errno -1 only).")
    message: str | None = None
