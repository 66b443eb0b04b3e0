"""Bucket-shaped events reduced to ``UploadedObject``s: key decoding and optional fields."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import load_event
from image_audit.events import BucketCall, UploadedObject, parse_event


def objects(event: dict[str, Any]) -> list[UploadedObject]:
    call = parse_event(event)
    assert isinstance(call, BucketCall)
    return call.objects


def test_direct_s3_keys_are_url_decoded_every_record() -> None:
    # The S3 user guide ("Event message structure"): the key is URL-encoded, "red flower.jpg"
    # arrives as "red+flower.jpg"; a literal "+" as "%2B".
    found = objects(load_event("s3ObjectCreatedMultiRecord.json")) + objects(
        load_event("s3ObjectCreatedEncodedKey.json")
    )
    assert [item.key for item in found] == [
        "catalog/shoe-1.png",
        "catalog/shoe 2.png",
        "catalog/鞋 3.png",
        "uploads/2025/red flower 红花 + 50%.png",
    ]
    assert all(item.undecoded_key is None for item in found)  # documented: one reading only


def test_eventbridge_key_keeps_both_readings_when_decoding_changes_it() -> None:
    # The EventBridge page of the S3 user guide does not say whether the key is encoded.
    event = load_event("eventBridgeObjectCreated.json")
    (item,) = objects(event)
    assert item.key == "uploads/2025/白底 shoe.png"
    assert item.undecoded_key == "uploads/2025/%E7%99%BD%E5%BA%95+shoe.png"
    assert item.key_candidates == (item.key, item.undecoded_key)
    assert (item.version_id, item.etag, item.size, item.sequencer) == (
        "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
        "0123456789abcdef0123456789abcdef",
        2000,
        "0062E99A88DC407470",
    )


@pytest.mark.parametrize("key", ["catalog/red shoe 红.png", "plain.png", "a/b/c.jpg"])
def test_eventbridge_key_without_plus_or_percent_has_one_reading(key: str) -> None:
    event = load_event("eventBridgeObjectCreated.json")
    event["detail"]["object"]["key"] = key
    (item,) = objects(event)
    assert item.key_candidates == (key,)


def test_eventbridge_optional_fields_may_be_missing() -> None:
    event = load_event("eventBridgeObjectCreated.json")
    event["detail"]["object"] = {"key": "shoe.png"}
    assert objects(event) == [UploadedObject("image-audit-uploads-example", "shoe.png")]


def test_s3_record_optional_fields_may_be_missing_or_empty() -> None:
    event = load_event("s3ObjectCreatedEncodedKey.json")
    event["Records"][0]["s3"]["object"] = {"key": "shoe.png", "eTag": "", "size": "12"}
    (item,) = objects(event)
    assert (item.version_id, item.etag, item.size, item.sequencer) == (None, None, 12, None)


def test_eventbridge_event_inside_sqs_is_the_same_object() -> None:
    direct = objects(load_event("eventBridgeObjectCreated.json"))
    wrapped = parse_event(load_event("sqsEventBridgeObjectCreated.json"))
    assert isinstance(wrapped, BucketCall)
    assert wrapped.objects == direct
    assert wrapped.sqs_message_ids == ["2e1424d4-f796-459a-8184-9c92662be6da"]


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(
            {"detail-type": "Object Deleted", "source": "aws.s3", "detail": {}}, id="eventbridge-delete"
        ),
        pytest.param(
            {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectRemoved:Delete", "s3": {}}]},
            id="s3-delete",
        ),
    ],
)
def test_other_event_types_name_no_objects(event: dict[str, Any]) -> None:
    assert objects(event) == []


def test_record_without_a_key_is_refused() -> None:
    # Required fields are not guessed: the delivery fails and is retried, then dead-lettered.
    event = load_event("eventBridgeObjectCreated.json")
    del event["detail"]["object"]["key"]
    with pytest.raises(KeyError):
        parse_event(event)
