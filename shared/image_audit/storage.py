"""S3 adapters: bounded reads of uploaded images, result documents, source-object tags.

Every function takes the boto3 S3 client as a parameter (the API's image fetcher: a function that
returns it); nothing here creates one, so tests pass a moto-backed client and the handlers use the
container's one client from ``image_audit.runtime``. botocore is imported
lazily: on Lambda it comes from the runtime, and the pure core must import without it.

Failures are sorted into three kinds, because each has a different fate on the bucket path:

* permanent, about this one object (deleted before we read it, larger than the limit): a typed
  ``ImageAuditError`` that becomes an error result document;
* transient (S3 5xx, throttling, timeouts, dropped connections): ``is_transient`` is true and the
  delivery is retried, finally landing in the dead-letter queue;
* anything else, e.g. AccessDenied (a configuration bug): re-raised unchanged, also retried and
  dead-lettered, so an alarm on the DLQ sees it instead of a silent per-image error.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from image_audit.contract import BucketResult, S3Ref
from image_audit.errors import ErrorCode, ImageError, SourceError
from image_audit.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import TagTypeDef

logger = logging.getLogger("image_audit")

S3_MAX_KEY_BYTES = 1024
S3_MAX_TAGS = 10
LONG_KEY_FOLDER = "_long-keys/"

# Error codes S3 (and botocore's retry layer) use for faults that go away on their own.
TRANSIENT_ERROR_CODES = frozenset(
    {
        "InternalError",
        "ServiceUnavailable",
        "SlowDown",
        "Throttling",
        "ThrottlingException",
        "RequestTimeout",
        "RequestTimeoutException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "OperationAborted",
    }
)
MISSING_OBJECT_CODES = frozenset({"NoSuchKey", "NoSuchVersion", "404", "NotFound"})
CHANGED_OBJECT_CODES = frozenset({"PreconditionFailed", "412"})
# 409 ConditionalRequestConflict: a concurrent conditional write to the same key won the race.
WRITE_CONFLICT_CODES = frozenset({"PreconditionFailed", "412", "ConditionalRequestConflict", "409"})


class ObjectChangedError(Exception):
    """The object no longer has the ETag its event announced: it was overwritten since."""


class WriteConflictError(Exception):
    """A conditional result write lost to a concurrent writer; re-read and decide again."""


@dataclass(frozen=True)
class StoredObject:
    data: bytes
    etag: str | None
    version_id: str | None


@dataclass(frozen=True)
class StoredResult:
    document: BucketResult | None  # None when the object exists but is not a result document
    etag: str


def error_code(error: BaseException) -> str:
    """The S3 error code of a botocore ClientError ('' for anything else)."""
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return ""
    return str(response.get("Error", {}).get("Code", ""))


def http_status(error: BaseException) -> int:
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return 0
    return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def is_transient(error: BaseException) -> bool:
    """True for faults worth retrying later: S3 5xx/throttling, timeouts and lost connections."""
    from botocore.exceptions import ConnectionError as BotocoreConnectionError
    from botocore.exceptions import HTTPClientError

    if isinstance(error, BotocoreConnectionError | HTTPClientError):
        # EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError...
        return True
    if error_code(error) in TRANSIENT_ERROR_CODES:
        return True
    return http_status(error) >= 500


def is_access_denied(error: BaseException) -> bool:
    return error_code(error) in ("AccessDenied", "AllAccessDisabled", "403") or http_status(error) == 403


def quoted_etag(etag: str) -> str:
    return etag if etag.startswith('"') else f'"{etag}"'


def bare_etag(etag: str | None) -> str | None:
    return etag.strip('"') if etag else etag


def read_object(
    s3: S3Client,
    bucket: str,
    key: str,
    *,
    max_bytes: int,
    version_id: str | None = None,
    expected_etag: str | None = None,
) -> StoredObject:
    """Read one object, refusing it before download when it is larger than ``max_bytes``.

    The size comes from the response headers, so an oversized object costs one request and no
    body transfer; the read itself is bounded too, in case the header lies. With
    ``expected_etag`` the read is conditional (If-Match): an object overwritten since its event
    raises ``ObjectChangedError`` rather than analysing bytes the event did not describe.
    """
    request: dict[str, Any] = {"Bucket": bucket, "Key": key}
    if version_id:
        request["VersionId"] = version_id
    elif expected_etag:
        request["IfMatch"] = quoted_etag(expected_etag)
    try:
        response = s3.get_object(**request)
    except Exception as error:
        code = error_code(error)
        if code in MISSING_OBJECT_CODES:
            raise SourceError(
                ErrorCode.SOURCE_MISSING, f"s3://{bucket}/{key} does not exist (deleted before analysis?)."
            ) from error
        if code in CHANGED_OBJECT_CODES:
            raise ObjectChangedError(f"s3://{bucket}/{key} changed since its event") from error
        raise
    body = response["Body"]
    try:
        declared = int(response.get("ContentLength") or 0)
        if declared > max_bytes:
            raise _too_large(bucket, key, declared, max_bytes)
        data = body.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise _too_large(bucket, key, len(data), max_bytes)
    finally:
        body.close()
    return StoredObject(data=data, etag=bare_etag(response.get("ETag")), version_id=response.get("VersionId"))


def locate_key(
    s3: S3Client,
    bucket: str,
    candidates: Sequence[str],
    *,
    version_id: str | None = None,
    etag: str | None = None,
) -> str | None:
    """Which of several spellings of a key names the object an event describes.

    For EventBridge keys, whose URL-encoding AWS does not document (image_audit.events): each
    candidate is probed with HEAD, pinned to the event's version when it has one. The first whose
    ETag matches the event wins; else the first that exists; None when none can be confirmed (the
    caller then reads its first candidate, whose error says what is wrong). Transient faults
    raise, so the delivery is retried. One HEAD per candidate, and only keys containing "+" or "%"
    have two.
    """
    existing: str | None = None
    for key in candidates:
        request: dict[str, Any] = {"Bucket": bucket, "Key": key}
        if version_id:
            request["VersionId"] = version_id
        try:
            head = s3.head_object(**request)
        except Exception as error:
            code = error_code(error)
            # 404: no such key or version. 400: a version id that is not this key's. 403: S3's
            # answer for a missing key without s3:ListBucket. None of them rules the next one out.
            if code in MISSING_OBJECT_CODES or code in ("400", "InvalidArgument") or is_access_denied(error):
                continue
            raise
        if not etag or bare_etag(head.get("ETag")) == bare_etag(etag):
            return key
        existing = existing or key
    return existing


def _too_large(bucket: str, key: str, size: int, max_bytes: int) -> ImageError:
    return ImageError(
        ErrorCode.IMAGE_TOO_LARGE,
        f"s3://{bucket}/{key} is {size} bytes; objects are limited to {max_bytes} bytes.",
    )


def make_image_fetcher(s3: Callable[[], S3Client], settings: Settings) -> Callable[[S3Ref], bytes]:
    """The API's ``s3`` image source: only the upload bucket, bounded by MAX_OBJECT_BYTES.

    The function's IAM role can read the upload bucket only; refusing other buckets here gives the
    caller a clear 403 instead of an AccessDenied from S3 that would look like our fault. ``s3``
    returns the client and is called only for a reference that is allowed, so API calls with
    inline images never create one.
    """

    def fetch(reference: S3Ref) -> bytes:
        if not settings.UPLOAD_BUCKET or reference.bucket != settings.UPLOAD_BUCKET:
            allowed = settings.UPLOAD_BUCKET or "none configured"
            raise SourceError(
                ErrorCode.SOURCE_FORBIDDEN,
                f"Images can only be read from the upload bucket ({allowed}), not {reference.bucket!r}.",
            )
        stored = read_object(
            s3(),
            reference.bucket,
            reference.key,
            max_bytes=settings.MAX_OBJECT_BYTES,
            version_id=reference.version_id,
        )
        return stored.data

    return fetch


# --------------------------------------------------------------------------- result documents


def result_key(settings: Settings, api: str, source_key: str) -> str:
    """RESULTS_PREFIX + "{api}/" + source key + ".json"; keys over S3's 1024-byte limit are hashed."""
    key = f"{settings.RESULTS_PREFIX}{api}/{source_key}.json"
    if len(key.encode("utf-8")) <= S3_MAX_KEY_BYTES:
        return key
    digest = hashlib.sha256(source_key.encode("utf-8")).hexdigest()
    return f"{settings.RESULTS_PREFIX}{api}/{LONG_KEY_FOLDER}{digest}.json"


def read_result(s3: S3Client, bucket: str, key: str) -> StoredResult | None:
    """The result document at ``key`` with its ETag, or None when there is none yet."""
    try:
        response = s3.get_object(Bucket=bucket, Key=key)
    except Exception as error:
        if error_code(error) in MISSING_OBJECT_CODES:
            return None
        raise
    with response["Body"] as body:
        payload = body.read()
    etag = str(response.get("ETag", ""))
    try:
        return StoredResult(BucketResult.model_validate_json(payload), etag)
    except ValidationError:
        # Written by something else (or an older schema): it carries no source to compare with,
        # so the caller treats it as absent but still writes conditionally on this ETag.
        logger.warning("s3://%s/%s is not a result document; it will be replaced", bucket, key)
        return StoredResult(None, etag)


def write_result(
    s3: S3Client, bucket: str, key: str, document: BucketResult, *, replaces_etag: str | None
) -> None:
    """Write a result document only if the key still holds what we last read (compare-and-swap).

    ``replaces_etag`` None means "only if absent" (If-None-Match: *). Losing the race raises
    ``WriteConflictError`` so the caller re-reads and re-decides: an older event can never
    overwrite a document a newer event wrote in the meantime. SDKs older than S3's conditional
    writes fall back to a plain put (the read-compare window remains, and is documented).
    """
    body = json.dumps(document.model_dump(mode="json"), ensure_ascii=False, indent=1).encode("utf-8")
    request: dict[str, Any] = {
        "Bucket": bucket,
        "Key": key,
        "Body": body,
        "ContentType": "application/json; charset=utf-8",
    }
    if supports_conditional_writes(s3):
        if replaces_etag:
            request["IfMatch"] = replaces_etag
        else:
            request["IfNoneMatch"] = "*"
    try:
        s3.put_object(**request)
    except Exception as error:
        if error_code(error) in WRITE_CONFLICT_CODES:
            raise WriteConflictError(f"s3://{bucket}/{key} was written concurrently") from error
        raise


def supports_conditional_writes(s3: S3Client) -> bool:
    shape = s3.meta.service_model.operation_model("PutObject").input_shape
    members = shape.members if shape is not None else {}
    return "IfMatch" in members and "IfNoneMatch" in members


# --------------------------------------------------------------------------- source tags


def tag_source(
    s3: S3Client, bucket: str, key: str, version_id: str | None, tag_key: str, tag_value: str
) -> bool:
    """Set one tag on the source object, keeping its other tags. Returns whether a write happened.

    PutObjectTagging replaces the whole tag set, so the set is read, merged and written back; an
    unchanged tag is not written again (a duplicate delivery has no second side effect). Objects
    that already carry S3's maximum of 10 other tags are left alone. Tagging emits no
    ObjectCreated event, so it cannot re-trigger the analysis.
    """
    target: dict[str, Any] = {"Bucket": bucket, "Key": key}
    if version_id:
        target["VersionId"] = version_id
    try:
        tags = {tag["Key"]: tag["Value"] for tag in s3.get_object_tagging(**target)["TagSet"]}
    except Exception as error:
        if error_code(error) in MISSING_OBJECT_CODES:
            return False  # deleted meanwhile: nothing left to tag
        raise
    if tags.get(tag_key) == tag_value:
        return False
    if tag_key not in tags and len(tags) >= S3_MAX_TAGS:
        logger.warning("s3://%s/%s already has %d tags; %s not added", bucket, key, S3_MAX_TAGS, tag_key)
        return False
    tags[tag_key] = tag_value
    tag_set: list[TagTypeDef] = [{"Key": name, "Value": value} for name, value in sorted(tags.items())]
    try:
        s3.put_object_tagging(**target, Tagging={"TagSet": tag_set})
    except Exception as error:
        if error_code(error) in MISSING_OBJECT_CODES:
            return False
        raise
    return True
