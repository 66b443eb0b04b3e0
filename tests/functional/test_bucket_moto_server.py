"""The bucket path over real HTTP: a moto server on 127.0.0.1, real boto3 clients with endpoint_url.

The server is wired as template.yaml wires AWS (by infra/local_bucket.py's ``provision``): a
versioned upload bucket with EventBridge notifications, a rule and an SQS queue with a redrive
policy per API. Uploads go through the server, which emits the EventBridge events, routes them
through the rule into the queue and dead-letters messages received too often, so these tests see
the delivery machinery rather than hand-built events (except where moto cannot produce the case).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import (
    RESULTS_BUCKET,
    UPLOAD_BUCKET,
    S3Spy,
    client_error,
    load_infra_module,
    make_clients,
    png_bytes,
    use_s3_client,
)
from image_audit.contract import BucketResult
from image_audit.settings import get_settings

Handler = Callable[..., dict[str, Any]]
local_bucket = load_infra_module("local_bucket")


@pytest.fixture
def stack(
    moto_server_url: str, monkeypatch: pytest.MonkeyPatch, white_background_bucket_handler: Handler
) -> Iterator[Any]:
    """A fresh server state wired like template.yaml; the handler's S3 client talks to the server."""
    requests.post(f"{moto_server_url}/moto-api/reset", timeout=10).raise_for_status()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server_url)
    clients = make_clients(moto_server_url)
    local = local_bucket.LocalStack(moto_server_url, clients.s3, clients.sqs, clients.events)
    yield local_bucket.provision(
        local,
        ["white_background"],
        upload_bucket=UPLOAD_BUCKET,
        results_bucket=RESULTS_BUCKET,
        visibility_timeout=0,  # a failed message is visible again at once: retries happen in-test
        max_receive_count=3,
    )


def drain(stack: Any, handler: Handler, context: Any, rounds: int = 10) -> None:
    """Poll as the event source mapping would, until the queue is empty (or rounds run out)."""
    queue = stack.queues[0]
    for _ in range(rounds):
        received, _failed = local_bucket.poll_once(stack.sqs, queue, handler, context)
        if not received and not local_bucket.queue_depth(stack.sqs, queue.queue_url):
            return


def document(stack: Any, key: str) -> BucketResult:
    body = stack.s3.get_object(Bucket=RESULTS_BUCKET, Key=f"results/white_background/{key}.json")["Body"]
    return BucketResult.model_validate_json(body.read())


def result_keys(stack: Any) -> list[str]:
    return sorted(item["Key"] for item in stack.s3.list_objects_v2(Bucket=RESULTS_BUCKET).get("Contents", []))


def dead_letters(stack: Any) -> list[dict[str, Any]]:
    queue = stack.queues[0]
    messages: list[dict[str, Any]] = stack.sqs.receive_message(
        QueueUrl=queue.dead_letter_url, MaxNumberOfMessages=10
    ).get("Messages", [])
    return messages


def use_spy(stack: Any) -> S3Spy:
    spy = S3Spy(make_clients(stack.endpoint_url).s3)
    use_s3_client(spy)
    return spy


def test_upload_fans_out_through_eventbridge_and_sqs_to_a_result(
    stack: Any, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    # GIVEN an image uploaded over HTTP under a key with spaces, "+" and Chinese
    key = "catalog/2025/白底 shoe + box.png"
    stack.s3.put_object(Bucket=UPLOAD_BUCKET, Key=key, Body=png_bytes())

    # WHEN the queue the rule feeds is polled into the handler
    drain(stack, white_background_bucket_handler, lambda_context)

    # THEN the document exists, names the exact version, and the queues are empty
    result = document(stack, key)
    head = stack.s3.head_object(Bucket=UPLOAD_BUCKET, Key=key)
    assert (result.errno, result.verdict, result.source.key) == (0, "white", key)
    assert result.source.version_id == head["VersionId"]
    assert local_bucket.queue_depth(stack.sqs, stack.queues[0].queue_url) == 0
    assert dead_letters(stack) == []


def test_direct_s3_notifications_url_encoded_keys_and_test_event(
    stack: Any, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    # GIVEN the alternative wiring: S3 notifications straight to the queue. Configuring it makes
    # S3 (and moto) send an s3:TestEvent first; moto URL-encodes keys in these records as S3 does.
    queue = stack.queues[0]
    stack.s3.put_bucket_notification_configuration(
        Bucket=UPLOAD_BUCKET,
        NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": queue.queue_arn, "Events": ["s3:ObjectCreated:*"]}]
        },
    )
    key = "uploads/red flower 红花 + 50%.png"
    stack.s3.put_object(Bucket=UPLOAD_BUCKET, Key=key, Body=png_bytes(white=False))
    bodies = [
        message["Body"]
        for message in stack.sqs.receive_message(QueueUrl=queue.queue_url, MaxNumberOfMessages=10)["Messages"]
    ]
    assert any('"s3:TestEvent"' in body for body in bodies)
    assert any("red+flower" in body for body in bodies)

    drain(stack, white_background_bucket_handler, lambda_context)

    assert result_keys(stack) == [f"results/white_background/{key}.json"]
    assert document(stack, key).verdict == "not-white"
    assert dead_letters(stack) == []


def test_redelivered_message_causes_no_second_write_or_tag(
    stack: Any,
    white_background_bucket_handler: Handler,
    lambda_context: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TAG_SOURCE_OBJECTS", "true")
    get_settings.cache_clear()
    spy = use_spy(stack)
    stack.s3.put_object(Bucket=UPLOAD_BUCKET, Key="shoe.png", Body=png_bytes())
    queue = stack.queues[0]
    message = stack.sqs.receive_message(QueueUrl=queue.queue_url, MaxNumberOfMessages=1)["Messages"]

    # WHEN the same message is handled twice (a delete that never happened: SQS redelivers)
    event = local_bucket.sqs_lambda_event(message, queue.queue_arn)
    assert white_background_bucket_handler(event, lambda_context) == {"batchItemFailures": []}
    first_etag = stack.s3.head_object(Bucket=RESULTS_BUCKET, Key="results/white_background/shoe.png.json")[
        "ETag"
    ]
    redelivered = stack.sqs.receive_message(QueueUrl=queue.queue_url, MaxNumberOfMessages=1)["Messages"]
    assert redelivered[0]["MessageId"] == message[0]["MessageId"]
    event = local_bucket.sqs_lambda_event(redelivered, queue.queue_arn)
    assert white_background_bucket_handler(event, lambda_context) == {"batchItemFailures": []}

    # THEN one document write, one tag write, and the document is unchanged
    assert spy.calls["put_object"] == 1 and spy.calls["put_object_tagging"] == 1
    again = stack.s3.head_object(Bucket=RESULTS_BUCKET, Key="results/white_background/shoe.png.json")
    assert again["ETag"] == first_etag
    tags = stack.s3.get_object_tagging(Bucket=UPLOAD_BUCKET, Key="shoe.png")["TagSet"]
    assert tags == [{"Key": "image-audit-white-background", "Value": "white"}]


def test_late_event_for_an_overwritten_key_does_not_clobber_the_newer_result(
    stack: Any, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    # GIVEN two uploads of one key. moto gives every event the same sequencer, so the messages it
    # produced are given S3-like increasing sequencers before delivery, newest first.
    queue = stack.queues[0]
    stack.s3.put_object(Bucket=UPLOAD_BUCKET, Key="shoe.png", Body=png_bytes(white=True))
    stack.s3.put_object(Bucket=UPLOAD_BUCKET, Key="shoe.png", Body=png_bytes(white=False))
    messages = stack.sqs.receive_message(QueueUrl=queue.queue_url, MaxNumberOfMessages=10)["Messages"]
    assert len(messages) == 2
    for message, sequencer in zip(messages, ["0062E99A88DC400001", "0062E99A88DC400002"], strict=True):
        body = json.loads(message["Body"])
        body["detail"]["object"]["sequencer"] = sequencer
        message["Body"] = json.dumps(body)

    for message in reversed(messages):
        event = local_bucket.sqs_lambda_event([message], queue.queue_arn)
        assert white_background_bucket_handler(event, lambda_context) == {"batchItemFailures": []}

    result = document(stack, "shoe.png")
    assert (result.verdict, result.source.sequencer) == ("not-white", "0062E99A88DC400002")


def test_bad_image_gets_an_error_document_and_leaves_the_queue(
    stack: Any, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    stack.s3.put_object(Bucket=UPLOAD_BUCKET, Key="notes.txt", Body=b"not an image")

    drain(stack, white_background_bucket_handler, lambda_context)

    result = document(stack, "notes.txt")
    assert (result.errno, result.code) == (-1, "UNSUPPORTED_IMAGE_FORMAT")
    assert local_bucket.queue_depth(stack.sqs, stack.queues[0].queue_url) == 0
    assert dead_letters(stack) == []


def test_oversize_upload_is_refused_without_downloading_it(
    stack: Any,
    white_background_bucket_handler: Handler,
    lambda_context: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MAX_OBJECT_BYTES", "2000")
    get_settings.cache_clear()
    spy = use_spy(stack)
    stack.s3.put_object(Bucket=UPLOAD_BUCKET, Key="big.png", Body=png_bytes(size=(800, 800)) + b"\0" * 4000)

    drain(stack, white_background_bucket_handler, lambda_context)

    assert document(stack, "big.png").code == "IMAGE_TOO_LARGE"
    read_buckets = [request["Bucket"] for name, request in spy.requests if name == "get_object"]
    assert UPLOAD_BUCKET not in read_buckets


def test_persistent_fault_ends_in_the_dead_letter_queue_then_redrives(
    stack: Any,
    white_background_bucket_handler: Handler,
    lambda_context: Any,
) -> None:
    # GIVEN S3 keeps answering 503 SlowDown for one of two uploads
    spy = use_spy(stack)
    spy.fail("get_object", client_error("SlowDown", 503), when=lambda request: request["Key"] == "flaky.png")
    stack.s3.put_object(Bucket=UPLOAD_BUCKET, Key="fine.png", Body=png_bytes())
    stack.s3.put_object(Bucket=UPLOAD_BUCKET, Key="flaky.png", Body=png_bytes())

    # WHEN the queue is polled until SQS gives up on the failing message (maxReceiveCount 3)
    drain(stack, white_background_bucket_handler, lambda_context)

    # THEN one result and one dead letter: nothing is lost, nothing is half-done
    assert result_keys(stack) == ["results/white_background/fine.png.json"]
    parked = dead_letters(stack)
    assert [json.loads(message["Body"])["detail"]["object"]["key"] for message in parked] == ["flaky.png"]

    # AND after the fault clears, redriving the dead letter completes it
    spy.heal()
    queue = stack.queues[0]
    stack.sqs.send_message(QueueUrl=queue.queue_url, MessageBody=parked[0]["Body"])
    drain(stack, white_background_bucket_handler, lambda_context)
    assert document(stack, "flaky.png").verdict == "white"


def test_api_s3_reference_over_http(
    stack: Any, white_background_bucket_handler: Handler, lambda_context: Any
) -> None:
    stack.s3.put_object(Bucket=UPLOAD_BUCKET, Key="shoe.png", Body=png_bytes(white=False))

    found = white_background_bucket_handler(
        {"s3": {"bucket": UPLOAD_BUCKET, "key": "shoe.png"}}, lambda_context
    )
    missing = white_background_bucket_handler(
        {"s3": {"bucket": UPLOAD_BUCKET, "key": "nope.png"}}, lambda_context
    )

    assert found["result"]["is_white"] is False
    assert missing["error"]["code"] == "SOURCE_MISSING"


def test_local_bucket_mode_watches_a_folder_and_mirrors_results(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    moto_server_url: str,
    white_background_bucket_handler: Handler,
) -> None:
    # moto servers in one process share their state: start from a clean one
    requests.post(f"{moto_server_url}/moto-api/reset", timeout=10).raise_for_status()
    # GIVEN a folder with two images (one in a subfolder, one with a Chinese name) and a non-image
    inbox, mirror = tmp_path / "inbox", tmp_path / "results"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "白底 shoe.png").write_bytes(png_bytes())
    (inbox / "sub" / "grey.png").write_bytes(png_bytes(white=False))
    (inbox / "notes.txt").write_text("not an image")
    # local_bucket sets Lambda's variables for its handlers: let monkeypatch restore them after
    for name in ("AWS_ENDPOINT_URL", "UPLOAD_BUCKET", "RESULTS_BUCKET", "RESULTS_PREFIX"):
        monkeypatch.setenv(name, "placeholder")

    # WHEN the local bucket mode runs once over it
    dead = local_bucket.run(
        inbox, mirror, ["white_background"], once=True, poll_seconds=0.2, timeout_seconds=60
    )

    # THEN every file has its document in the mirror folder, and nothing was dead-lettered
    assert dead == 0
    verdicts = {
        path.relative_to(mirror).as_posix(): json.loads(path.read_text(encoding="utf-8"))["verdict"]
        for path in mirror.rglob("*.json")
    }
    assert verdicts == {
        "white_background/白底 shoe.png.json": "white",
        "white_background/sub/grey.png.json": "not-white",
        "white_background/notes.txt.json": "error:UNSUPPORTED_IMAGE_FORMAT",
    }
