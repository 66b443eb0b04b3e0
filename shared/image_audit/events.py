"""Event adapters: every way a function can be invoked, reduced to one of two typed calls.

* ``ApiCall``: an HTTP-like request (API Gateway REST v1 or HTTP API v2 proxy events, or a direct
  invocation whose event *is* the JSON body) plus how to wrap the answer for that caller;
* ``BucketCall``: object-created notifications (S3 direct, EventBridge, or either wrapped in SQS),
  with keys already URL-decoded, or an acknowledgement-only event such as ``s3:TestEvent``.

Event shapes come from Powertools' data classes; only what they do not do (base64 bodies as bytes,
per-record key decoding) is written here.
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
            raise RequestError(ErrorCode.INVALID_REQUEST, "isBase64Encoded body is not valid base64.") from exc

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
            return ApiCall(_http_request(v2.http_method, v2.raw_path, v2, v2.is_base64_encoded), proxy_response)
        if "httpMethod" in event and "requestContext" in event:
            v1 = APIGatewayProxyEvent(dict(event))
            return ApiCall(_http_request(v1.http_method, v1.path, v1, v1.is_base64_encoded), proxy_response)
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
    for record in S3Event(dict(event)).records:
        if not record.event_name.startswith("ObjectCreated"):
            continue
        s3_object = record.s3.get_object
        yield UploadedObject(
            bucket=record.s3.bucket.name,
            key=unquote_plus(s3_object.key),
            version_id=s3_object.version_id,
            etag=s3_object.etag,
            size=s3_object.size,
            sequencer=s3_object.sequencer,
        )


def _eventbridge_objects(event: Mapping[str, Any]) -> Iterator[UploadedObject]:
    if event.get("detail-type") != "Object Created":
        return
    notification = S3EventBridgeNotificationEvent(dict(event))
    detail = notification.detail
    # EventBridge keys are not URL-encoded.
    yield UploadedObject(
        bucket=detail.bucket.name,
        key=detail.object.key,
        version_id=detail.object.version_id,
        etag=detail.object.etag,
        size=detail.object.size,
        sequencer=detail.object.sequencer,
    )
