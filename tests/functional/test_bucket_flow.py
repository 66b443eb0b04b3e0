"""The bucket path end to end on in-process moto: upload -> notification -> handler -> result document.

Events come from tests/events/ (the shapes S3, EventBridge and SQS really send), with the size and
ETag of the object each test uploads filled in. Faults are injected with ``S3Spy``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus, unquote_plus

import numpy as np
import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from conftest import (
    RESULTS_BUCKET,
    UPLOAD_BUCKET,
    AwsClients,
    S3Spy,
    bucket_settings,
    client_error,
    load_event,
    load_infra_module,
    png_bytes,
    use_s3_client,
)
from image_audit.bucket import (
    BucketDeliveryError,
    Outcome,
    compare_sequencers,
    handle_bucket_event,
    process_object,
)
from image_audit.contract import BucketResult
from image_audit.events import UploadedObject
from image_audit.settings import get_settings
from image_audit.storage import result_key
from image_audit.white_background import WHITE_BACKGROUND_API
from PIL import Image

Handler = Callable[..., dict[str, Any]]
ENCODED_KEY = "uploads/2025/red flower 红花 + 50%.png"  # what s3ObjectCreatedEncodedKey.json names


# --------------------------------------------------------------------------- helpers


def upload(s3: Any, key: str, data: bytes) -> dict[str, Any]:
    s3.put_object(Bucket=UPLOAD_BUCKET, Key=key, Body=data)
    return dict(s3.head_object(Bucket=UPLOAD_BUCKET, Key=key))


def describe(s3: Any, key: str) -> dict[str, Any]:
    """What an event says about the current object: ETag, size and version id."""
    head = s3.head_object(Bucket=UPLOAD_BUCKET, Key=key)
    return {"etag": head["ETag"].strip('"'), "size": head["ContentLength"], "version": head.get("VersionId")}


def s3_record_event(s3: Any, keys: list[str], *, with_version: bool = True) -> dict[str, Any]:
    """A direct S3 notification for objects already uploaded (keys URL-encoded as S3 does)."""
    template = load_event("s3ObjectCreatedEncodedKey.json")["Records"][0]
    records = []
    for index, key in enumerate(keys):
        current = describe(s3, key)
        record = json.loads(json.dumps(template))
        described = record["s3"]["object"]
        described.update(
            key=quote_plus(key, safe="/"),
            eTag=current["etag"],
            size=current["size"],
            sequencer=f"0062E99A88DC4074{0x60 + index:02X}",
        )
        described.pop("versionId")
        if with_version and current["version"]:
            described["versionId"] = current["version"]
        records.append(record)
    return {"Records": records}


def eventbridge_body(
    s3: Any, key: str, sequencer: str = "0062E99A88DC407470", *, encode: bool = True
) -> dict[str, Any]:
    """An EventBridge "Object Created" event for an uploaded object.

    AWS does not document whether S3 URL-encodes ``detail.object.key`` here (image_audit.events),
    so the handlers accept both: ``encode`` picks the spelling (moto's own events are unencoded).
    """
    event = load_event("eventBridgeObjectCreated.json")
    current = describe(s3, key)
    event["detail"]["object"].update(
        {
            "key": quote_plus(key, safe="/") if encode else key,
            "etag": current["etag"],
            "size": current["size"],
            "version-id": current["version"],
        }
    )
    event["detail"]["object"]["sequencer"] = sequencer
    return event


def sqs_event(bodies: list[Any]) -> dict[str, Any]:
    """An SQS batch as Lambda delivers it; message ids are msg-0, msg-1, ..."""
    template = load_event("sqsEventBridgeObjectCreated.json")["Records"][0]
    records = []
    for index, body in enumerate(bodies):
        record = dict(template)
        record["messageId"] = f"msg-{index}"
        record["body"] = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        records.append(record)
    return {"Records": records}


def read_document(s3: Any, key: str, api: str = "white_background") -> BucketResult:
    payload = s3.get_object(Bucket=RESULTS_BUCKET, Key=result_key(bucket_settings(), api, key))["Body"].read()
    return BucketResult.model_validate_json(payload)


def result_keys(s3: Any) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=RESULTS_BUCKET).get("Contents", [])]


def noise_png(min_bytes: int) -> bytes:
    """A PNG of random pixels (incompressible) at least ``min_bytes`` long."""
    side = int((min_bytes / 3) ** 0.5) + 16
    pixels = np.random.default_rng(7).integers(0, 256, size=(side, side, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=1)
    assert buffer.tell() >= min_bytes
    return buffer.getvalue()


def use_settings(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


# --------------------------------------------------------------------------- end to end


def test_encoded_unicode_key_is_decoded_end_to_end(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    # GIVEN an upload whose key has spaces, a "+", a "%" and Chinese, and the S3 notification for
    # it exactly as S3 encodes it (the fixture file)
    head = upload(aws.s3, ENCODED_KEY, png_bytes())
    event = load_event("s3ObjectCreatedEncodedKey.json")
    described = event["Records"][0]["s3"]["object"]
    described.update(eTag=head["ETag"].strip('"'), size=head["ContentLength"], versionId=head["VersionId"])
    assert described["key"] != ENCODED_KEY  # the fixture really is encoded

    # WHEN the deployed handler receives it
    answer = white_background_bucket_handler(event, lambda_context)

    # THEN the document sits at results/white_background/<decoded key>.json and holds the native
    # result, the source identity and the algorithm version
    assert answer["outcomes"][0]["outcome"] == "written"
    assert result_keys(aws.s3) == [f"results/white_background/{ENCODED_KEY}.json"]
    document = read_document(aws.s3, ENCODED_KEY)
    assert document.errno == 0 and document.verdict == "white"
    assert document.version == WHITE_BACKGROUND_API.version
    assert document.source.bucket == UPLOAD_BUCKET and document.source.key == ENCODED_KEY
    assert document.source.etag == head["ETag"].strip('"')
    assert document.source.sequencer == described["sequencer"]
    assert document.source.version_id == head["VersionId"]
    assert document.response is not None and document.response.result["is_white"] is True
    assert document.response.image.bytes == head["ContentLength"]


def test_production_shape_eventbridge_in_sqs(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    # GIVEN the shape the template delivers: EventBridge "Object Created" inside an SQS message
    key = "uploads/2025/白底 shoe.png"
    upload(aws.s3, key, png_bytes(white=False))
    event = load_event("sqsEventBridgeObjectCreated.json")
    event["Records"][0]["body"] = json.dumps(eventbridge_body(aws.s3, key), ensure_ascii=False)

    answer = white_background_bucket_handler(event, lambda_context)

    # THEN nothing is retried and the verdict is recorded
    assert answer == {"batchItemFailures": []}
    assert read_document(aws.s3, key).verdict == "not-white"


def test_multi_record_event_analyses_every_record(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    # GIVEN the three-record fixture, for three uploaded objects
    event = load_event("s3ObjectCreatedMultiRecord.json")
    decoded = ["catalog/shoe-1.png", "catalog/shoe 2.png", "catalog/鞋 3.png"]
    for record, key in zip(event["Records"], decoded, strict=True):
        head = upload(aws.s3, key, png_bytes())
        described = record["s3"]["object"]
        assert unquote_plus(described["key"]) == key
        described.update(eTag=head["ETag"].strip('"'), size=head["ContentLength"])
        described["versionId"] = head["VersionId"]

    answer = white_background_bucket_handler(event, lambda_context)

    # THEN every record has its document, not only the first
    assert [item["outcome"] for item in answer["outcomes"]] == ["written"] * 3
    assert sorted(result_keys(aws.s3)) == sorted(f"results/white_background/{key}.json" for key in decoded)


def test_sqs_batch_with_notification_and_test_event(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    # GIVEN the fixture batch: an S3 notification (encoded key) and an s3:TestEvent
    head = upload(aws.s3, ENCODED_KEY, png_bytes())
    event = load_event("sqsS3ObjectCreated.json")
    inner = json.loads(event["Records"][0]["body"])
    inner["Records"][0]["s3"]["object"].update(
        eTag=head["ETag"].strip('"'), size=head["ContentLength"], versionId=head["VersionId"]
    )
    event["Records"][0]["body"] = json.dumps(inner)

    answer = white_background_bucket_handler(event, lambda_context)

    # THEN both messages are acknowledged and only the upload has a document
    assert answer == {"batchItemFailures": []}
    assert result_keys(aws.s3) == [f"results/white_background/{ENCODED_KEY}.json"]


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(load_event("s3TestEvent.json"), id="s3-test-event"),
        pytest.param(sqs_event([load_event("s3TestEvent.json")]), id="sqs-test-event"),
        pytest.param(sqs_event([{"Records": []}]), id="sqs-no-records"),
        pytest.param(sqs_event([{"unexpected": "object"}]), id="sqs-object-without-records"),
    ],
)
def test_events_without_objects_are_acknowledged(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any, event: dict[str, Any]
) -> None:
    answer = white_background_bucket_handler(event, lambda_context)

    assert answer.get("batchItemFailures", []) == []
    assert answer.get("outcomes", []) == []
    assert result_keys(aws.s3) == []


def test_results_never_land_in_the_upload_bucket(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    upload(aws.s3, "a.png", png_bytes())
    upload(aws.s3, "b.bin", b"not an image at all")

    white_background_bucket_handler(s3_record_event(aws.s3, ["a.png", "b.bin"]), lambda_context)

    uploads = [item["Key"] for item in aws.s3.list_objects_v2(Bucket=UPLOAD_BUCKET)["Contents"]]
    assert sorted(uploads) == ["a.png", "b.bin"]
    assert len(result_keys(aws.s3)) == 2


# --------------------------------------------------------------------------- at least once, out of order


def test_duplicate_delivery_writes_once_and_tags_once(
    aws: AwsClients,
    white_background_bucket_handler: Handler,
    lambda_context: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_settings(monkeypatch, TAG_SOURCE_OBJECTS="true")
    spy = S3Spy(aws.s3)
    use_s3_client(spy)
    upload(aws.s3, "shoe.png", png_bytes())
    event = sqs_event([eventbridge_body(aws.s3, "shoe.png")])

    first = white_background_bucket_handler(event, lambda_context)
    written = aws.s3.head_object(Bucket=RESULTS_BUCKET, Key="results/white_background/shoe.png.json")
    second = white_background_bucket_handler(event, lambda_context)

    assert first == second == {"batchItemFailures": []}
    assert spy.calls["put_object"] == 1  # the result document, once
    assert spy.calls["put_object_tagging"] == 1  # the tag, once
    again = aws.s3.head_object(Bucket=RESULTS_BUCKET, Key="results/white_background/shoe.png.json")
    assert again["ETag"] == written["ETag"]
    tags = aws.s3.get_object_tagging(Bucket=UPLOAD_BUCKET, Key="shoe.png")["TagSet"]
    assert tags == [{"Key": "image-audit-white-background", "Value": "white"}]


def test_tagging_keeps_the_objects_other_tags(
    aws: AwsClients,
    white_background_bucket_handler: Handler,
    lambda_context: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_settings(monkeypatch, TAG_SOURCE_OBJECTS="true")
    upload(aws.s3, "shoe.png", png_bytes(white=False))
    aws.s3.put_object_tagging(
        Bucket=UPLOAD_BUCKET, Key="shoe.png", Tagging={"TagSet": [{"Key": "seller", "Value": "42"}]}
    )

    white_background_bucket_handler(s3_record_event(aws.s3, ["shoe.png"]), lambda_context)

    tags = {
        tag["Key"]: tag["Value"]
        for tag in aws.s3.get_object_tagging(Bucket=UPLOAD_BUCKET, Key="shoe.png")["TagSet"]
    }
    assert tags == {"seller": "42", "image-audit-white-background": "not-white"}


def test_no_tags_unless_enabled(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    upload(aws.s3, "shoe.png", png_bytes())
    white_background_bucket_handler(s3_record_event(aws.s3, ["shoe.png"]), lambda_context)
    assert aws.s3.get_object_tagging(Bucket=UPLOAD_BUCKET, Key="shoe.png")["TagSet"] == []


@pytest.mark.parametrize("order", ["newer-first", "older-first"])
def test_older_event_never_clobbers_a_newer_result(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any, order: str
) -> None:
    # GIVEN a key uploaded white, then overwritten with a grey-background image
    upload(aws.s3, "shoe.png", png_bytes(white=True))
    older = sqs_event([eventbridge_body(aws.s3, "shoe.png", sequencer="0062E99A88DC400001")])
    upload(aws.s3, "shoe.png", png_bytes(white=False))
    newer = sqs_event([eventbridge_body(aws.s3, "shoe.png", sequencer="0062E99A88DC400002")])

    # WHEN both events arrive, in either order
    for event in [newer, older] if order == "newer-first" else [older, newer]:
        assert white_background_bucket_handler(event, lambda_context) == {"batchItemFailures": []}

    # THEN the document describes the newer upload
    document = read_document(aws.s3, "shoe.png")
    assert document.verdict == "not-white"
    assert document.source.sequencer == "0062E99A88DC400002"


def test_stale_event_is_skipped_without_reading_the_image(aws: AwsClients) -> None:
    settings = bucket_settings()
    upload(aws.s3, "shoe.png", png_bytes())
    head = aws.s3.head_object(Bucket=UPLOAD_BUCKET, Key="shoe.png")

    def uploaded(sequencer: str) -> UploadedObject:
        return UploadedObject(
            UPLOAD_BUCKET, "shoe.png", None, head["ETag"].strip('"'), head["ContentLength"], sequencer
        )

    process_object(WHITE_BACKGROUND_API, uploaded("0062E99A88DC4074FF"), settings, aws.s3)
    spy = S3Spy(aws.s3)
    outcome = process_object(WHITE_BACKGROUND_API, uploaded("0062E99A88DC407400"), settings, spy)

    assert outcome.outcome is Outcome.STALE
    assert spy.calls["put_object"] == 0
    assert [request["Bucket"] for name, request in spy.requests if name == "get_object"] == [RESULTS_BUCKET]


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("0055AED6DCD90281E5", "0055AED6DCD90281E6"),
        ("0055AED6DCD90281E5", "00617F08299329D189"),
        ("0062E99A88DC407460", "0062E99A88DC40746001"),  # different lengths: right-padded with zeros
        ("0062e99a88dc407460", "0062E99A88DC407461"),  # case does not matter
    ],
)
def test_sequencer_order(older: str, newer: str) -> None:
    assert compare_sequencers(older, newer) == -1
    assert compare_sequencers(newer, older) == 1
    assert compare_sequencers(older, older) == 0
    assert compare_sequencers("0062E99A88DC407460", "0062E99A88DC40746000") == 0


# --------------------------------------------------------------------------- permanent failures


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"plain text, not an image", "UNSUPPORTED_IMAGE_FORMAT"),
        (png_bytes()[:200], "CORRUPT_IMAGE"),
        (b"", "EMPTY_IMAGE"),
    ],
)
def test_bad_image_gets_an_error_document_and_is_not_retried(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any, data: bytes, code: str
) -> None:
    upload(aws.s3, "bad.png", data)

    answer = white_background_bucket_handler(sqs_event([eventbridge_body(aws.s3, "bad.png")]), lambda_context)

    assert answer == {"batchItemFailures": []}
    document = read_document(aws.s3, "bad.png")
    assert (document.errno, document.code, document.response) == (-1, code, None)
    assert document.verdict == f"error:{code}"
    assert document.source.key == "bad.png" and document.message


def test_object_deleted_before_analysis_is_source_missing(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    # GIVEN an upload whose version is deleted for good before its event is handled (a plain
    # delete in the versioned bucket would only add a delete marker: the version stays readable)
    head = upload(aws.s3, "gone.png", png_bytes())
    event = sqs_event([eventbridge_body(aws.s3, "gone.png")])
    aws.s3.delete_object(Bucket=UPLOAD_BUCKET, Key="gone.png", VersionId=head["VersionId"])

    answer = white_background_bucket_handler(event, lambda_context)

    assert answer == {"batchItemFailures": []}
    assert read_document(aws.s3, "gone.png").code == "SOURCE_MISSING"


def test_unversioned_event_for_an_overwritten_object_waits_for_its_own_event(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    # GIVEN a notification without a version id (an unversioned bucket) delivered only after the
    # key was overwritten: its ETag no longer matches the object
    upload(aws.s3, "shoe.png", png_bytes(white=True))
    first = s3_record_event(aws.s3, ["shoe.png"], with_version=False)
    upload(aws.s3, "shoe.png", png_bytes(white=False))
    second = s3_record_event(aws.s3, ["shoe.png"], with_version=False)
    second["Records"][0]["s3"]["object"]["sequencer"] = "0062E99A88DC4074FF"

    # THEN it is acknowledged without describing bytes it did not announce ...
    answer = white_background_bucket_handler(first, lambda_context)
    assert answer["outcomes"][0]["outcome"] == "superseded"
    assert result_keys(aws.s3) == []
    # ... and the overwrite's own event writes the document
    white_background_bucket_handler(second, lambda_context)
    assert read_document(aws.s3, "shoe.png").verdict == "not-white"


def test_oversize_object_is_refused_from_the_event_size_without_download(aws: AwsClients) -> None:
    settings = bucket_settings()
    upload(aws.s3, "huge.png", png_bytes())
    spy = S3Spy(aws.s3)
    huge = UploadedObject(
        UPLOAD_BUCKET, "huge.png", None, None, settings.MAX_OBJECT_BYTES + 1, "0062E99A88DC4074AA"
    )

    outcome = process_object(WHITE_BACKGROUND_API, huge, settings, spy)

    assert (outcome.outcome, outcome.code) == (Outcome.ERROR_WRITTEN, "IMAGE_TOO_LARGE")
    assert [request["Bucket"] for name, request in spy.requests if name == "get_object"] == [RESULTS_BUCKET]
    assert read_document(aws.s3, "huge.png").code == "IMAGE_TOO_LARGE"


def test_oversize_object_without_size_in_event_is_refused_from_the_headers(aws: AwsClients) -> None:
    settings = bucket_settings(MAX_OBJECT_BYTES=1000)
    data = png_bytes(size=(600, 600)) + b"\0" * 2000
    upload(aws.s3, "big.png", data)

    outcome = process_object(WHITE_BACKGROUND_API, UploadedObject(UPLOAD_BUCKET, "big.png"), settings, aws.s3)

    assert outcome.code == "IMAGE_TOO_LARGE"


def test_image_over_the_api_inline_limit_is_analysed_from_the_bucket(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    data = noise_png(5 * 1024 * 1024)
    assert len(data) > get_settings().MAX_API_IMAGE_BYTES
    upload(aws.s3, "large.png", data)

    white_background_bucket_handler(s3_record_event(aws.s3, ["large.png"]), lambda_context)

    document = read_document(aws.s3, "large.png")
    assert document.errno == 0 and document.response is not None
    assert document.response.image.bytes == len(data)


def test_event_from_another_bucket_is_a_configuration_error(aws: AwsClients) -> None:
    event = {"Records": [load_event("s3ObjectCreatedEncodedKey.json")["Records"][0]]}
    event["Records"][0]["s3"]["bucket"]["name"] = "someone-elses-bucket"

    with pytest.raises(BucketDeliveryError):
        handle_bucket_event(WHITE_BACKGROUND_API, event, bucket_settings(), aws.s3)
    assert result_keys(aws.s3) == []


# --------------------------------------------------------------------------- transient failures


TRANSIENT_AND_CONFIGURATION_FAULTS = [
    pytest.param("get_object", client_error("SlowDown", 503), id="get-slowdown-503"),
    pytest.param("get_object", client_error("InternalError", 500), id="get-internal-500"),
    pytest.param("get_object", client_error("Throttling", 400), id="get-throttling"),
    pytest.param(
        "get_object", EndpointConnectionError(endpoint_url="https://s3.example"), id="get-no-connection"
    ),
    pytest.param("get_object", ReadTimeoutError(endpoint_url="https://s3.example"), id="get-read-timeout"),
    pytest.param("get_object", client_error("AccessDenied", 403), id="get-access-denied"),
    pytest.param("put_object", client_error("ServiceUnavailable", 503, "PutObject"), id="put-503"),
    pytest.param("put_object", client_error("AccessDenied", 403, "PutObject"), id="put-access-denied"),
]


@pytest.mark.parametrize(("operation", "error"), TRANSIENT_AND_CONFIGURATION_FAULTS)
def test_transient_or_configuration_fault_fails_only_its_message(
    aws: AwsClients,
    white_background_bucket_handler: Handler,
    lambda_context: Any,
    operation: str,
    error: BaseException,
) -> None:
    # GIVEN a batch of two uploads where S3 misbehaves for the first one only
    spy = S3Spy(aws.s3)
    spy.fail(operation, error, when=lambda request: "flaky.png" in request["Key"])
    use_s3_client(spy)
    upload(aws.s3, "flaky.png", png_bytes())
    upload(aws.s3, "fine.png", png_bytes())
    event = sqs_event([eventbridge_body(aws.s3, "flaky.png"), eventbridge_body(aws.s3, "fine.png")])

    answer = white_background_bucket_handler(event, lambda_context)

    # THEN only the first message returns to the queue, with no error document for it
    assert answer == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}
    assert result_keys(aws.s3) == ["results/white_background/fine.png.json"]


def test_transient_fault_in_a_direct_event_raises_for_lambda_to_retry(
    aws: AwsClients,
    white_background_bucket_handler: Handler,
    lambda_context: Any,
) -> None:
    spy = S3Spy(aws.s3)
    spy.fail("get_object", client_error("SlowDown", 503), when=lambda request: request["Key"] == "flaky.png")
    use_s3_client(spy)
    upload(aws.s3, "flaky.png", png_bytes())
    upload(aws.s3, "fine.png", png_bytes())

    with pytest.raises(BucketDeliveryError):
        white_background_bucket_handler(s3_record_event(aws.s3, ["flaky.png", "fine.png"]), lambda_context)
    # the healthy record was still done; the retried event will find it as a duplicate
    assert result_keys(aws.s3) == ["results/white_background/fine.png.json"]


def test_malformed_message_is_failed_towards_the_dead_letter_queue(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    upload(aws.s3, "fine.png", png_bytes())
    event = sqs_event(["{not json", eventbridge_body(aws.s3, "fine.png"), '"a json string"'])

    answer = white_background_bucket_handler(event, lambda_context)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "msg-0"}, {"itemIdentifier": "msg-2"}]}
    assert result_keys(aws.s3) == ["results/white_background/fine.png.json"]


def test_every_upload_ends_as_a_result_or_a_dead_letter(
    aws: AwsClients,
    white_background_bucket_handler: Handler,
    lambda_context: Any,
) -> None:
    # GIVEN the template's queue wiring (redrive to a DLQ after 3 receives), on moto SQS, and an S3
    # that keeps failing for one of three uploads
    local = load_infra_module("local_bucket")
    dead_letters = aws.sqs.create_queue(QueueName="wb-dlq")["QueueUrl"]
    dead_letters_arn = aws.sqs.get_queue_attributes(QueueUrl=dead_letters, AttributeNames=["QueueArn"])
    redrive = {"deadLetterTargetArn": dead_letters_arn["Attributes"]["QueueArn"], "maxReceiveCount": "3"}
    queue_url = aws.sqs.create_queue(
        QueueName="wb-uploads", Attributes={"VisibilityTimeout": "0", "RedrivePolicy": json.dumps(redrive)}
    )["QueueUrl"]
    queue_arn = aws.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue = local.ApiQueue("white_background", queue_url, queue_arn, dead_letters)
    spy = S3Spy(aws.s3)
    spy.fail("get_object", client_error("SlowDown", 503), when=lambda request: request["Key"] == "flaky.png")
    use_s3_client(spy)
    for key, data in [("ok.png", png_bytes()), ("bad.png", b"garbage"), ("flaky.png", png_bytes())]:
        upload(aws.s3, key, data)
        aws.sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(eventbridge_body(aws.s3, key)))

    # WHEN the event source mapping polls until the queue is empty (SQS redrives on its own)
    for _ in range(10):
        received, _failed = local.poll_once(aws.sqs, queue, white_background_bucket_handler, lambda_context)
        if not received and not local.queue_depth(aws.sqs, queue_url):
            break

    # THEN the good and the bad image have documents, and the flaky one is a dead letter
    assert sorted(result_keys(aws.s3)) == [
        "results/white_background/bad.png.json",
        "results/white_background/ok.png.json",
    ]
    parked = aws.sqs.receive_message(QueueUrl=dead_letters, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(message["Body"])["detail"]["object"]["key"] for message in parked] == ["flaky.png"]

    # AND once S3 recovers, redriving the dead letter produces its document
    spy.heal()
    aws.sqs.send_message(QueueUrl=queue_url, MessageBody=parked[0]["Body"])
    local.poll_once(aws.sqs, queue, white_background_bucket_handler, lambda_context)
    assert read_document(aws.s3, "flaky.png").verdict == "white"


# --------------------------------------------------------------------------- s3 references in the API


def test_api_reads_an_s3_reference_beyond_the_inline_limit(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    data = noise_png(5 * 1024 * 1024)
    upload(aws.s3, "large.png", data)

    body = white_background_bucket_handler(
        {"s3": {"bucket": UPLOAD_BUCKET, "key": "large.png"}}, lambda_context
    )

    assert body["errno"] == 0 and body["image"]["bytes"] == len(data)


@pytest.mark.parametrize(
    ("reference", "code"),
    [
        ({"bucket": RESULTS_BUCKET, "key": "results/x.json"}, "SOURCE_FORBIDDEN"),
        ({"bucket": "another-bucket", "key": "a.png"}, "SOURCE_FORBIDDEN"),
        ({"bucket": UPLOAD_BUCKET, "key": "missing.png"}, "SOURCE_MISSING"),
        ({"bucket": UPLOAD_BUCKET, "key": "small.png", "version_id": "no-such-version"}, "SOURCE_MISSING"),
    ],
)
def test_api_s3_reference_refusals(
    aws: AwsClients,
    white_background_bucket_handler: Handler,
    lambda_context: Any,
    reference: dict[str, str],
    code: str,
) -> None:
    aws.s3.put_bucket_versioning(Bucket=UPLOAD_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    upload(aws.s3, "small.png", png_bytes())

    body = white_background_bucket_handler({"s3": reference}, lambda_context)

    assert body["error"]["code"] == code


def test_api_s3_reference_over_the_object_limit(
    aws: AwsClients,
    white_background_bucket_handler: Handler,
    lambda_context: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_settings(monkeypatch, MAX_OBJECT_BYTES="1000")
    upload(aws.s3, "big.png", png_bytes(size=(500, 500)) + b"\0" * 2000)

    body = white_background_bucket_handler(
        {"s3": {"bucket": UPLOAD_BUCKET, "key": "big.png"}}, lambda_context
    )

    assert body["error"]["code"] == "IMAGE_TOO_LARGE"


def test_api_s3_reference_reads_the_named_version(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    aws.s3.put_bucket_versioning(Bucket=UPLOAD_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    first = aws.s3.put_object(Bucket=UPLOAD_BUCKET, Key="shoe.png", Body=png_bytes(white=True))
    aws.s3.put_object(Bucket=UPLOAD_BUCKET, Key="shoe.png", Body=png_bytes(white=False))

    latest = white_background_bucket_handler(
        {"s3": {"bucket": UPLOAD_BUCKET, "key": "shoe.png"}}, lambda_context
    )
    pinned = white_background_bucket_handler(
        {"s3": {"bucket": UPLOAD_BUCKET, "key": "shoe.png", "version_id": first["VersionId"]}}, lambda_context
    )

    assert latest["result"]["is_white"] is False
    assert pinned["result"]["is_white"] is True


# --------------------------------------------------------------------------- optional fields, key spellings


@pytest.mark.parametrize(
    "missing",
    [
        pytest.param(("version-id",), id="no-version-id"),
        pytest.param(("version-id", "sequencer"), id="no-version-no-sequencer"),
        pytest.param(("version-id", "sequencer", "etag", "size"), id="key-and-bucket-only"),
    ],
)
def test_eventbridge_event_from_an_unversioned_bucket(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any, missing: tuple[str, ...]
) -> None:
    # GIVEN an upload bucket that was never versioned (S3 then sends no version-id), and an event
    # that lacks the other optional identity fields too
    aws.s3.delete_bucket(Bucket=UPLOAD_BUCKET)
    aws.s3.create_bucket(Bucket=UPLOAD_BUCKET)
    upload(aws.s3, "shoe.png", png_bytes())
    body = eventbridge_body(aws.s3, "shoe.png")
    for name in missing:
        body["detail"]["object"].pop(name)

    answer = white_background_bucket_handler(sqs_event([body]), lambda_context)

    # THEN it is analysed like any other upload, recording only what the event said
    assert answer == {"batchItemFailures": []}
    document = read_document(aws.s3, "shoe.png")
    assert document.verdict == "white"
    assert document.source.version_id is None
    assert (document.source.sequencer is None) == ("sequencer" in missing)
    assert (document.source.etag is None) == ("etag" in missing)


def test_direct_s3_record_without_optional_fields(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    upload(aws.s3, "shoe.png", png_bytes(white=False))
    event = s3_record_event(aws.s3, ["shoe.png"], with_version=False)
    for name in ("sequencer", "eTag", "size"):
        event["Records"][0]["s3"]["object"].pop(name)

    answer = white_background_bucket_handler(event, lambda_context)

    assert answer["outcomes"][0]["outcome"] == "written"
    assert read_document(aws.s3, "shoe.png").verdict == "not-white"


@pytest.mark.parametrize("encode", [True, False], ids=["url-encoded", "as-is"])
@pytest.mark.parametrize(
    "key",
    ["catalog/red shoe 红.jpg", "catalog/c++ 100% a+b.png", "catalog/%E7%BA%A2.png", "catalog/plain.png"],
)
def test_eventbridge_keys_work_encoded_or_not(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any, key: str, encode: bool
) -> None:
    # GIVEN an upload whose key has spaces, "+", "%" or a literal percent-escape, and its EventBridge
    # event with the key URL-encoded or as it is (AWS documents neither)
    upload(aws.s3, key, png_bytes())
    event = sqs_event([eventbridge_body(aws.s3, key, encode=encode)])

    answer = white_background_bucket_handler(event, lambda_context)

    # THEN the document is stored under, and names, the object's real key
    assert answer == {"batchItemFailures": []}
    assert result_keys(aws.s3) == [f"results/white_background/{key}.json"]
    assert read_document(aws.s3, key).source.key == key


def test_unencoded_eventbridge_key_is_told_apart_from_its_decoded_twin(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    # GIVEN two objects whose keys differ only by "+" against " " (a white and a grey image), and
    # the unencoded event for the "+" one, which also reads as the other once URL-decoded
    upload(aws.s3, "a b.png", png_bytes(white=False))
    upload(aws.s3, "a+b.png", png_bytes(white=True))
    spy = S3Spy(aws.s3)
    use_s3_client(spy)

    white_background_bucket_handler(
        sqs_event([eventbridge_body(aws.s3, "a+b.png", encode=False)]), lambda_context
    )

    # THEN the event's version id picks the right object: only "a+b.png" has a document
    assert result_keys(aws.s3) == ["results/white_background/a+b.png.json"]
    assert read_document(aws.s3, "a+b.png").verdict == "white"
    assert [request["Key"] for name, request in spy.requests if name == "head_object"] == [
        "a b.png",
        "a+b.png",
    ]


def test_keys_without_plus_or_percent_cost_no_extra_request(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    upload(aws.s3, "red shoe 红.png", png_bytes())
    spy = S3Spy(aws.s3)
    use_s3_client(spy)

    white_background_bucket_handler(
        sqs_event([eventbridge_body(aws.s3, "red shoe 红.png", encode=False)]), lambda_context
    )

    assert spy.calls["head_object"] == 0
    assert read_document(aws.s3, "red shoe 红.png").verdict == "white"


def test_eventbridge_event_for_a_key_under_neither_spelling_is_source_missing(
    aws: AwsClients, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    # GIVEN an event for "x+y.png" whose version was deleted before the event was handled
    head = upload(aws.s3, "x+y.png", png_bytes())
    event = sqs_event([eventbridge_body(aws.s3, "x+y.png", encode=False)])
    aws.s3.delete_object(Bucket=UPLOAD_BUCKET, Key="x+y.png", VersionId=head["VersionId"])

    answer = white_background_bucket_handler(event, lambda_context)

    # THEN, as for any deleted upload, an error document (under the decoded spelling) and no retry
    assert answer == {"batchItemFailures": []}
    assert read_document(aws.s3, "x y.png").code == "SOURCE_MISSING"
