"""The request path shared by all APIs: both dialects, ordering, and typed 4xx for every bad request."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from conftest import golden_b64
from image_audit.api import answer
from image_audit.events import HttpRequest, HttpResponse
from image_audit.settings import Settings
from image_audit.white_background import WHITE_BACKGROUND_API

SETTINGS = Settings()
WHITE = golden_b64("wb_white_clean.png")
OFF_WHITE = golden_b64("wb_off_white_240.jpg")


def post(body: Any, content_type: str = "application/json", settings: Settings = SETTINGS) -> HttpResponse:
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    request = HttpRequest("POST", "/v1/white-background", {"content-type": content_type}, {}, raw)
    return answer(WHITE_BACKGROUND_API, request, settings)


def aliyun_input(image: str, **params: Any) -> dict[str, Any]:
    return {"image": {"dataType": 50, "dataValue": image}, **params}


def test_aliyun_envelope_is_answered_in_the_original_shape() -> None:
    response = post({"inputs": [aliyun_input(WHITE)]})
    assert response.status == 200
    assert response.body == {
        "outputs": [
            {
                "outputLabel": "WhiteBackground",
                "outputMulti": {},
                "outputValue": {"dataType": 50, "dataValue": {"errno": 0, "isWhite": 1}},
            }
        ]
    }


def test_several_inputs_are_answered_in_order_with_per_input_errors() -> None:
    response = post(
        {"inputs": [aliyun_input(OFF_WHITE), aliyun_input("bm90IGFuIGltYWdl"), aliyun_input(WHITE)]}
    )
    assert response.status == 200
    values = [output["outputValue"]["dataValue"] for output in response.body["outputs"]]
    assert values[0] == {"errno": 0, "isWhite": 0}
    assert (
        values[1]["errno"] == -1 and values[1]["code"] == "UNSUPPORTED_IMAGE_FORMAT" and values[1]["message"]
    )
    assert values[2] == {"errno": 0, "isWhite": 1}


def test_when_every_input_fails_the_status_is_the_first_error() -> None:
    response = post({"inputs": [aliyun_input("")]})
    assert response.status == 400
    assert response.body["outputs"][0]["outputValue"]["dataValue"]["code"] == "EMPTY_IMAGE"


@pytest.mark.parametrize(
    "params",
    [
        {"background_pixel": {"dataType": 10, "dataValue": 240}},
        {"configure": {"dataType": 50, "dataValue": '{"background_pixel": 240}'}},
        {"configure": {"dataType": 50, "dataValue": {"background_pixel": 240}}},
    ],
)
def test_parameters_arrive_as_siblings_or_configure_string_or_object(params: dict[str, Any]) -> None:
    response = post({"inputs": [aliyun_input(OFF_WHITE, **params)]})
    assert response.body["outputs"][0]["outputValue"]["dataValue"] == {"errno": 0, "isWhite": 1}


def test_data_value_string_form_is_selectable_per_request_and_by_setting() -> None:
    per_request = post(
        {"inputs": [aliyun_input(WHITE, dataValueFormat={"dataType": 50, "dataValue": "string"})]}
    )
    assert per_request.body["outputs"][0]["outputValue"]["dataValue"] == '{"errno":0,"isWhite":1}'
    by_setting = post({"inputs": [aliyun_input(WHITE)]}, settings=Settings(ALIYUN_DATA_VALUE_FORMAT="string"))
    assert json.loads(by_setting.body["outputs"][0]["outputValue"]["dataValue"]) == {"errno": 0, "isWhite": 1}


def test_native_api_returns_the_rich_result() -> None:
    response = post({"image": WHITE, "preset": "amazon"})
    assert response.status == 200
    body = response.body
    assert body["api"] == "white_background" and body["errno"] == 0
    assert body["version"].startswith("white-background/")
    assert body["result"]["is_white"] is True
    assert set(body["result"]["edges"]) == {"top", "bottom", "left", "right"}
    assert {check["name"] for check in body["result"]["checks"]} >= {"product_fill", "background_rgb_255"}
    assert body["timings_ms"]["total"] >= body["timings_ms"]["decode"]
    assert body["image"]["format"] == "PNG"


def test_raw_image_body_takes_options_from_the_query() -> None:
    request = HttpRequest(
        "POST",
        "/",
        {"content-type": "image/png"},
        {"background_pixel": "240"},
        base64.b64decode(OFF_WHITE),
    )
    response = answer(WHITE_BACKGROUND_API, request, SETTINGS)
    assert response.status == 200 and response.body["result"]["is_white"] is True


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("{not json", "application/json", 400, "INVALID_JSON"),
        ("", "application/json", 400, "INVALID_REQUEST"),
        ("[1, 2]", "application/json", 400, "INVALID_REQUEST"),
        ({"margin": 5}, "application/json", 400, "MISSING_IMAGE"),
        ({"image": "%%%not-base64%%%"}, "application/json", 400, "INVALID_BASE64"),
        ({"image": ""}, "application/json", 400, "EMPTY_IMAGE"),
        ({"image": WHITE, "margin": "wide"}, "application/json", 400, "INVALID_PARAMETER"),
        ({"image": WHITE, "margn": 5}, "application/json", 400, "INVALID_PARAMETER"),
        ({"image": 12345}, "application/json", 400, "INVALID_PARAMETER"),
        ({"inputs": []}, "application/json", 400, "INVALID_REQUEST"),
        ({"inputs": [{"no_image": 1}]}, "application/json", 400, "INVALID_REQUEST"),
        ({"image": WHITE}, "application/xml", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ({"image": golden_b64("png_tiny_20.png")}, "application/json", 422, "IMAGE_TOO_SMALL"),
        ({"image": golden_b64("jpeg_truncated_in_scan.jpg")}, "application/json", 422, "CORRUPT_IMAGE"),
        ({"image": golden_b64("tiff_small.tif")}, "application/json", 415, "UNSUPPORTED_IMAGE_FORMAT"),
    ],
)
def test_bad_requests_are_typed_4xx(body: Any, content_type: str, status: int, code: str) -> None:
    response = post(body, content_type)
    assert response.status == status
    assert response.body["error"]["code"] == code
    assert response.body["error"]["message"]
    assert response.body["error"]["retryable"] is False


def test_inline_images_over_the_cap_point_to_the_bucket() -> None:
    response = post({"image": WHITE}, settings=Settings(MAX_API_IMAGE_BYTES=1000))
    assert response.status == 413
    assert response.body["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "bucket" in response.body["error"]["message"]


def test_only_post_is_allowed() -> None:
    request = HttpRequest("GET", "/", {}, {}, b"")
    response = answer(WHITE_BACKGROUND_API, request, SETTINGS)
    assert response.status == 405 and response.body["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_data_uri_and_url_safe_base64_are_accepted() -> None:
    url_safe = WHITE.replace("+", "-").replace("/", "_").rstrip("=")
    assert post({"image": url_safe}).status == 200
    assert post({"image": "data:image/png;base64," + WHITE}).status == 200


def test_a_fault_of_ours_is_a_500_without_details(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("image_audit.api.decode_image", explode)
    response = post({"image": WHITE})
    assert response.status == 500
    assert response.body["error"]["code"] == "INTERNAL_ERROR"
    assert "secret" not in json.dumps(response.body)
