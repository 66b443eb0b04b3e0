"""Typed errors: one class per failure kind, mapped to wire responses in one place (api.py).

Every refusal of bad input is an ``ImageAuditError`` with a stable machine-readable ``code``;
nothing the caller sends may surface as an untyped exception or an HTTP 500.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # request shape
    INVALID_JSON = "INVALID_JSON"
    INVALID_REQUEST = "INVALID_REQUEST"
    INVALID_PARAMETER = "INVALID_PARAMETER"
    MISSING_IMAGE = "MISSING_IMAGE"
    INVALID_BASE64 = "INVALID_BASE64"
    EMPTY_IMAGE = "EMPTY_IMAGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    # image content
    UNSUPPORTED_IMAGE_FORMAT = "UNSUPPORTED_IMAGE_FORMAT"
    CORRUPT_IMAGE = "CORRUPT_IMAGE"
    IMAGE_TOO_SMALL = "IMAGE_TOO_SMALL"
    IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE"
    # image sources (S3 references)
    SOURCE_MISSING = "SOURCE_MISSING"
    SOURCE_FORBIDDEN = "SOURCE_FORBIDDEN"
    # our fault, never the caller's
    INTERNAL_ERROR = "INTERNAL_ERROR"


_HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.INVALID_JSON: 400,
    ErrorCode.INVALID_REQUEST: 400,
    ErrorCode.INVALID_PARAMETER: 400,
    ErrorCode.MISSING_IMAGE: 400,
    ErrorCode.INVALID_BASE64: 400,
    ErrorCode.EMPTY_IMAGE: 400,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.UNSUPPORTED_IMAGE_FORMAT: 415,
    ErrorCode.CORRUPT_IMAGE: 422,
    ErrorCode.IMAGE_TOO_SMALL: 422,
    ErrorCode.IMAGE_TOO_LARGE: 422,
    ErrorCode.SOURCE_MISSING: 404,
    ErrorCode.SOURCE_FORBIDDEN: 403,
    ErrorCode.INTERNAL_ERROR: 500,
}


class ImageAuditError(Exception):
    """A refusal with a code, a human message and an HTTP status.

    ``retryable`` is False for everything the caller got wrong: sending the same thing
    again gives the same answer.
    """

    def __init__(self, code: ErrorCode, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable

    @property
    def http_status(self) -> int:
        return _HTTP_STATUS[self.code]

    def __repr__(self) -> str:
        return f"ImageAuditError({self.code.value}, {self.message!r})"


class RequestError(ImageAuditError):
    """The request itself is malformed (JSON, fields, parameters)."""


class ImageError(ImageAuditError):
    """The bytes are not an image we accept (format, corruption, size)."""


class SourceError(ImageAuditError):
    """An image referenced by location could not be fetched for a permanent reason."""
