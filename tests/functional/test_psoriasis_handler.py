"""The psoriasis Lambda handler end to end (real detector and model) on the golden psoriasis cases.

Images are ``tests/images/pso_*.jpg`` from ``tests/images/generate.py``: one product shot with its
own print (brand, 净含量) and the same pixels with one overlay each. ``PSORIASIS_CASES`` says what
each carries and ``psoriasis_layout`` where, so the expectations below come from the generator,
not from what the model happened to answer. Cases the current model misjudges are strict xfails
whose reason gives the measured score: they turn into failures as soon as the model gets them right.
"""

from __future__ import annotations

import base64
import functools
import json
import unicodedata
from typing import Any

import numpy as np
import pytest
from conftest import golden, golden_b64, load_event
from image_audit.local import LocalContext, load_handler
from images.generate import PSORIASIS_CASES, PSORIASIS_EVENTS, pixel_bomb_png, psoriasis_layout

pytestmark = pytest.mark.models

REGION_KINDS = {"overlay_text", "watermark", "logo_badge"}
CLEAN = sorted(name for name, case in PSORIASIS_CASES.items() if case.overlay is None)
OVERLAID = sorted(name for name, case in PSORIASIS_CASES.items() if case.overlay is not None)
# Overlays that leave the product's label visible: its print must still be excused beside them.
LABEL_VISIBLE = ["pso_banner.jpg", "pso_corner_promo.jpg", "pso_price_badge.jpg"]

# Cases the model or the region labelling gets wrong today, with what was measured (see the module
# docstring). Keyed by test and case.
MISJUDGED_PROB: dict[str, str] = {
    "pso_watermark_centre.jpg": (
        "centred 30 %-opaque watermark across the product scores prob 0.17 (< 0.5, model "
        "sha256:8aa76670e8b3): the detector boxes two of its characters on the margin and the "
        "trees excuse them as product text (best region score 0.29)"
    ),
}
MISJUDGED_KIND: dict[str, str] = {
    "pso_watermark_centre.jpg": "the centred watermark is not reported at all (see its prob)",
}


def case_param(name: str, misjudged: dict[str, str]) -> Any:
    marks = (
        [pytest.mark.xfail(strict=True, raises=AssertionError, reason=misjudged[name])]
        if name in misjudged
        else []
    )
    return pytest.param(name, marks=marks, id=name.removesuffix(".jpg"))


@functools.cache
def handler() -> Any:
    return load_handler("psoriasis")


def invoke(event: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = handler()(event, LocalContext())
    return body


def aliyun(image: str, **params: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"image": {"dataType": 50, "dataValue": image}}
    for name, value in params.items():
        item[name] = {"dataType": 10 if isinstance(value, int) else 50, "dataValue": value}
    return {"inputs": [item]}


def aliyun_value(image: str, **params: Any) -> dict[str, Any]:
    body = invoke(aliyun(image, **params))
    (output,) = body["outputs"]
    assert output["outputLabel"] == "Psoriasis"
    value: dict[str, Any] = output["outputValue"]["dataValue"]
    return value


@functools.cache
def native_result(name: str, return_text: bool = False) -> dict[str, Any]:
    """The native answer's result for a golden case (cached: every call runs the detector)."""
    body = invoke({"image": golden_b64(name), "return_text": return_text})
    assert body["api"] == "psoriasis", body
    result: dict[str, Any] = body["result"]
    return result


def box_xywh(region: dict[str, Any]) -> tuple[int, int, int, int]:
    box = region["box"]
    return box["x"], box["y"], box["width"], box["height"]


def share_inside(
    box: tuple[int, int, int, int], areas: list[tuple[int, int, int, int]], side: int = 480
) -> float:
    """Share of box's area covered by the union of areas."""
    mask = np.zeros((side, side), bool)
    for x, y, w, h in areas:
        mask[max(0, y) : y + h, max(0, x) : x + w] = True
    x, y, w, h = box
    patch = mask[max(0, y) : y + h, max(0, x) : x + w]
    return float(patch.mean()) if patch.size else 0.0


def folded(text: str) -> str:
    """NFKC without white space or punctuation: the recogniser's "净含量：250ml" is "净含量: 250ml"."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum())


# --------------------------------------------------------------------------- the event fixtures


def test_aliyun_envelope_through_api_gateway() -> None:
    # GIVEN the REST proxy event carrying the original envelope (the banner case)
    response = invoke(load_event(PSORIASIS_EVENTS[0]))
    # THEN it is a proxy response with the original wire format, byte-compatible fields only
    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"].startswith("application/json")
    (output,) = json.loads(response["body"])["outputs"]
    assert output["outputLabel"] == "Psoriasis"
    assert output["outputMulti"] == {}
    assert output["outputValue"]["dataType"] == 50
    value = output["outputValue"]["dataValue"]
    assert set(value) == {"errno", "isPsoriasis", "prob"}
    assert value["errno"] == 0 and value["isPsoriasis"] == 1
    assert isinstance(value["prob"], float) and 0.5 <= value["prob"] <= 1.0


def test_aliyun_data_value_as_a_json_string_on_request() -> None:
    value_as_object = aliyun_value(golden_b64("pso_banner.jpg"))
    body = invoke(aliyun(golden_b64("pso_banner.jpg"), dataValueFormat="string"))
    encoded = body["outputs"][0]["outputValue"]["dataValue"]
    assert isinstance(encoded, str)
    assert json.loads(encoded) == value_as_object


def test_direct_invocation_with_the_native_request() -> None:
    # GIVEN the direct-invoke event: the clean bottle, text asked for
    body = invoke(load_event(PSORIASIS_EVENTS[1]))
    assert body["api"] == "psoriasis" and body["errno"] == 0
    assert body["version"].startswith("psoriasis/")
    assert set(body["timings_ms"]) >= {"decode", "analyze", "total"}
    result = body["result"]
    assert result["is_psoriasis"] is False and result["grade"] == "none" and result["threshold"] == 0.5
    assert result["regions"] == []
    read = folded(" ".join(region["text"] for region in result["product_text"]))
    assert folded("净含量") in read


# --------------------------------------------------------------------------- each kind of overlay


@pytest.mark.parametrize("name", [case_param(name, MISJUDGED_PROB) for name in OVERLAID])
def test_each_overlay_kind_is_psoriasis(name: str) -> None:
    value = aliyun_value(golden_b64(name))
    assert value["errno"] == 0
    assert value["isPsoriasis"] == 1, value
    assert value["prob"] >= 0.5
    result = native_result(name)
    assert result["prob"] == value["prob"]
    assert result["is_psoriasis"] is True and result["grade"] in ("light", "heavy")


@pytest.mark.parametrize("name", [case_param(name, MISJUDGED_PROB) for name in OVERLAID])
def test_offending_regions_lie_on_the_overlay(name: str) -> None:
    _, overlay = psoriasis_layout(name)
    regions = native_result(name)["regions"]
    assert regions, "no offending region reported"
    for region in regions:
        assert region["kind"] in REGION_KINDS
        assert 0.5 <= region["score"] <= 1.0  # REGION_OVERLAY
        assert region["text"] is None  # not asked for
    # Every reported region is (mostly) on the overlay's ink: none is the product's own print.
    shares = [share_inside(box_xywh(region), overlay) for region in regions]
    assert min(shares) >= 0.5, list(zip([r["box"] for r in regions], shares, strict=True))
    assert [r["score"] for r in regions] == sorted((r["score"] for r in regions), reverse=True)


@pytest.mark.parametrize("name", [case_param(name, MISJUDGED_KIND) for name in OVERLAID])
def test_the_overlay_is_reported_with_its_kind(name: str) -> None:
    _, overlay = psoriasis_layout(name)
    on_overlay = [r for r in native_result(name)["regions"] if share_inside(box_xywh(r), overlay) >= 0.5]
    kinds = [region["kind"] for region in on_overlay]
    expected = PSORIASIS_CASES[name].kind
    # Watermarks must read as watermarks across the board; other overlays need one region of theirs.
    if expected == "watermark":
        assert kinds and kinds.count("watermark") * 2 > len(kinds), kinds
    else:
        assert expected in kinds, kinds


@pytest.mark.parametrize("name", LABEL_VISIBLE)
def test_the_product_print_is_still_excused_beside_an_overlay(name: str) -> None:
    product, overlay = psoriasis_layout(name)
    result = native_result(name, return_text=True)
    excused = [r for r in result["product_text"] if share_inside(box_xywh(r), [product]) >= 0.9]
    assert excused, result["product_text"]
    read = folded(" ".join(r["text"] for r in excused))
    assert folded(PSORIASIS_CASES[name].printed[0]) in read  # the brand on the label
    assert all(share_inside(box_xywh(r), overlay) < 0.5 for r in excused)


# --------------------------------------------------------------------------- on-product print


@pytest.mark.parametrize("name", CLEAN)
def test_a_clean_product_with_print_scores_low(name: str) -> None:
    value = aliyun_value(golden_b64(name))
    assert value == {"errno": 0, "isPsoriasis": 0, "prob": value["prob"]}
    assert value["prob"] < 0.5
    result = native_result(name)
    assert result["grade"] == "none" and result["regions"] == []


@pytest.mark.parametrize("name", CLEAN)
def test_product_text_lists_the_excused_print_with_its_text(name: str) -> None:
    product, _ = psoriasis_layout(name)
    result = native_result(name, return_text=True)
    assert result["regions"] == []
    excused = result["product_text"]
    assert len(excused) >= 2
    for region in excused:
        assert 0.0 <= region["score"] < 0.5
        assert share_inside(box_xywh(region), [product]) >= 0.9, region  # on the product
        assert isinstance(region["text"], str)
    read = folded(" ".join(region["text"] for region in excused))
    printed = PSORIASIS_CASES[name].printed
    found = [line for line in printed if folded(line) in read]
    assert len(found) >= len(printed) - 1, (printed, read)  # the recogniser may miss one small line
    assert folded("净含量") in read
    assert native_result(name)["product_text"][0]["text"] is None  # text only when asked


# --------------------------------------------------------------------------- the threshold option


def test_threshold_zero_flags_and_one_clears_a_clean_image() -> None:
    image = golden_b64("pso_clean_print_bottle.jpg")
    default = aliyun_value(image)
    zero = aliyun_value(image, threshold="0.0")
    one = aliyun_value(image, configure=json.dumps({"threshold": 1.0}))
    assert (default["isPsoriasis"], zero["isPsoriasis"], one["isPsoriasis"]) == (0, 1, 0)
    assert default["prob"] == zero["prob"] == one["prob"]  # the threshold moves the verdict only


def test_threshold_between_the_prob_and_the_default_moves_the_verdict() -> None:
    name = "pso_clean_print_bottle.jpg"
    prob = native_result(name)["prob"]
    body = invoke({"image": golden_b64(name), "threshold": round(prob / 2, 4)})
    assert body["result"]["is_psoriasis"] is True
    assert body["result"]["threshold"] == round(prob / 2, 4)
    assert body["result"]["grade"] in ("light", "heavy")  # flagged, so graded


@pytest.mark.parametrize("threshold", [1.5, -0.1, "abc", None, [0.5]])
def test_out_of_range_threshold_is_a_typed_error(threshold: Any) -> None:
    value = aliyun_value(golden_b64("pso_banner.jpg"), threshold=threshold)
    assert value["errno"] == -1
    assert value["code"] == "INVALID_PARAMETER"
    assert "threshold" in value["message"]
    native = invoke({"image": golden_b64("pso_banner.jpg"), "threshold": threshold})
    assert native["error"]["code"] == "INVALID_PARAMETER" and native["error"]["retryable"] is False


# --------------------------------------------------------------------------- bad input


def oversize_b64() -> str:
    return base64.b64encode(golden("pso_banner.jpg") + b"\0" * (4 * 1024 * 1024)).decode()


BAD_INPUTS = {
    "not_an_image": (lambda: golden_b64("random.bin"), "UNSUPPORTED_IMAGE_FORMAT"),
    "svg": (lambda: golden_b64("svg_script.svg"), "UNSUPPORTED_IMAGE_FORMAT"),
    "truncated_header": (lambda: golden_b64("jpeg_truncated_in_header.jpg"), "CORRUPT_IMAGE"),
    "truncated_scan": (lambda: golden_b64("jpeg_truncated_in_scan.jpg"), "CORRUPT_IMAGE"),
    "empty": (lambda: "", "EMPTY_IMAGE"),
    "not_base64": (lambda: "***not base64***", "INVALID_BASE64"),
    "oversize_bytes": (oversize_b64, "PAYLOAD_TOO_LARGE"),
    "oversize_pixels": (lambda: base64.b64encode(pixel_bomb_png()).decode(), "IMAGE_TOO_LARGE"),
    "too_small": (lambda: golden_b64("png_tiny_20.png"), "IMAGE_TOO_SMALL"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_errno_minus_one_with_code_and_message(case: str) -> None:
    make, code = BAD_INPUTS[case]
    event = load_event(PSORIASIS_EVENTS[0])
    event["body"] = json.dumps(aliyun(make()))
    response = invoke(event)
    assert 400 <= response["statusCode"] < 500, response["statusCode"]  # never a 500
    (output,) = json.loads(response["body"])["outputs"]
    assert output["outputLabel"] == "Psoriasis"
    value = output["outputValue"]["dataValue"]
    assert value["errno"] == -1
    assert value["code"] == code
    assert isinstance(value["message"], str) and value["message"]


def test_one_bad_input_does_not_spoil_the_batch() -> None:
    body = invoke(
        {
            "inputs": [
                aliyun(golden_b64("random.bin"))["inputs"][0],
                aliyun(golden_b64("pso_clean_print_box.jpg"))["inputs"][0],
            ]
        }
    )
    first, second = (output["outputValue"]["dataValue"] for output in body["outputs"])
    assert first["errno"] == -1 and first["code"] == "UNSUPPORTED_IMAGE_FORMAT"
    assert second["errno"] == 0 and second["isPsoriasis"] == 0


def test_native_bad_input_is_a_typed_4xx() -> None:
    event = load_event(PSORIASIS_EVENTS[0])
    event["body"] = json.dumps({"image": golden_b64("jpeg_truncated_in_scan.jpg")})
    response = invoke(event)
    assert response["statusCode"] == 422
    assert json.loads(response["body"])["error"]["code"] == "CORRUPT_IMAGE"
