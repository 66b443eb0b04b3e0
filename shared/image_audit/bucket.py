"""Bucket uploads: every uploaded image ends as one result document per API, or as a dead letter.

The deployed chain (template.yaml) is upload bucket -> EventBridge "Object Created" -> one rule and
one SQS queue per API -> that API's function, so one upload is analysed by every API and each
queue retries and dead-letters on its own. This module is the function's side of it:

* ``handle_bucket_event`` takes any bucket-shaped event (SQS batch, direct S3 notification,
  EventBridge event) and answers it: for SQS, ``batchItemFailures`` names only the messages to
  retry; for the direct shapes a retryable failure raises, so Lambda's own retry/DLQ applies.
* ``process_object`` does one object: a result document at
  ``RESULTS_PREFIX + "{api}/" + key + ".json"`` in RESULTS_BUCKET holding the native response,
  the source identity and the algorithm version, or an error document (``errno: -1``).

Delivery is at least once and unordered, so before analysing, the existing document is read and
compared with the event (``decide``): the same upload again is a duplicate (no write, no second
tag), an event older than the upload already described is stale (skipped), and the write itself
is conditional on the document not having changed since it was read. Events for one key are
ordered by S3's ``sequencer``.

Failure policy: a bad image (any non-retryable ``ImageAuditError``: decode, size, deleted object)
gets an error document and is done. Transient S3 faults, AccessDenied, malformed messages and our
own bugs are *not* turned into documents: they fail the delivery, which SQS redelivers and
finally moves to the dead-letter queue, where an alarm can see them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from image_audit.api import ApiSpec, analyse
from image_audit.contract import BucketResult, SourceObject
from image_audit.errors import ErrorCode, ImageAuditError, ImageError
from image_audit.events import BucketCall, UploadedObject, parse_event
from image_audit.settings import Settings
from image_audit.storage import (
    ObjectChangedError,
    WriteConflictError,
    bare_etag,
    is_access_denied,
    is_transient,
    locate_key,
    read_object,
    read_result,
    result_key,
    tag_source,
    write_result,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

logger = logging.getLogger("image_audit")

# Conditional-write races lost in a row before the delivery is handed back for a later retry.
MAX_WRITE_ATTEMPTS = 3
TAG_KEY_PREFIX = "image-audit-"

# Short verdicts per API: (result field, value when true, value when false).
VERDICT_FIELDS: dict[str, tuple[str, str, str]] = {
    "white_background": ("is_white", "white", "not-white"),
    "psoriasis": ("is_psoriasis", "psoriasis", "clean"),
    "keyword": ("has_match", "match", "no-match"),
}


class Outcome(StrEnum):
    WRITTEN = "written"  # result document written
    ERROR_WRITTEN = "error_written"  # error document written (bad image, too large, deleted)
    DUPLICATE = "duplicate"  # the existing document already describes this upload
    STALE = "stale"  # the existing document describes a newer upload of the key
    SUPERSEDED = "superseded"  # the object was overwritten before we read it; its own event follows
    IGNORED = "ignored"  # not an image upload (folder marker)


class Decision(StrEnum):
    PROCESS = "process"
    DUPLICATE = "duplicate"
    STALE = "stale"


class BucketConfigurationError(RuntimeError):
    """The deployment is wired wrong (no results bucket, event from another bucket): retry -> DLQ."""


class BucketDeliveryError(RuntimeError):
    """A direct (non-SQS) bucket event had objects that must be retried; Lambda retries the event."""


@dataclass(frozen=True)
class ObjectOutcome:
    bucket: str
    key: str
    outcome: Outcome
    result_key: str | None = None
    code: str | None = None


@dataclass
class Delivery:
    """One unit the event source retries as a whole: an SQS message, or the whole direct event."""

    message_id: str | None
    call: BucketCall | None  # None: the message is not a notification we understand (poison)
    outcomes: list[ObjectOutcome] = field(default_factory=list)
    failed: bool = False


# --------------------------------------------------------------------------- event level


def handle_bucket_event(
    api: ApiSpec[Any, Any], event: Mapping[str, Any], settings: Settings, s3: S3Client
) -> dict[str, Any]:
    """Answer a bucket event: SQS gets ``batchItemFailures``; other shapes raise to be retried."""
    deliveries = list(split_deliveries(event))
    for delivery in deliveries:
        _process_delivery(api, delivery, settings, s3)
    failed = [delivery for delivery in deliveries if delivery.failed]
    if _is_sqs_batch(event):
        return {"batchItemFailures": [{"itemIdentifier": delivery.message_id} for delivery in failed]}
    if failed:
        raise BucketDeliveryError(f"{api.name}: retryable failures in a direct bucket event; retry it")
    return {"outcomes": [_outcome_summary(outcome) for d in deliveries for outcome in d.outcomes]}


def split_deliveries(event: Mapping[str, Any]) -> Iterator[Delivery]:
    """One ``Delivery`` per SQS message (so one bad message cannot fail its batch-mates), or one
    for the whole event when it came straight from S3 or EventBridge."""
    if not _is_sqs_batch(event):
        call = parse_event(event)
        yield Delivery(None, call if isinstance(call, BucketCall) else None)
        return
    for record in event["Records"]:
        message_id = str(record.get("messageId", ""))
        body = record.get("body")
        if not isinstance(body, str) or not _is_readable_message(body):
            yield Delivery(message_id, None)
            continue
        try:
            call = parse_event({"Records": [record]})
        except Exception:
            logger.exception("unreadable bucket notification in message %s", message_id)
            yield Delivery(message_id, None)
            continue
        yield Delivery(message_id, call if isinstance(call, BucketCall) else None)


def _is_sqs_batch(event: Mapping[str, Any]) -> bool:
    records = event.get("Records")
    return (
        isinstance(records, list)
        and bool(records)
        and all(isinstance(r, Mapping) and r.get("eventSource") == "aws:sqs" for r in records)
    )


def _is_readable_message(body: str) -> bool:
    """Whether an SQS body can be a notification at all: a JSON object (SNS envelopes unwrapped).

    JSON objects without object records (``s3:TestEvent``, other event types) are acknowledged by
    ``_process_delivery``; bodies that are not JSON objects are poison and are failed instead, so
    after maxReceiveCount they rest in the dead-letter queue where someone can look at them.
    """
    try:
        payload = json.loads(body)
        if isinstance(payload, dict) and isinstance(payload.get("Message"), str):
            payload = json.loads(payload["Message"])  # SNS envelope
    except json.JSONDecodeError:
        return False
    return isinstance(payload, dict)


def _process_delivery(api: ApiSpec[Any, Any], delivery: Delivery, settings: Settings, s3: S3Client) -> None:
    if delivery.call is None:
        logger.error("%s: message %s is not a bucket notification; failing it", api.name, delivery.message_id)
        delivery.failed = True
        return
    if delivery.call.acknowledge_only:
        logger.info("%s: acknowledged a notification without objects (e.g. s3:TestEvent)", api.name)
        return
    for uploaded in delivery.call.objects:
        try:
            delivery.outcomes.append(process_object(api, uploaded, settings, s3))
        except Exception as error:
            # Keep going: the other objects of this delivery still get their documents, and the
            # retried delivery finds them as duplicates.
            delivery.failed = True
            _log_failure(api, uploaded, error)


def _log_failure(api: ApiSpec[Any, Any], uploaded: UploadedObject, error: Exception) -> None:
    where = f"s3://{uploaded.bucket}/{uploaded.key}"
    if is_transient(error) or isinstance(error, WriteConflictError):
        logger.warning("%s: transient failure on %s, will retry: %s", api.name, where, error)
    elif is_access_denied(error) or isinstance(error, BucketConfigurationError):
        logger.error("%s: configuration error on %s (retry, then DLQ): %s", api.name, where, error)
    else:
        logger.exception("%s: unexpected failure on %s (retry, then DLQ)", api.name, where)


def _outcome_summary(outcome: ObjectOutcome) -> dict[str, Any]:
    return {
        "bucket": outcome.bucket,
        "key": outcome.key,
        "outcome": outcome.outcome.value,
        "result_key": outcome.result_key,
        "code": outcome.code,
    }


# --------------------------------------------------------------------------- object level


def process_object(
    api: ApiSpec[Any, Any], uploaded: UploadedObject, settings: Settings, s3: S3Client
) -> ObjectOutcome:
    """Analyse one uploaded object and record the outcome; raises only for retryable failures."""
    if not settings.RESULTS_BUCKET:
        raise BucketConfigurationError("RESULTS_BUCKET is not set")
    if settings.UPLOAD_BUCKET and uploaded.bucket != settings.UPLOAD_BUCKET:
        raise BucketConfigurationError(
            f"event for bucket {uploaded.bucket!r}, but this function reads {settings.UPLOAD_BUCKET!r}"
        )
    if uploaded.key.endswith("/") and not uploaded.size:
        return ObjectOutcome(uploaded.bucket, uploaded.key, Outcome.IGNORED)  # console "folder"
    uploaded = resolve_key(uploaded, s3)

    source = source_of(uploaded)
    key = result_key(settings, api.name, uploaded.key)
    document: BucketResult | None = None
    for _attempt in range(MAX_WRITE_ATTEMPTS):
        stored = read_result(s3, settings.RESULTS_BUCKET, key)
        existing = stored.document if stored else None
        decision = decide(source, existing, api.version)
        if decision is Decision.STALE:
            logger.info("%s: stale event for %s skipped (a newer upload is recorded)", api.name, uploaded.key)
            return ObjectOutcome(uploaded.bucket, uploaded.key, Outcome.STALE, key)
        if decision is Decision.DUPLICATE and existing is not None:
            # The first delivery may have died between the write and the tag: make sure of the tag
            # (tag_source writes nothing when it is already there).
            _tag(api, existing, settings, s3)
            return ObjectOutcome(uploaded.bucket, uploaded.key, Outcome.DUPLICATE, key, existing.code)
        if document is None:
            try:
                document = analyse_upload(api, uploaded, source, settings, s3)
            except ObjectChangedError:
                logger.info("%s: %s was overwritten before analysis; its own event follows", api.name, key)
                return ObjectOutcome(uploaded.bucket, uploaded.key, Outcome.SUPERSEDED)
        try:
            replaces = stored.etag if stored else None
            write_result(s3, settings.RESULTS_BUCKET, key, document, replaces_etag=replaces)
        except WriteConflictError:
            continue  # someone wrote meanwhile: re-read and decide again
        _tag(api, document, settings, s3)
        outcome = Outcome.WRITTEN if document.errno == 0 else Outcome.ERROR_WRITTEN
        logger.info("%s: %s -> %s (%s)", api.name, uploaded.key, outcome, document.code or document.verdict)
        return ObjectOutcome(uploaded.bucket, uploaded.key, outcome, key, document.code)
    raise WriteConflictError(f"{key}: lost {MAX_WRITE_ATTEMPTS} write races in a row")


def resolve_key(uploaded: UploadedObject, s3: S3Client) -> UploadedObject:
    """The object with the one key it really has, when its event allowed two (EventBridge keys
    with "+" or "%", see image_audit.events); otherwise unchanged."""
    if uploaded.undecoded_key is None:
        return uploaded
    found = locate_key(
        s3, uploaded.bucket, uploaded.key_candidates, version_id=uploaded.version_id, etag=uploaded.etag
    )
    if found is None:
        logger.warning("no object under any spelling of %r; reading the decoded one", uploaded.key)
    return replace(uploaded, key=found or uploaded.key, undecoded_key=None)


def analyse_upload(
    api: ApiSpec[Any, Any],
    uploaded: UploadedObject,
    source: SourceObject,
    settings: Settings,
    s3: S3Client,
) -> BucketResult:
    """The document for one upload: its analysis, or an error document for a bad image.

    The event's size is checked first, so an oversized object is refused without a download.
    """
    try:
        if uploaded.size is not None and uploaded.size > settings.MAX_OBJECT_BYTES:
            raise ImageError(
                ErrorCode.IMAGE_TOO_LARGE,
                f"The object is {uploaded.size} bytes; uploads are limited to {settings.MAX_OBJECT_BYTES}.",
            )
        stored = read_object(
            s3,
            uploaded.bucket,
            uploaded.key,
            max_bytes=settings.MAX_OBJECT_BYTES,
            version_id=uploaded.version_id,
            expected_etag=uploaded.etag,
        )
        analysis = analyse(api, stored.data, api.options_model(), settings)
    except ImageAuditError as error:
        if error.retryable:
            raise
        return BucketResult(
            api=api.name,
            errno=-1,
            version=api.version,
            source=source,
            verdict=f"error:{error.code.value}",
            code=error.code.value,
            message=error.message,
        )
    return BucketResult(
        api=api.name,
        errno=0,
        version=api.version,
        source=source,
        verdict=short_verdict(api.name, analysis.result),
        response=analysis.response,
    )


def source_of(uploaded: UploadedObject) -> SourceObject:
    return SourceObject(
        bucket=uploaded.bucket,
        key=uploaded.key,
        version_id=uploaded.version_id,
        etag=bare_etag(uploaded.etag),
        size=uploaded.size,
        sequencer=uploaded.sequencer,
    )


def short_verdict(api_name: str, result: Any) -> str:
    flag, when_true, when_false = VERDICT_FIELDS.get(api_name, ("", "", ""))
    if not flag or not hasattr(result, flag):
        return "analysed"
    return when_true if getattr(result, flag) else when_false


def tag_key(api_name: str) -> str:
    return TAG_KEY_PREFIX + api_name.replace("_", "-")


def _tag(api: ApiSpec[Any, Any], document: BucketResult, settings: Settings, s3: S3Client) -> None:
    if not settings.TAG_SOURCE_OBJECTS:
        return
    source = document.source
    tag_source(s3, source.bucket, source.key, source.version_id, tag_key(api.name), document.verdict)


# --------------------------------------------------------------------------- ordering


def compare_sequencers(left: str, right: str) -> int:
    """-1, 0 or 1 as S3 sequencer ``left`` is older than, equal to or newer than ``right``.

    Sequencers are hexadecimal strings of varying length; S3's event documentation says to pad
    the shorter one with zeros on the right, then compare lexicographically.
    """
    width = max(len(left), len(right))
    a, b = left.upper().ljust(width, "0"), right.upper().ljust(width, "0")
    return (a > b) - (a < b)


def same_upload(event: SourceObject, recorded: SourceObject) -> bool:
    """Whether two descriptions name the same upload: every identity field both carry agrees
    (and they share at least one; without any there is nothing to call them the same by)."""
    compared = False
    if event.sequencer and recorded.sequencer:
        if compare_sequencers(event.sequencer, recorded.sequencer) != 0:
            return False
        compared = True
    if event.version_id and recorded.version_id:
        if event.version_id != recorded.version_id:
            return False
        compared = True
    event_etag, recorded_etag = bare_etag(event.etag), bare_etag(recorded.etag)
    if event_etag and recorded_etag:
        if event_etag != recorded_etag:
            return False
        compared = True
    return compared


def decide(event: SourceObject, existing: BucketResult | None, version: str) -> Decision:
    """What to do with an event, given the document already written for its key.

    * no document (or not one of ours) -> process;
    * an older sequencer than the recorded one -> stale: a newer upload's result must not be
      clobbered by a late or redelivered event;
    * the same upload, analysed by the same algorithm version -> duplicate;
    * otherwise (a newer upload, a new algorithm version, or nothing to order by) -> process.
    """
    if existing is None:
        return Decision.PROCESS
    recorded = existing.source
    if event.sequencer and recorded.sequencer and compare_sequencers(event.sequencer, recorded.sequencer) < 0:
        return Decision.STALE
    if same_upload(event, recorded) and existing.version == version:
        return Decision.DUPLICATE
    return Decision.PROCESS
