"""The keyword Lambda handler end to end on the bundled samples (real OCR models)."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from image_audit.local import LocalContext, load_handler, repository_root

pytestmark = pytest.mark.models


def sample_b64(name: str) -> str:
    return base64.b64encode((repository_root() / "samples" / name).read_bytes()).decode()


def aliyun(image: str, keyword: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"image": {"dataType": 50, "dataValue": image}}
    if keyword is not None:
        item["keyword"] = {"dataType": 50, "dataValue": keyword}
    return {"inputs": [item]}


def test_disguised_wechat_is_found_by_the_builtin_library() -> None:
    answer = load_handler("keyword")(aliyun(sample_b64("keyword_disguised_wechat.jpg")), LocalContext())
    output = answer["outputs"][0]
    assert output["outputLabel"] == "ocr_keyword"
    assert "微信" in output["outputValue"]["dataValue"].split(",")


def test_wechat_pay_decoy_is_not_a_solicitation_but_explicit_keyword_is_guarded() -> None:
    image = sample_b64("keyword_decoy_wechat_pay.jpg")
    handler = load_handler("keyword")
    assert handler(aliyun(image), LocalContext())["outputs"][0]["outputValue"]["dataValue"] == ""
    native = handler({"image": image, "keywords": ["微信"]}, LocalContext())
    assert native["result"]["matches"], "an explicit keyword still reports the printed occurrence"
    assert all(match["guarded"] for match in native["result"]["matches"])
