"""How infra/eval_keyword.py scores answers: which match is a hit, an extra, a literal or false.

The figures in README and docs/keywords.md come from this scoring, so its rules are pinned here on
hand-made labels and answers (no images, no models).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from eval_keyword import ImageLabels, ModeScore, Occurrence, assign_lines, score_image


def labelled(lines: list[str], planted: list[tuple[str, str]], decoys: Sequence[str] = ()) -> ImageLabels:
    occurrences = [Occurrence("a.jpg", label, form, -1) for label, form in planted]
    assign_lines(occurrences, lines)
    return ImageLabels("a.jpg", occurrences, lines, list(decoys))


def answer(ocr: list[str], *found: tuple[str, str, int]) -> tuple[list[dict[str, Any]], list[str]]:
    """The handler's matches (keyword, printed, OCR line index) and OCR lines, as the eval sees them."""
    matches = [
        {
            "keyword": keyword,
            "printed": printed,
            "normalized": printed.replace("\n", ""),
            "line_index": line,
            "line_text": ocr[line],
            "rule": "exact",
            "guarded": keyword == "微信" and "支付" in ocr[line],
        }
        for keyword, printed, line in found
    ]
    return matches, ocr


def test_forms_are_assigned_to_the_line_they_are_printed_on() -> None:
    image = labelled(
        ["加微信领优惠", "诚招代理 联系微信: abc_123", "微信支付"],
        [("微信", "微信"), ("代理", "代理"), ("微信", "微信")],
    )
    assert [o.line for o in image.occurrences] == [0, 1, 1]


def test_a_form_missing_from_every_line_is_an_error() -> None:
    with pytest.raises(ValueError, match="in none of its lines"):
        labelled(["全国包邮"], [("微信", "薇信")])


def test_hits_extras_and_false_reports() -> None:
    # GIVEN a planted line "招代理 日结", a decoy line and a benign line, read by OCR as three lines
    image = labelled(["招代理 日结", "微信支付 立减5元", "全国包邮"], [("代理", "代理")], ["微信支付"])
    ocr = ["招代理日结", "微信支付立减5元", "全国包邮"]
    # WHEN the built-in library's answer is scored
    score = ModeScore()
    score_image(
        image, answer(ocr, ("代理", "招代理", 0), ("日结", "日结", 0), ("微信", "微信", 1)), "builtin", score
    )
    # THEN 代理 is a hit, 日结 an extra on the planted line, 微信 on the decoy false
    assert [r.verdict for r in score.reports] == ["hit", "extra", "false"]
    assert score.recall == 1.0
    assert score.precision == pytest.approx(2 / 3)
    assert (score.decoy_lines, score.decoy_lines_reported) == (1, 1)


def test_an_explicit_keyword_inside_a_decoy_is_literal_and_not_scored() -> None:
    image = labelled(["本店支持微信支付"], [], ["支持微信支付"])
    score = ModeScore()
    score_image(image, answer(["本店支持微信支付"], ("微信", "微信", 0)), "explicit", score)
    assert [(r.verdict, r.guarded) for r in score.reports] == [("literal", True)]
    assert score.count("false") == 0


def test_each_mode_expects_its_own_keywords() -> None:
    # GIVEN 加V and a phone number behind 手机 (another word than 电话)
    image = labelled(["加V领红包", "手机: 138 0013 8000"], [("加V", "加V"), ("电话", "手机")])
    ocr = ["加V领红包", "手机：13800138000"]
    builtin, explicit = ModeScore(), ModeScore()
    # WHEN the built-in library reports 微信 and the number, and the explicit keywords find 加V only
    score_image(image, answer(ocr, ("微信", "加V", 0), ("手机号", "13800138000", 1)), "builtin", builtin)
    score_image(image, answer(ocr, ("加V", "加V", 0)), "explicit", explicit)
    # THEN both are complete: 手机 is not expected from the keyword 电话
    assert builtin.recall == explicit.recall == 1.0
    assert (len(builtin.occurrences), len(explicit.occurrences), explicit.not_expected) == (2, 1, 1)


def test_a_match_across_a_line_break_counts_on_its_second_line() -> None:
    image = labelled(["销量无水分 真实评价", "返现5元"], [("水分", "水分"), ("返现", "返现")])
    ocr = ["销量无水分真实评价", "返现5元"]
    score = ModeScore()
    score_image(image, answer(ocr, ("好评返现", "评价\n返现", 0)), "builtin", score)
    assert [r.verdict for r in score.reports] == ["hit"]
    assert score.recall == 1.0  # 水分 is not a built-in keyword: not expected there


def test_real_set_pairs_matches_with_the_image_labels() -> None:
    image = ImageLabels(
        "b.png", [Occurrence("b.png", "QQ", "QQ", -1), Occurrence("b.png", "微信", "微信", -1)]
    )
    score = ModeScore()
    score_image(image, answer(["QQ", "代理"], ("QQ", "QQ", 0), ("代理", "代理", 1)), "builtin", score)
    assert [r.verdict for r in score.reports] == ["hit", "false"]
    assert score.recall == 0.5
