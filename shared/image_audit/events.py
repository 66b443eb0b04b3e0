"""Event adapters: every way a function can be invoked, reduced to one of two typed calls.

* ``ApiCall``: an HTTP-like request (API Gateway REST v1 or HTTP API v2 proxy events, or a direct
  invocation whose event *is* the JSON body) plus how to wrap the answer for that caller;
* ``BucketCall``: object-created notifications (S3 direct, EventBridge, or either wrapped in SQS),
  with keys already URL-decoded, or an acknowledgement-only event such as ``s3:TestEvent``.

Event shapes come from Powertools' data classes; only what they do not do (base64 bodies as bytes,
per-record key decoding, optional object fields) is written here. Optional fields are read with
``.get()``: S3 omits ``versionId``/``version-id`` for unversioned buckets, and ``sequencer``,
``eTag`` and ``size`` are not promised by every event type, so a missing one is ``None`` rather than
a KeyError that would dead-letter a good upload.

Object keys:

* direct S3 notifications (and those wrapped in SNS/SQS) carry the key URL-encoded ("red flower.jpg"
  arrives as "red+flower.jpg"), as the S3 user guide says in "Event message structure"
  (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html);
  it is decoded with ``unquote_plus``;
* EventBridge "Object Created" events: the S3 user guide's "EventBridge event message structure"
  (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html) does not say whether
  ``detail.object.key`` is encoded (its examples are plain ASCII keys), while Powertools'
  ``S3EventBridgeNotificationObject.key`` applies ``unquote_plus`` and moto sends the key raw.
  Both readings are therefore kept: ``key`` is the decoded spelling and ``undecoded_key`` the
  spelling as sent, when decoding changed it (only keys with "+" or "%" are affected), and the
  bucket path keeps whichever names the object (``storage.locate_key``). docs/deploy.md says so.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import (
    APIGatewayProxyEvent,
    APIGatewayProxyEventV2,
    S3Event,
    S3EventBridgeNotificationEvent,
)

from image_audit.errors import ErrorCode, RequestError


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: Mapping[str, str]  # lower-case names
    query: Mapping[str, str]
    raw_body: str | bytes
    base64_encoded: bool = False
    # A direct invocation's event is already the parsed JSON body; keep it instead of re-encoding.
    parsed_body: Any = None

    def body(self) -> bytes:
        """The body as bytes; decoding happens here so a bad body becomes a typed 400, not a crash."""
        if isinstance(self.raw_body, bytes):
            return self.raw_body
        if not self.base64_encoded:
            return self.raw_body.encode("utf-8")
        try:
            return base64.b64decode(self.raw_body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise RequestError(
                ErrorCode.INVALID_REQUEST, "isBase64Encoded body is not valid base64."
            ) from exc

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: Any  # JSON-serialisable


@dataclass(frozen=True)
class ApiCall:
    request: HttpRequest
    respond: Callable[[HttpResponse], dict[str, Any]]


@dataclass(frozen=True)
class UploadedObject:
    bucket: str
    key: str  # decoded: "red flower.jpg", not "red+flower.jpg"
    version_id: str | None = None
    etag: str | None = None
    size: int | None = None
    sequencer: str | None = None
    # EventBridge only: the key exactly as the event spelled it, when URL-decoding changed it (AWS
    # does not document whether these keys are encoded; see the module docstring).
    undecoded_key: str | None = None

    @property
    def key_candidates(self) -> tuple[str, ...]:
        """The keys this object may have, most likely first."""
        return (self.key,) if self.undecoded_key is None else (self.key, self.undecoded_key)


@dataclass(frozen=True)
class BucketCall:
    objects: list[UploadedObject]
    acknowledge_only: bool = False  # s3:TestEvent and other record-less notifications
    sqs_message_ids: list[str] = field(default_factory=list)


def parse_event(event: Any) -> ApiCall | BucketCall:
    """Classify a Lambda event. Anything unrecognised is treated as a direct invocation body."""
    if isinstance(event, Mapping):
        if event.get("version") == "2.0" and "http" in (event.get("requestContext") or {}):
            v2 = APIGatewayProxyEventV2(dict(event))
            return ApiCall(
                _http_request(v2.http_method, v2.raw_path, v2, bool(v2.is_base64_encoded)), proxy_response
            )
        if "httpMethod" in event and "requestContext" in event:
            v1 = APIGatewayProxyEvent(dict(event))
            return ApiCall(
                _http_request(v1.http_method, v1.path, v1, bool(v1.is_base64_encoded)), proxy_response
            )
        bucket_call = _bucket_call(event)
        if bucket_call is not None:
            return bucket_call
    direct = HttpRequest("POST", "/", {"content-type": "application/json"}, {}, b"", parsed_body=event)
    return ApiCall(direct, direct_response)


def _http_request(
    method: str, path: str, event: APIGatewayProxyEvent | APIGatewayProxyEventV2, is_base64: bool
) -> HttpRequest:
    headers = {name.lower(): value for name, value in (event.headers or {}).items()}
    query = dict(event.query_string_parameters or {})
    return HttpRequest(method.upper(), path or "/", headers, query, event.body or "", is_base64)


def proxy_response(response: HttpResponse) -> dict[str, Any]:
    """API Gateway (REST and HTTP API) proxy integration response."""
    return {
        "statusCode": response.status,
        "headers": {"Content-Type": "application/json; charset=utf-8"},
        "body": json.dumps(response.body, ensure_ascii=False),
        "isBase64Encoded": False,
    }


def direct_response(response: HttpResponse) -> dict[str, Any]:
    """Direct invocation: the JSON body itself (errors carry their ``error`` object)."""
    body: dict[str, Any] = response.body
    return body


def _bucket_call(event: Mapping[str, Any]) -> BucketCall | None:
    if event.get("Event") == "s3:TestEvent":
        return BucketCall(objects=[], acknowledge_only=True)
    if event.get("source") == "aws.s3" and "detail" in event:
        return BucketCall(objects=list(_eventbridge_objects(event)))
    records = event.get("Records")
    if not isinstance(records, list) or not records:
        return None
    sources = {record.get("eventSource") for record in records if isinstance(record, Mapping)}
    if sources == {"aws:s3"}:
        return BucketCall(objects=list(_s3_objects(event)))
    if sources == {"aws:sqs"}:
        objects: list[UploadedObject] = []
        message_ids: list[str] = []
        for record in records:
            message_ids.append(record.get("messageId", ""))
            try:
                inner = json.loads(record.get("body") or "null")
            except json.JSONDecodeError:
                continue  # malformed message: nothing to analyse; redrive policy keeps it from looping
            if isinstance(inner, Mapping) and isinstance(inner.get("Message"), str):  # SNS envelope
                inner = json.loads(inner["Message"])
            nested = _bucket_call(inner) if isinstance(inner, Mapping) else None
            if nested is not None:
                objects.extend(nested.objects)
        return BucketCall(objects=objects, acknowledge_only=not objects, sqs_message_ids=message_ids)
    return None


def _s3_objects(event: Mapping[str, Any]) -> Iterator[UploadedObject]:
    # Powertools decodes only the first record's key (S3Event.object_key); decode each one here.
    # Required fields (bucket name, key) are indexed and raise when absent: such a record is not a
    # notification we can act on, and its delivery is retried, then dead-lettered.
    for record in S3Event(dict(event)).records:
        if not str(record.get("eventName") or "").startswith("ObjectCreated"):
            continue
        described = record.s3.get_object
        yield UploadedObject(
            bucket=record.s3.bucket.name,
            key=unquote_plus(described["key"]),
            version_id=_optional_str(described.get("versionId")),
            etag=_optional_str(described.get("eTag")),
            size=_optional_int(described.get("size")),
            sequencer=_optional_str(described.get("sequencer")),
        )


def _eventbridge_objects(event: Mapping[str, Any]) -> Iterator[UploadedObject]:
    if event.get("detail-type") != "Object Created":
        return
    detail = S3EventBridgeNotificationEvent(dict(event)).detail
    described = detail.object
    # Read the key as sent (``described.key`` would decode it): both spellings are candidates,
    # because AWS does not document whether EventBridge keys are URL-encoded (module docstring).
    as_sent = described["key"]
    decoded = unquote_plus(as_sent)
    yield UploadedObject(
        bucket=detail.bucket.name,
        key=decoded,
        version_id=_optional_str(described.get("version-id")),
        etag=_optional_str(described.get("etag")),
        size=_optional_int(described.get("size")),
        sequencer=_optional_str(described.get("sequencer")),
        undecoded_key=as_sent if as_sent != decoded else None,
    )


def _optional_str(value: Any) -> str | None:
    """An optional identity field: absent, null and "" all mean "not given"."""
    return str(value) if value not in (None, "") else None


def _optional_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
