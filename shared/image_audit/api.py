"""One request path for all three APIs: parse the dialect, decode the image, analyse, answer.

Each API is described by an ``ApiSpec`` (its options model, its pure analysis function and how its
result maps onto the Aliyun envelope). ``answer`` turns any ``HttpRequest`` into an
``HttpResponse`` and never raises: bad input becomes a typed 4xx, and an unexpected fault of ours a
500 ``INTERNAL_ERROR`` with no stack trace in the body.

Dialects on the same route, told apart by the body:

* ``{"inputs": [...]}``: the Aliyun envelope. Each input is answered in order with one output; an
  input that cannot be analysed gets ``{"errno": -1, "code", "message"}`` as its ``dataValue``. The
  HTTP status is 200 when at least one input was analysed, otherwise the first input's 4xx status.
* any other JSON object: the native API (``image`` as base64, or ``s3``, plus the options).
* a raw ``image/*`` or ``application/octet-stream`` body: the native API, options in the query string.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from image_audit.contract import (
    AliyunErrorValue,
    AliyunInput,
    AliyunOutput,
    AliyunRequest,
    AliyunResponse,
    AliyunValue,
    ApiName,
    DataValueFormat,
    ErrorBody,
    ErrorDetail,
    ImageSource,
    NativeResponse,
    S3Ref,
)
from image_audit.errors import ErrorCode, ImageAuditError, RequestError
from image_audit.events import HttpRequest, HttpResponse
from image_audit.imaging import DecodedImage, DecodeLimits, decode_image
from image_audit.settings import Settings

logger = logging.getLogger("image_audit")

OptionsT = TypeVar("OptionsT", bound=BaseModel)
ResultT = TypeVar("ResultT", bound=BaseModel)

ImageFetcher = Callable[[S3Ref], bytes]
"""Reads an S3-referenced image (bounded by MAX_OBJECT_BYTES); raises SourceError for permanent faults."""

DATA_TYPE_STRING = 50
JSON_CONTENT_TYPES = ("application/json", "text/json", "text/plain", "")
RAW_IMAGE_CONTENT_TYPES = ("application/octet-stream",)


def _no_text_params(params: dict[str, Any]) -> dict[str, Any]:
    return params


@dataclass(frozen=True)
class ApiSpec(Generic[OptionsT, ResultT]):
    name: ApiName
    output_label: str
    version: str
    options_model: type[OptionsT]
    request_model: type[ImageSource]
    result_model: type[ResultT]
    analyze: Callable[[DecodedImage, OptionsT], ResultT]
    aliyun_value: Callable[[ResultT], BaseModel | str]
    # Maps the Aliyun sibling/query parameter spellings onto option fields (e.g. keyword -> keywords).
    text_params: Callable[[dict[str, Any]], dict[str, Any]] = _no_text_params
    decode_max_side: int | None = None
    response_model: type[NativeResponse[Any]] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "response_model", NativeResponse[self.result_model])  # type: ignore[name-defined]


@dataclass(frozen=True)
class Analysis(Generic[ResultT]):
    """A finished analysis, before it is written in one dialect or the other."""

    response: NativeResponse[Any]
    result: ResultT


def answer(
    api: ApiSpec[Any, Any],
    request: HttpRequest,
    settings: Settings,
    fetch: ImageFetcher | None = None,
) -> HttpResponse:
    try:
        if request.method not in ("POST", "PUT"):
            raise RequestError(ErrorCode.METHOD_NOT_ALLOWED, f"{request.method} is not supported; use POST.")
        if request.parsed_body is not None:
            return _answer_json(api, request.parsed_body, settings, fetch)
        body = request.body()
        content_type = request.content_type
        if content_type.startswith("image/") or content_type in RAW_IMAGE_CONTENT_TYPES:
            _check_inline_size(len(body), settings)
            options = validate_options(api, api.text_params(dict(request.query)), strict=True)
            return HttpResponse(200, analyse(api, body, options, settings).response.model_dump(mode="json"))
        if content_type not in JSON_CONTENT_TYPES:
            raise RequestError(
                ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                f"Content-Type {content_type!r} is not supported; send application/json or image/*.",
            )
        return _answer_json(api, _parse_json(body), settings, fetch)
    except ImageAuditError as error:
        _log_refusal(api, error)
        return error_response(error)
    except Exception:
        logger.exception("internal error in %s", api.name)
        return error_response(
            ImageAuditError(
                ErrorCode.INTERNAL_ERROR, "Internal error; the request was not analysed.", retryable=True
            )
        )


def analyse(
    api: ApiSpec[OptionsT, ResultT], data: bytes, options: OptionsT, settings: Settings
) -> Analysis[ResultT]:
    """Decode and analyse one image: the pure core shared by the API, the bucket path and the CLI."""
    started = time.perf_counter()
    limits = DecodeLimits(max_bytes=settings.MAX_OBJECT_BYTES, max_pixels=settings.MAX_IMAGE_PIXELS)
    image = decode_image(data, max_side=api.decode_max_side, limits=limits)
    decoded = time.perf_counter()
    result = api.analyze(image, options)
    finished = time.perf_counter()
    response = api.response_model(
        api=api.name,
        version=api.version,
        image=image.info,
        result=result,
        timings_ms={
            "decode": round((decoded - started) * 1000, 2),
            "analyze": round((finished - decoded) * 1000, 2),
            "total": round((finished - started) * 1000, 2),
        },
    )
    return Analysis(response=response, result=result)


def error_response(error: ImageAuditError) -> HttpResponse:
    body = ErrorBody(
        error=ErrorDetail(code=error.code.value, message=error.message, retryable=error.retryable)
    )
    return HttpResponse(error.http_status, body.model_dump(mode="json"))


def validate_options(api: ApiSpec[OptionsT, Any], params: Mapping[str, Any], *, strict: bool) -> OptionsT:
    """Options from loose input. Strict (native) refuses unknown names; Aliyun ignores them."""
    if not strict:
        params = {name: value for name, value in params.items() if name in api.options_model.model_fields}
    try:
        return api.options_model.model_validate(params)
    except ValidationError as exc:
        raise RequestError(ErrorCode.INVALID_PARAMETER, _describe(exc)) from exc


def decode_base64_image(text: Any, settings: Settings) -> bytes:
    """Base64 from the wire: standard or URL-safe alphabet, padding optional, whitespace and
    ``data:image/...;base64,`` prefixes tolerated (old clients send both)."""
    if not isinstance(text, str):
        raise RequestError(ErrorCode.INVALID_PARAMETER, "The image must be a base64 string.")
    cleaned = text.strip()
    if cleaned.startswith("data:") and "," in cleaned:
        cleaned = cleaned.split(",", 1)[1]
    cleaned = "".join(cleaned.split())
    if not cleaned:
        raise RequestError(ErrorCode.EMPTY_IMAGE, "The image is empty.")
    _check_inline_size(len(cleaned) * 3 // 4, settings)
    cleaned = cleaned.replace("-", "+").replace("_", "/")
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        data = base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise RequestError(ErrorCode.INVALID_BASE64, "The image is not valid base64.") from exc
    if not data:
        raise RequestError(ErrorCode.EMPTY_IMAGE, "The image is empty.")
    return data


def _answer_json(
    api: ApiSpec[Any, Any], payload: Any, settings: Settings, fetch: ImageFetcher | None
) -> HttpResponse:
    if isinstance(payload, dict) and "inputs" in payload:
        return _answer_aliyun(api, payload, settings)
    if isinstance(payload, dict):
        return _answer_native(api, payload, settings, fetch)
    raise RequestError(ErrorCode.INVALID_REQUEST, "The JSON body must be an object.")


# --------------------------------------------------------------------------- native dialect


def _answer_native(
    api: ApiSpec[Any, Any], payload: dict[str, Any], settings: Settings, fetch: ImageFetcher | None
) -> HttpResponse:
    try:
        request = api.request_model.model_validate(payload)
    except ValidationError as exc:
        raise RequestError(ErrorCode.INVALID_PARAMETER, _describe(exc)) from exc
    if request.image is not None and request.s3 is not None:
        raise RequestError(ErrorCode.INVALID_REQUEST, "Send either image or s3, not both.")
    if request.image is not None:
        data = decode_base64_image(request.image, settings)
    elif request.s3 is not None:
        if fetch is None:
            raise RequestError(
                ErrorCode.INVALID_PARAMETER, "s3 references are not enabled on this deployment."
            )
        data = fetch(request.s3)
    else:
        raise RequestError(ErrorCode.MISSING_IMAGE, "The request has no image (send image as base64, or s3).")
    options = api.options_model.model_validate(
        request.model_dump(include=set(api.options_model.model_fields))
    )
    return HttpResponse(200, analyse(api, data, options, settings).response.model_dump(mode="json"))


# --------------------------------------------------------------------------- Aliyun dialect


def _answer_aliyun(api: ApiSpec[Any, Any], payload: dict[str, Any], settings: Settings) -> HttpResponse:
    try:
        envelope = AliyunRequest.model_validate(payload)
    except ValidationError as exc:
        raise RequestError(ErrorCode.INVALID_REQUEST, _describe(exc)) from exc
    outputs: list[AliyunOutput] = []
    statuses: list[int] = []
    for item in envelope.inputs:
        data_format: DataValueFormat = settings.ALIYUN_DATA_VALUE_FORMAT
        value: BaseModel | str
        try:
            params = _aliyun_params(item)
            data_format = _data_value_format(params.pop("dataValueFormat", data_format))
            options = validate_options(api, api.text_params(params), strict=False)
            if item.image.dataType != DATA_TYPE_STRING:
                raise RequestError(ErrorCode.INVALID_PARAMETER, "image.dataType must be 50 (base64 string).")
            data = decode_base64_image(item.image.dataValue, settings)
            value = api.aliyun_value(analyse(api, data, options, settings).result)
            statuses.append(200)
        except ImageAuditError as error:
            _log_refusal(api, error)
            value = AliyunErrorValue(code=error.code.value, message=error.message)
            statuses.append(error.http_status)
        except Exception:
            logger.exception("internal error in %s", api.name)
            value = AliyunErrorValue(code=ErrorCode.INTERNAL_ERROR.value, message="Internal error.")
            statuses.append(500)
        outputs.append(_aliyun_output(api, value, data_format))
    status = 200 if 200 in statuses else statuses[0]
    return HttpResponse(status, AliyunResponse(outputs=outputs).model_dump(mode="json"))


def _aliyun_params(item: AliyunInput) -> dict[str, Any]:
    """Sibling parameters ({"dataType": 10, "dataValue": 5}) merged over ``configure``."""
    params: dict[str, Any] = {}
    if item.configure is not None:
        configure = item.configure.dataValue
        if isinstance(configure, str):
            try:
                configure = json.loads(configure) if configure.strip() else {}
            except json.JSONDecodeError as exc:
                raise RequestError(
                    ErrorCode.INVALID_PARAMETER, "configure.dataValue is not valid JSON."
                ) from exc
        if not isinstance(configure, dict):
            raise RequestError(ErrorCode.INVALID_PARAMETER, "configure.dataValue must be a JSON object.")
        params.update(configure)
    for name, wrapped in (item.model_extra or {}).items():
        params[name] = (
            wrapped.get("dataValue") if isinstance(wrapped, dict) and "dataValue" in wrapped else wrapped
        )
    return params


def _data_value_format(value: Any) -> DataValueFormat:
    if value in ("object", "string"):
        return value
    raise RequestError(ErrorCode.INVALID_PARAMETER, "dataValueFormat must be 'object' or 'string'.")


def _aliyun_output(
    api: ApiSpec[Any, Any], value: BaseModel | str, data_format: DataValueFormat
) -> AliyunOutput:
    data_value: Any = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    if data_format == "string" and not isinstance(data_value, str):
        data_value = json.dumps(data_value, ensure_ascii=False, separators=(",", ":"))
    return AliyunOutput(
        outputLabel=api.output_label,
        outputValue=AliyunValue(dataType=DATA_TYPE_STRING, dataValue=data_value),
    )


# --------------------------------------------------------------------------- helpers


def _parse_json(body: bytes) -> Any:
    if not body.strip():
        raise RequestError(ErrorCode.INVALID_REQUEST, "The request body is empty.")
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RequestError(ErrorCode.INVALID_JSON, f"The body is not valid JSON: {exc}.") from exc


def _check_inline_size(size: int, settings: Settings) -> None:
    if size > settings.MAX_API_IMAGE_BYTES:
        raise RequestError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"Inline images are limited to {settings.MAX_API_IMAGE_BYTES} bytes; upload larger images "
            "to the bucket or pass an s3 reference.",
        )


def _describe(error: ValidationError) -> str:
    parts = []
    for issue in error.errors(include_url=False, include_input=False)[:5]:
        location = ".".join(str(part) for part in issue["loc"]) or "body"
        parts.append(f"{location}: {issue['msg']}")
    return "; ".join(parts)


def _log_refusal(api: ApiSpec[Any, Any], error: ImageAuditError) -> None:
    logger.info("refused %s request: %s", api.name, error.code.value)


def fingerprint(data: bytes) -> str:
    """sha256 of the image bytes, for logs and result documents (never the bytes themselves)."""
    return hashlib.sha256(data).hexdigest()
