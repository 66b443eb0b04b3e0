"""The keyword Lambda handler end to end: the Aliyun contract, evasion forms, decoys, guards, bad input.

Images are the rendered golden cards of ``tests/images/generate.py`` (``KEYWORD_CARDS`` says what each
one prints and solicits, so every expectation here is derived from it) and the bundled samples. Tests
that run the OCR models are marked ``models``; bad input is refused before any model loads.
"""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest
from conftest import golden_b64, load_event
from image_audit.keywords import builtin_library, fold_keyword, split_keywords
from image_audit.local import LocalContext, load_handler, repository_root
from images.generate import KEYWORD_CARDS, KEYWORD_EVENT, KeywordCard

models = pytest.mark.models
BUILTIN_KEYWORDS = frozenset(family.keyword for family in builtin_library().families)
EVASIONS = ("kw_wechat_disguises.png", "kw_qq_traditional.png")


@pytest.fixture(scope="module")
def handler() -> Any:
    return load_handler("keyword")


def aliyun(image: str, keyword: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"image": {"dataType": 50, "dataValue": image}}
    if keyword is not None:
        item["keyword"] = {"dataType": 50, "dataValue": keyword}
    return {"inputs": [item]}


def data_value(answer: dict[str, Any], index: int = 0) -> Any:
    return answer["outputs"][index]["outputValue"]["dataValue"]


def expected(card: KeywordCard, asked: str | None) -> list[str]:
    """The keywords the card solicits, in reading order: those asked for (the Aliyun ``keyword``
    field), or those of the built-in library when nothing is asked."""
    wanted = set(split_keywords(asked)) if asked is not None else BUILTIN_KEYWORDS
    return [keyword for keyword, _ in card.planted() if keyword in wanted]


def sample_b64(name: str) -> str:
    return base64.b64encode((repository_root() / "samples" / name).read_bytes()).decode()


def gateway_event(body: Any) -> dict[str, Any]:
    """The REST API fixture with another JSON body."""
    event = copy.deepcopy(load_event(KEYWORD_EVENT))
    event["body"] = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return event


# --------------------------------------------------------------------------- the Aliyun contract


@models
def test_one_entry_per_printed_occurrence(handler: Any) -> None:
    # GIVEN a card printing 水分 twice (the original API's own example)
    card = KEYWORD_CARDS["kw_water_twice.png"]
    # WHEN asked for 水分 in the original envelope
    answer = handler(aliyun(golden_b64("kw_water_twice.png"), "水分"), LocalContext())
    # THEN the answer repeats it once per occurrence, under the ocr_keyword label
    output = answer["outputs"][0]
    assert output["outputLabel"] == "ocr_keyword"
    assert output["outputMulti"] == {}
    assert output["outputValue"]["dataType"] == 50
    assert data_value(answer) == ",".join(expected(card, "水分"))
    assert data_value(answer) == "水分,水分"


@models
@pytest.mark.parametrize("separator", ["，", ",", "、"])
def test_several_keywords_in_reading_order(handler: Any, separator: str) -> None:
    # GIVEN a card with 水分, 代理, 水分 on three lines, and two keywords split by a full-width or ASCII comma
    keyword = f"水分{separator}代理"
    # WHEN the handler answers
    answer = handler(aliyun(golden_b64("kw_water_twice.png"), keyword), LocalContext())
    # THEN every occurrence of either keyword is listed, in reading order
    assert data_value(answer) == ",".join(expected(KEYWORD_CARDS["kw_water_twice.png"], keyword))


@models
def test_api_gateway_event_fixture(handler: Any) -> None:
    # GIVEN the REST API event that `sam local invoke -e` takes (keyword 水分，代理 in its body)
    event = load_event(KEYWORD_EVENT)
    asked = json.loads(event["body"])["inputs"][0]["keyword"]["dataValue"]
    # WHEN the handler runs
    response = handler(event, LocalContext())
    # THEN it is a 200 proxy response in the original wire format
    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"].startswith("application/json")
    body = json.loads(response["body"])
    assert data_value(body) == ",".join(expected(KEYWORD_CARDS["kw_water_twice.png"], asked))


@models
def test_no_match_is_an_empty_string(handler: Any) -> None:
    image = golden_b64("kw_decoys.png")
    assert data_value(handler(aliyun(image, "水分"), LocalContext())) == ""
    assert data_value(handler(aliyun(image), LocalContext())) == ""


@models
def test_string_data_value_format_is_honoured(handler: Any) -> None:
    # GIVEN a client that wants dataValue JSON-encoded, as the sibling APIs answered
    event = aliyun(golden_b64("kw_water_twice.png"), "水分")
    event["inputs"][0]["dataValueFormat"] = {"dataType": 50, "dataValue": "string"}
    # THEN the keyword answer, already a string, is unchanged
    assert data_value(handler(event, LocalContext())) == ",".join(
        expected(KEYWORD_CARDS["kw_water_twice.png"], "水分")
    )


# --------------------------------------------------------------------------- evasion, decoys, guards


@models
@pytest.mark.parametrize("name", EVASIONS)
def test_disguised_forms_are_found_by_the_builtin_library(handler: Any, name: str) -> None:
    # GIVEN a card with disguised spellings (薇信, vx, V信, 绿泡泡, 扣扣, traditional 刷單 …)
    card = KEYWORD_CARDS[name]
    # WHEN the built-in library runs (no keyword)
    matches = handler({"image": golden_b64(name)}, LocalContext())["result"]["matches"]
    # THEN each disguise is reported once, under its canonical keyword, where it is printed
    assert [match["keyword"] for match in matches] == [keyword for keyword, _ in card.planted()]
    for match, (_, form) in zip(matches, card.planted(), strict=True):
        assert fold_keyword(form) in fold_keyword(match["printed"])
        assert match["guarded"] is False


@models
@pytest.mark.parametrize("name", EVASIONS)
def test_disguised_forms_are_found_when_the_canonical_keyword_is_asked(handler: Any, name: str) -> None:
    card = KEYWORD_CARDS[name]
    asked = ",".join(dict.fromkeys(keyword for keyword, _ in card.planted()))
    answer = handler(aliyun(golden_b64(name), asked), LocalContext())
    assert data_value(answer) == ",".join(expected(card, asked))


@models
def test_decoys_sharing_characters_do_not_match(handler: Any) -> None:
    # GIVEN 微笑, 信用卡, 代金券, 刷新: each shares a character with a keyword
    image = golden_b64("kw_decoys.png")
    # WHEN searched with the built-in library and with the keywords they resemble
    builtin = handler({"image": image}, LocalContext())["result"]
    asked = handler({"image": image, "keywords": ["微信", "代理", "刷单", "返现"]}, LocalContext())["result"]
    # THEN nothing matches
    assert builtin["matches"] == []
    assert asked["matches"] == []


@models
def test_wechat_pay_is_no_solicitation_but_an_explicit_keyword_reports_it_flagged(handler: Any) -> None:
    # GIVEN 支持微信支付 (WeChat Pay accepted): 微信 printed as a payment option
    card = KEYWORD_CARDS["kw_wechat_pay.png"]
    printed = sum(line.text.count("微信") for line in card.lines)
    image = golden_b64("kw_wechat_pay.png")
    # WHEN the built-in library runs, THEN it stays silent
    assert data_value(handler(aliyun(image), LocalContext())) == ""
    # WHEN a user asks for 微信 explicitly, THEN each printed occurrence is reported, flagged as guarded
    matches = handler({"image": image, "keywords": ["微信"]}, LocalContext())["result"]["matches"]
    assert len(matches) == printed
    assert all(match["guarded"] and match["normalized"] == "微信" for match in matches)
    assert data_value(handler(aliyun(image, "微信"), LocalContext())) == ",".join(["微信"] * printed)


@models
def test_disguised_wechat_sample_is_found_by_the_builtin_library(handler: Any) -> None:
    answer = handler(aliyun(sample_b64("keyword_disguised_wechat.jpg")), LocalContext())
    assert "微信" in data_value(answer).split(",")


@models
def test_wechat_pay_sample_is_silent_for_the_builtin_library(handler: Any) -> None:
    image = sample_b64("keyword_decoy_wechat_pay.jpg")
    assert data_value(handler(aliyun(image), LocalContext())) == ""
    native = handler({"image": image, "keywords": ["微信"]}, LocalContext())
    assert native["result"]["matches"], "an explicit keyword still reports the printed occurrence"
    assert all(match["guarded"] for match in native["result"]["matches"])


# --------------------------------------------------------------------------- bad input (no models)

BAD_IMAGES = {
    "jpeg_truncated_in_header.jpg": "CORRUPT_IMAGE",
    "png_bad_crc.png": "CORRUPT_IMAGE",
    "random.bin": "UNSUPPORTED_IMAGE_FORMAT",
    "svg_script.svg": "UNSUPPORTED_IMAGE_FORMAT",
    "heic_header.heic": "UNSUPPORTED_IMAGE_FORMAT",
    "png_tiny_20.png": "IMAGE_TOO_SMALL",
}


@pytest.mark.parametrize(("name", "code"), BAD_IMAGES.items())
def test_illegal_image_is_errno_minus_one_with_a_code(handler: Any, name: str, code: str) -> None:
    # GIVEN an image the decode gate refuses, sent through API Gateway in the original envelope
    response = handler(gateway_event(aliyun(golden_b64(name), "微信")), LocalContext())
    # THEN the output says errno -1 with a typed code and a message, and the status is a 4xx
    value = data_value(json.loads(response["body"]))
    assert value["errno"] == -1
    assert value["code"] == code
    assert value["message"]
    assert 400 <= response["statusCode"] < 500


@pytest.mark.parametrize(
    ("item", "code"),
    [
        ({"image": {"dataType": 50, "dataValue": "***not base64***"}}, "INVALID_BASE64"),
        ({"image": {"dataType": 50, "dataValue": ""}}, "EMPTY_IMAGE"),
        ({"image": {"dataType": 10, "dataValue": 5}}, "INVALID_PARAMETER"),
        (
            {"image": {"dataType": 50, "dataValue": "aGVsbG8="}, "keyword": {"dataType": 10, "dataValue": 5}},
            "INVALID_PARAMETER",
        ),
        (
            {
                "image": {"dataType": 50, "dataValue": "aGVsbG8="},
                "configure": {"dataType": 50, "dataValue": "{"},
            },
            "INVALID_PARAMETER",
        ),
    ],
)
def test_bad_input_fields_are_errno_minus_one(handler: Any, item: dict[str, Any], code: str) -> None:
    response = handler(gateway_event({"inputs": [item]}), LocalContext())
    value = data_value(json.loads(response["body"]))
    assert (value["errno"], value["code"]) == (-1, code)
    assert value["message"]
    assert 400 <= response["statusCode"] < 500


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{not json", "INVALID_JSON"),
        ({"inputs": []}, "INVALID_REQUEST"),
        ({"inputs": [{"keyword": {"dataType": 50, "dataValue": "微信"}}]}, "INVALID_REQUEST"),
        ({"keywords": ["微信"]}, "MISSING_IMAGE"),
        ({"image": "aGVsbG8=", "keywords": "微信", "colour": "red"}, "INVALID_PARAMETER"),
        (
            {"image": "aGVsbG8=", "libraries": [{"name": "x", "category": "maybe", "words": ["a"]}]},
            "INVALID_PARAMETER",
        ),
    ],
)
def test_malformed_requests_are_typed_4xx_never_500(handler: Any, body: Any, code: str) -> None:
    response = handler(gateway_event(body), LocalContext())
    assert 400 <= response["statusCode"] < 500
    assert json.loads(response["body"])["error"]["code"] == code


def test_a_bad_input_does_not_spoil_the_others(handler: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN two inputs, the first an illegal image; OCR is stubbed to read no text (no models here)
    import image_audit.keyword_api as keyword_api

    class NoText:
        def read(self, rgb: Any) -> list[Any]:
            return []

    monkeypatch.setattr(keyword_api, "get_ocr_engine", lambda config: NoText())
    event = {
        "inputs": [
            aliyun(golden_b64("random.bin"))["inputs"][0],
            aliyun(golden_b64("kw_decoys.png"))["inputs"][0],
        ]
    }
    # WHEN the handler answers
    response = handler(gateway_event(event), LocalContext())
    # THEN both are answered in order and the request as a whole succeeded
    body = json.loads(response["body"])
    assert response["statusCode"] == 200
    assert data_value(body, 0)["errno"] == -1
    assert data_value(body, 1) == ""
