"""The white-background Lambda handler with the event fixtures that `sam local invoke -e` takes."""

from __future__ import annotations

import json
from typing import Any

from conftest import load_event


def test_rest_api_event_with_aliyun_body(white_background_handler: Any, lambda_context: Any) -> None:
    # GIVEN an API Gateway REST proxy event carrying the original envelope
    event = load_event("apiGatewayProxyEventWhiteBackgroundAliyun.json")
    # WHEN the handler runs
    response = white_background_handler(event, lambda_context)
    # THEN it is a proxy response with the original wire format
    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"].startswith("application/json")
    body = json.loads(response["body"])
    assert body["outputs"][0]["outputLabel"] == "WhiteBackground"
    assert body["outputs"][0]["outputValue"]["dataValue"] == {"errno": 0, "isWhite": 1}


def test_http_api_event_with_raw_base64_image(white_background_handler: Any, lambda_context: Any) -> None:
    event = load_event("apiGatewayV2RawImageWhiteBackground.json")
    response = white_background_handler(event, lambda_context)
    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert body["result"]["is_white"] is True
    assert body["result"]["checks"][0]["name"] == "background_rgb_255"


def test_direct_invocation_returns_the_body(white_background_handler: Any, lambda_context: Any) -> None:
    body = white_background_handler(load_event("directInvokeWhiteBackgroundNative.json"), lambda_context)
    assert body["api"] == "white_background"
    assert body["result"]["is_white"] is True


def test_invalid_json_is_a_400_not_a_crash(white_background_handler: Any, lambda_context: Any) -> None:
    response = white_background_handler(load_event("apiGatewayProxyEventInvalidJson.json"), lambda_context)
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"]["code"] == "INVALID_JSON"


def test_invalid_base64_encoded_body_is_a_400(white_background_handler: Any, lambda_context: Any) -> None:
    event = load_event("apiGatewayV2RawImageWhiteBackground.json")
    event["body"] = "***not base64***"
    response = white_background_handler(event, lambda_context)
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"]["code"] == "INVALID_REQUEST"


def test_unrecognised_event_is_a_typed_400(white_background_handler: Any, lambda_context: Any) -> None:
    body = white_background_handler({"hello": "world"}, lambda_context)
    assert body["error"]["code"] == "INVALID_PARAMETER"
