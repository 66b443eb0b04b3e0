"""openapi.json is valid, current, and real responses of every dialect validate against it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import golden_b64, load_event
from gen_openapi import main as gen_openapi_main
from image_audit.local import load_handler, repository_root
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

SPEC = json.loads((repository_root() / "openapi.json").read_text(encoding="utf-8"))


def response_validator(route: str, status: str) -> Draft202012Validator:
    # The whole document is the root so that "#/components/schemas/..." references resolve.
    escaped = route.replace("~", "~0").replace("/", "~1")
    pointer = f"#/paths/{escaped}/post/responses/{status}/content/application~1json/schema"
    return Draft202012Validator({**SPEC, "$ref": pointer})


def test_spec_is_valid_openapi() -> None:
    validate(SPEC)


def test_spec_is_generated_from_the_current_models() -> None:
    assert gen_openapi_main(["--check"]) == 0


@pytest.mark.parametrize(
    ("event", "status"),
    [
        ({"image": golden_b64("wb_white_clean.png"), "preset": "amazon"}, "200"),
        ({"inputs": [{"image": {"dataType": 50, "dataValue": golden_b64("wb_split_scene.jpg")}}]}, "200"),
        ({"inputs": [{"image": {"dataType": 50, "dataValue": "AAAA"}}]}, "4XX"),
        ({"image": "AAAA"}, "4XX"),
        ({"image": golden_b64("wb_white_clean.png"), "tolerance": 500}, "4XX"),
    ],
)
def test_white_background_responses_match_the_spec(
    white_background_handler: Any, lambda_context: Any, event: dict[str, Any], status: str
) -> None:
    body = white_background_handler(event, lambda_context)
    errors = sorted(response_validator("/v1/white-background", status).iter_errors(body), key=str)
    assert not errors, [error.message for error in errors]


def test_proxy_response_body_matches_the_spec(white_background_handler: Any, lambda_context: Any) -> None:
    response = white_background_handler(
        load_event("apiGatewayProxyEventWhiteBackgroundAliyun.json"), lambda_context
    )
    body = json.loads(response["body"])
    assert not list(response_validator("/v1/white-background", "200").iter_errors(body))


def test_validator_rejects_a_wrong_shape() -> None:
    # The check above is only worth something if a broken body fails it.
    broken = {"outputs": [{"outputLabel": "WhiteBackground", "outputValue": {"dataValue": 1}}]}
    assert list(response_validator("/v1/white-background", "200").iter_errors(broken))


@pytest.mark.models
@pytest.mark.parametrize(
    ("event", "status"),
    [
        ({"image": golden_b64("pso_banner.jpg"), "return_text": True}, "200"),
        ({"image": golden_b64("pso_clean_print_bottle.jpg"), "threshold": 0.2}, "200"),
        ({"inputs": [{"image": {"dataType": 50, "dataValue": golden_b64("pso_corner_promo.jpg")}}]}, "200"),
        (
            {
                "inputs": [
                    {"image": {"dataType": 50, "dataValue": golden_b64("pso_price_badge.jpg")}},
                    {"image": {"dataType": 50, "dataValue": "AAAA"}},
                ]
            },
            "200",
        ),
        ({"inputs": [{"image": {"dataType": 50, "dataValue": "AAAA"}}]}, "4XX"),
        ({"image": golden_b64("pso_banner.jpg"), "threshold": 2}, "4XX"),
    ],
)
def test_psoriasis_responses_match_the_spec(event: dict[str, Any], status: str, lambda_context: Any) -> None:
    body = load_handler("psoriasis")(event, lambda_context)
    errors = sorted(response_validator("/v1/psoriasis", status).iter_errors(body), key=str)
    assert not errors, [error.message for error in errors]
