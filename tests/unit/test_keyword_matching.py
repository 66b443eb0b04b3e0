"""Keyword (炒信) matching over recognised text: disguises, guards, patterns, positions and precision."""

from __future__ import annotations

import csv
import statistics
import time
from pathlib import Path

import pytest
from image_audit.contract import KeywordLibrary, KeywordMatch, KeywordOptions
from image_audit.keywords import builtin_library, find_keywords, fold_keyword, split_keywords
from image_audit.ocr_types import OcrLine, Quad

REAL_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
BUILTIN = KeywordOptions()
LINE_HEIGHT = 40.0
LINE_PITCH = 50.0
UNIT_WIDTH = 40.0  # pixels per full-width character in the synthetic lines below


def _advance(char: str) -> float:
    return 1.0 if ord(char) > 0x2E7F else 0.5


def make_lines(*texts: str, score: float = 0.9) -> list[OcrLine]:
    """Horizontal lines stacked top to bottom, each exactly as wide as its characters."""
    lines = []
    for index, text in enumerate(texts):
        top = index * LINE_PITCH
        width = sum(_advance(char) for char in text) * UNIT_WIDTH
        box: Quad = ((0.0, top), (width, top), (width, top + LINE_HEIGHT), (0.0, top + LINE_HEIGHT))
        lines.append(OcrLine(text, box, score))
    return lines


def builtin_matches(*texts: str) -> list[KeywordMatch]:
    return find_keywords(make_lines(*texts), BUILTIN)[0]


def user_matches(keyword: str, *texts: str) -> list[KeywordMatch]:
    return find_keywords(make_lines(*texts), KeywordOptions(keywords=[keyword]))[0]


# --------------------------------------------------------------------------- disguised spellings

WECHAT_FORMS = [
    "薇信",
    "威信",
    "徽信",
    "维信",
    "V信",
    "v信",
    "VX",
    "vx",
    "Vx",
    "wx",
    "WX",
    "加V",
    "加v",
    "加Ｖ",
    "＋v",
    "+V",
    "➕V",
    "加个V",
    "加微",
    "加微信",
    "微信号",
    "绿泡泡",
    "weixin",
    "WeChat",
    "加卫星",
    "卫星号",
]
QQ_FORMS = ["扣扣", "抠抠", "企鹅号", "Q Q", "qq", "ＱＱ", "QQ号", "加QQ", "Q号", "加企鹅"]


@pytest.mark.parametrize("printed", WECHAT_FORMS)
def test_wechat_disguises_are_reported_as_wechat(printed: str) -> None:
    # GIVEN a seller's caption that hides a WeChat contact behind a disguised spelling
    text = f"有问题请{printed} 咨询"
    # WHEN the built-in library runs, and WHEN a user asks for the canonical word
    builtin = builtin_matches(text)
    asked = user_matches("微信", text)
    # THEN both report one match printed exactly as in the image, under the canonical keyword
    assert [(m.keyword, m.printed, m.rule) for m in builtin] == [("微信", printed, "variant")]
    assert [(m.keyword, m.printed, m.library) for m in asked] == [("微信", printed, "user")]


@pytest.mark.parametrize("printed", QQ_FORMS)
def test_qq_disguises_are_reported_as_qq(printed: str) -> None:
    # GIVEN a QQ contact cue in one of its disguises
    text = f"售后{printed} 联系"
    # WHEN searched with the built-in library and with the user keyword QQ
    builtin = builtin_matches(text)
    asked = user_matches("QQ", text)
    # THEN each finds it once, as QQ
    assert [(m.keyword, m.printed) for m in builtin] == [("QQ", printed)]
    assert [(m.keyword, m.printed) for m in asked] == [("QQ", printed)]


@pytest.mark.parametrize(
    ("printed", "keyword"),
    [
        ("刷單", "刷单"),
        ("兼職", "兼职"),
        ("返現", "返现"),
        ("好評返現", "好评返现"),
        ("招代理", "代理"),
        ("刷好評", "刷信誉"),
        ("無需墊付", "垫付"),
        ("補單", "补单"),
    ],
)
def test_builtin_reports_solicitation_terms_under_their_canonical_keyword(printed: str, keyword: str) -> None:
    # GIVEN a 炒信 term, here in traditional characters or as a longer variant
    # WHEN the built-in library runs
    matches = builtin_matches(f"本店{printed}，详情咨询")
    # THEN the canonical keyword is reported and the category is block
    assert [(m.keyword, m.category) for m in matches] == [(keyword, "block")]


@pytest.mark.parametrize(
    ("asked", "printed"), [("刷单", "刷單"), ("刷單", "刷单"), ("兼職", "兼职"), ("返现", "返現")]
)
def test_traditional_and_simplified_match_each_other(asked: str, printed: str) -> None:
    # GIVEN a user keyword in one script and the print in the other
    # WHEN searched
    matches = user_matches(asked, f"高薪{printed}")
    # THEN it is an exact match that reports the keyword as the user wrote it
    assert [(m.keyword, m.printed, m.rule) for m in matches] == [(asked, printed, "exact")]


@pytest.mark.parametrize(
    "printed",
    [
        "微 信",
        "微·信",
        "微-信",
        "微_信",
        "微/信",
        "微|信",
        "微~信",
        "微 · 信",
        "微\u200b信",
        "微\u2060信",
        "\ufeff微信",
        "微\u180e信",
        "微\u200d\u200c信",
        "微️信",
    ],
)
def test_separators_and_invisible_characters_between_letters_are_tolerated(printed: str) -> None:
    # GIVEN 微信 broken up by spaces, punctuation or invisible characters
    # WHEN a user asks for 微信
    matches = user_matches("微信", f"请{printed}联系")
    # THEN it is found as an exact match whose printed text keeps the separators
    assert [(m.printed.lstrip("\ufeff"), m.normalized, m.rule) for m in matches] == [
        (printed.lstrip("\ufeff"), "微信", "exact")
    ]


def test_too_many_separators_do_not_join_distant_characters() -> None:
    # GIVEN two characters of a keyword far apart in a line
    # WHEN a user asks for the keyword
    # THEN nothing is found: only a few separators may sit between characters
    assert user_matches("微信", "微 - - - - 信") == []


def test_full_width_and_case_are_folded() -> None:
    # GIVEN a keyword and print that differ only by width and case
    matches = user_matches("ｗｅｃｈａｔ", "Follow WECHAT now")
    # THEN the match is exact and reports the keyword as given
    assert [(m.keyword, m.printed, m.rule) for m in matches] == [("ｗｅｃｈａｔ", "WECHAT", "exact")]


def test_keyword_split_across_two_lines_is_found_once_with_both_parts() -> None:
    # GIVEN an OCR line break inside 加微信
    lines = make_lines("欢迎加微", "信咨询")
    # WHEN the built-in library runs
    matches, _ = find_keywords(lines, BUILTIN)
    # THEN one match starts on the first line and its box spans both parts
    assert [(m.keyword, m.printed, m.line_index) for m in matches] == [("微信", "加微\n信", 0)]
    # (the union of 加微 at x 80..160 on the first line and 信 at x 0..40 on the second)
    assert matches[0].box == ((0.0, 0.0), (160.0, 0.0), (160.0, 90.0), (0.0, 90.0))


def test_user_keyword_across_line_break() -> None:
    # GIVEN 水 ending one line and 分 starting the next
    matches = user_matches("水分", "补充水", "分的面膜")
    # THEN the user keyword is still found, reported on the first line
    assert [(m.printed, m.line_index, m.rule) for m in matches] == [("水\n分", 0, "exact")]


def test_a_match_never_spans_three_lines() -> None:
    # GIVEN a keyword spread over three lines
    # THEN it is not assembled: a match crosses at most one line break
    assert user_matches("好评返现", "好评", "返", "现") == []
    assert [m.printed for m in user_matches("好评返现", "好评", "返现")] == ["好评\n返现"]


# --------------------------------------------------------------------------- decoys and guards

DECOYS = [
    "微笑服务",
    "微波炉",
    "信用卡分期",
    "信用良好",
    "代金券",
    "刷新页面",
    "刷子",
    "电动牙刷",
    "兼容多种机型",
    "返回顶部",
    "现金支付",
    "卫星导航",
    "卫星电视",
    "企鹅玩偶",
    "权威信息",
    "安徽信用社",
    "维信诺屏幕",
    "活动今日结束",
    "添加微量元素",
    "加微辣",
    "TV信号",
    "5V信号输入",
    "Sony WX350",
    "VANS",
    "0qqhxev.ru",
    "QQ糖",
    "纽扣扣子",
    "刷信用卡",
    "含水分",
    "刷手机",
    "加VIP",
    "加VC",
    "LIVE LAUGH LOVE",
    "qqq",
    "扫码加购",
    "扫码加入会员",
]


@pytest.mark.parametrize("text", DECOYS)
def test_decoys_sharing_characters_do_not_match_the_builtin_library(text: str) -> None:
    # GIVEN ordinary product text that shares characters with a keyword
    # WHEN the built-in library runs
    # THEN nothing is reported
    assert builtin_matches(text) == []


@pytest.mark.parametrize(
    ("asked", "text"),
    [
        ("微信", "微笑"),
        ("微信", "微波炉"),
        ("微信", "权威信息"),
        ("微信", "添加微量元素"),
        ("代理", "代金券"),
        ("刷单", "刷新"),
        ("兼职", "兼容"),
        ("返现", "返回"),
        ("返现", "现金"),
        ("QQ", "0qqhxev.ru"),
        ("水分", "水果分类"),
    ],
)
def test_decoys_do_not_match_user_keywords(asked: str, text: str) -> None:
    # GIVEN a user keyword and a decoy that shares a character (or a disguise inside an ordinary word)
    # THEN nothing is reported, not even as guarded
    assert user_matches(asked, text) == []


@pytest.mark.parametrize(
    "lines",
    [
        ("微信支付",),
        ("微信扫码支付",),
        ("支持微信/支付宝 付款",),
        ("支付宝", "微信"),
        ("领微信红包",),
        ("WeChat Pay",),
        ("关注微信公众号",),
        ("分享到微信",),
    ],
)
def test_builtin_library_is_silent_on_payment_and_ui_mentions_of_wechat(lines: tuple[str, ...]) -> None:
    # GIVEN WeChat named as a payment method or a UI action
    matches = builtin_matches(*lines)
    # THEN the built-in library reports no WeChat contact (公众号 is a separate review cue)
    assert [m for m in matches if m.keyword == "微信"] == []
    assert all(m.category == "review" for m in matches)


def test_explicit_user_keyword_gets_guarded_occurrences_flagged() -> None:
    # GIVEN a payment mention and a real solicitation
    matches = user_matches("微信", "支持微信支付", "加微信好友")
    # THEN both are reported; only the payment mention is flagged as guarded
    assert [(m.line_index, m.printed, m.guarded) for m in matches] == [
        (0, "微信", True),
        (1, "加微信", False),
    ]


def test_satellite_needs_a_contact_context() -> None:
    # GIVEN 卫星 as a product word and as a WeChat homophone next to a contact verb or an ID
    # THEN only the contact uses are WeChat
    assert builtin_matches("北斗卫星导航 卫星电视") == []
    assert [m.printed for m in builtin_matches("联系卫星", "卫星：shop2024")] == ["卫星", "卫星：shop2024"]


# --------------------------------------------------------------------------- patterns


@pytest.mark.parametrize(
    "printed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "１３８１２３４５６７８",
        "+86 13812345678",
        "19912345678",
    ],
)
def test_mobile_numbers_are_found(printed: str) -> None:
    # GIVEN a mainland mobile number written in one of the usual ways
    matches = builtin_matches(f"订购热线 {printed} 欢迎来电")
    # THEN it is a pattern match printed exactly as written
    assert [(m.keyword, m.printed, m.rule) for m in matches] == [("手机号", printed, "pattern")]


@pytest.mark.parametrize(
    "text",
    [
        "价格 ¥13800.00",
        "日期 2018-08-29",
        "12期免息",
        "iPhone 15 Pro",
        "货号 YM-X-3011",
        "条码 6901234567892",
        "027-88852022",
        "订单 123456789012",
        "12345678901",
        "销量 10000+",
        "QQ音乐 1234567",
        "gettyimages 1176527951",
        "FZ/T73025-2006",
        "12:45 7:00 PM, May 12",
    ],
)
def test_prices_dates_codes_and_model_numbers_are_not_contacts(text: str) -> None:
    # GIVEN digits that are not a contact number
    # THEN the built-in library reports nothing
    assert builtin_matches(text) == []


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("QQ：12345678", "QQ：12345678"),
        ("扣扣 987654321", "扣扣 987654321"),
        ("QQ群 55667788 进群", "QQ群 55667788"),
        ("qq12345", "qq12345"),
        ("企鹅号:10001", "企鹅号:10001"),
    ],
)
def test_qq_numbers_after_a_qq_cue_are_one_pattern_match(text: str, printed: str) -> None:
    # GIVEN a QQ cue followed by a QQ number
    matches = builtin_matches(text)
    # THEN cue and number form one QQ match
    assert [(m.keyword, m.printed, m.rule) for m in matches] == [("QQ", printed, "pattern")]


def test_a_bare_digit_run_is_not_a_qq_number() -> None:
    # GIVEN the same digits without a QQ cue
    # THEN they are not reported
    assert builtin_matches("编号 12345678") == []


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("微信：shop_2024", "微信：shop_2024"),
        ("VX: abc-123456", "VX: abc-123456"),
        ("加V  lily8866", "加V  lily8866"),
        ("微信号 888666999", "微信号 888666999"),
        ("wxid_k2j3h4g5", "wxid_k2j3h4g5"),
    ],
)
def test_wechat_ids_after_a_wechat_cue_are_one_pattern_match(text: str, printed: str) -> None:
    # GIVEN a WeChat cue followed by an account
    matches = builtin_matches(text)
    # THEN cue and account form one WeChat match
    assert [(m.keyword, m.printed, m.rule) for m in matches] == [("微信", printed, "pattern")]


@pytest.mark.parametrize(
    "printed",
    ["加Vzpfb8223", "加vumy_8261609", "+VPn815197", "＋v qgiuft_4587", "加vJgjagr4435", "加Ｖtr14281434"],
)
def test_an_id_glued_to_a_chinese_cue_is_still_an_id(printed: str) -> None:
    # GIVEN 加V and an account with the space between them lost (OCR drops it: "加V zpfb8223")
    text = f"刷单返佣{printed}"
    # WHEN the built-in library runs, and WHEN a user asks for 加V or for 微信
    builtin = [m for m in builtin_matches(text) if m.keyword == "微信"]
    # THEN cue and account are one WeChat match, and the asked keywords find the cue
    assert [(m.printed, m.rule) for m in builtin] == [(printed, "pattern")]
    assert len(user_matches("加V", text)) == 1
    assert len(user_matches("微信", text)) == 1


@pytest.mark.parametrize("text", ["加VIP会员", "加VC1000mg", "添加VC", "加Vitamin", "加vip88折", "vxabc123"])
def test_latin_words_after_a_cue_are_not_glued_ids(text: str) -> None:
    # GIVEN a Latin word (or a unit) right after 加V: not an account, it does not end in a digit
    # THEN no WeChat match, neither built in nor for a user's 加V
    assert builtin_matches(text) == []
    assert user_matches("加V", text) == []


def test_a_latin_keyword_inside_a_run_of_letters_and_digits_is_part_of_it() -> None:
    # GIVEN an ID in which OCR read 99 as qq
    text = "联系V信：Taphez0145qq11"
    # WHEN a user asks for QQ, THEN the qq inside the ID is no QQ
    assert user_matches("QQ", text) == []
    # AND the built-in library reports the WeChat contact once
    assert [m.keyword for m in builtin_matches(text)] == ["微信"]
    # while a QQ cue right before a number still counts
    assert [m.keyword for m in user_matches("QQ", "QQ12345678")] == ["QQ"]


def test_ocr_times_sign_reads_as_x() -> None:
    # GIVEN vx号 recognised as v×号 (the OCR model returns × for a printed x)
    # THEN it is the WeChat spelling vx
    assert [m.keyword for m in builtin_matches("联系v×号 咨询")] == ["微信"]
    # AND dimensions with × stay quiet
    assert builtin_matches("规格：500ml×12瓶", "5V×2A", "TV×1") == []


def test_shua_jun_is_read_as_shua_dan_but_brushes_stay_quiet() -> None:
    # GIVEN 刷單 that OCR read as 刷軍 (單 as 軍 in some fonts)
    assert [m.keyword for m in builtin_matches("刷軍返佣")] == ["刷单"]
    # THEN a brush in army green or a uniform brush is no fake order
    assert builtin_matches("鞋刷 军绿色", "刷军装专用刷") == []


def test_an_id_needs_its_cue() -> None:
    # GIVEN an account-like word with no WeChat cue, and a Latin word that merely starts with vx
    # THEN nothing is reported
    assert builtin_matches("型号 shop_2024", "vxabcdefg") == []


# --------------------------------------------------------------------------- one match per occurrence


def test_each_printed_occurrence_is_one_match() -> None:
    # GIVEN 水分 printed twice (the Aliyun example answers "水分,水分")
    matches = user_matches("水分", "补水分 锁水分")
    # THEN there are two matches, in reading order
    assert [m.keyword for m in matches] == ["水分", "水分"]
    assert matches[0].box[0][0] < matches[1].box[0][0]


@pytest.mark.parametrize(
    ("text", "keyword", "printed"),
    [
        ("好评返现", "好评返现", "好评返现"),
        ("加V信", "微信", "加V信"),
        ("兼职日结", "兼职", "兼职日结"),
        ("扫码加微信", "微信", "加微信"),
    ],
)
def test_overlapping_rules_give_one_match_keeping_the_most_specific(
    text: str, keyword: str, printed: str
) -> None:
    # GIVEN print where several entries overlap (返现 inside 好评返现, 加V and V信 …)
    matches = builtin_matches(text)
    # THEN one match remains: the block entry over the review one, then the longest
    assert [(m.keyword, m.printed) for m in matches] == [(keyword, printed)]


def test_user_keyword_wins_over_the_builtin_library_on_the_same_span() -> None:
    # GIVEN a user keyword and the built-in library both searching
    options = KeywordOptions(keywords=["返现"], use_builtin=True)
    matches, searched = find_keywords(make_lines("好评返现 加微信"), options)
    # THEN the user keyword keeps its span; the built-in library adds only the other occurrence
    assert [(m.keyword, m.library) for m in matches] == [("返现", "user"), ("微信", "builtin:solicitation")]
    assert searched == ["返现", "builtin:solicitation"]


def test_reading_order_is_by_line_then_position() -> None:
    matches = user_matches("水分", "无水分", "水分 水分")
    assert [(m.line_index, m.box[0][0]) for m in matches] == sorted(
        (m.line_index, m.box[0][0]) for m in matches
    )
    assert [m.line_index for m in matches] == [0, 1, 1]


# --------------------------------------------------------------------------- libraries and options


def test_allow_library_suppresses_overlapping_matches() -> None:
    # GIVEN a brand that contains a keyword, whitelisted by an allow library
    allow = KeywordLibrary(name="brands", category="allow", words=["兼职猫"])
    lines = make_lines("兼职猫 官方", "兼职日结")
    # WHEN the built-in library runs with the whitelist, and without it
    with_allow, searched = find_keywords(lines, KeywordOptions(libraries=[allow]))
    without_allow, _ = find_keywords(lines, BUILTIN)
    # THEN only the brand occurrence is suppressed
    assert [m.line_index for m in without_allow] == [0, 1]
    assert [m.line_index for m in with_allow] == [1]
    assert searched == ["brands", "builtin:solicitation"]


def test_user_library_reports_its_name_and_category() -> None:
    review = KeywordLibrary(name="watch", category="review", words=["包邮", "微信"])
    matches, searched = find_keywords(make_lines("全国包邮 加薇信"), KeywordOptions(libraries=[review]))
    assert [(m.keyword, m.library, m.category, m.rule) for m in matches] == [
        ("包邮", "watch", "review", "exact"),
        ("微信", "watch", "review", "variant"),
    ]
    assert searched == ["watch"]


@pytest.mark.parametrize(
    ("options", "builtin_used"),
    [
        (KeywordOptions(), True),
        (KeywordOptions(keywords=["水分"]), False),
        (KeywordOptions(keywords=["水分"], use_builtin=True), True),
        (KeywordOptions(use_builtin=False), False),
        (KeywordOptions(libraries=[KeywordLibrary(name="mine", words=["水分"])]), False),
    ],
)
def test_builtin_library_runs_by_default_only_when_nothing_else_is_asked(
    options: KeywordOptions, builtin_used: bool
) -> None:
    matches, searched = find_keywords(make_lines("加微信"), options)
    assert ("builtin:solicitation" in searched) is builtin_used
    assert bool(matches) is builtin_used


def test_repeated_and_empty_user_keywords_are_searched_once() -> None:
    matches, searched = find_keywords(make_lines("水分"), KeywordOptions(keywords=["水分", "水 分", "··"]))
    assert searched == ["水分"]
    assert len(matches) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("水分", ["水分"]),
        ("微信,QQ，代理、刷单;返现；兼职", ["微信", "QQ", "代理", "刷单", "返现", "兼职"]),
        (" 水分 , ,水分，微信 ", ["水分", "微信"]),
        ("，,", []),
    ],
)
def test_split_keywords(raw: str, expected: list[str]) -> None:
    assert split_keywords(raw) == expected


# --------------------------------------------------------------------------- printed text and boxes


def test_printed_keeps_separators_and_normalized_drops_them() -> None:
    (match,) = user_matches("微信", "ab微 · 信cd")
    assert (match.printed, match.normalized, match.rule) == ("微 · 信", "微信", "exact")


def test_printed_and_box_locate_a_match_in_the_middle_of_a_line() -> None:
    # GIVEN a line whose characters have known widths: 2 half-width, 2 full-width keyword, 2 half-width
    (line,) = make_lines("ab微信cd")
    # WHEN a user asks for 微信
    (match,) = find_keywords([line], KeywordOptions(keywords=["微信"]))[0]
    # THEN printed is the exact slice, and the box is the matching part of the line quad
    assert (match.printed, match.line_index, match.line_text, match.confidence) == (
        "微信",
        0,
        "ab微信cd",
        0.9,
    )
    (left, top), (right, _), (_, bottom), _ = match.box
    assert (left, right) == (1.0 * UNIT_WIDTH, 3.0 * UNIT_WIDTH)
    assert (top, bottom) == (0.0, LINE_HEIGHT)
    line_left, line_right = line.box[0][0], line.box[1][0]
    assert line_left < left < right < line_right


def test_box_follows_a_slanted_line() -> None:
    # GIVEN a line tilted so that its quad is a parallelogram
    line = OcrLine("请用微信联系", ((0.0, 0.0), (600.0, 120.0), (590.0, 180.0), (-10.0, 60.0)), 0.8)
    (match,) = find_keywords([line], KeywordOptions(keywords=["微信"]))[0]
    # THEN the match's corners lie on the line's edges, a third to two thirds along
    assert match.box == ((200.0, 40.0), (400.0, 80.0), (390.0, 140.0), (190.0, 100.0))


def test_box_of_a_vertical_line_runs_downwards() -> None:
    # GIVEN a column of text, much taller than wide
    line = OcrLine("请用微信联系", ((0.0, 0.0), (40.0, 0.0), (40.0, 240.0), (0.0, 240.0)), 0.8)
    (match,) = find_keywords([line], KeywordOptions(keywords=["微信"]))[0]
    # THEN the match's box is a horizontal band of the column
    assert match.box == ((0.0, 80.0), (40.0, 80.0), (40.0, 160.0), (0.0, 160.0))


# --------------------------------------------------------------------------- the library itself


def test_every_builtin_variant_finds_its_own_entry() -> None:
    # GIVEN each spelling listed in the built-in data file, printed on its own in a neutral sentence
    library = builtin_library()
    for family in library.families:
        for term in family.terms:
            text = f"请{term.folded}" if term.contact is None else f"加{term.folded}"
            # WHEN the built-in library runs
            keywords = {m.keyword for m in builtin_matches(text)}
            # THEN the entry's keyword is reported (the data file has no dead or shadowed spellings)
            assert family.keyword in keywords, (family.keyword, term.folded)


def test_docs_describe_every_builtin_entry_and_pattern() -> None:
    # GIVEN the user documentation of the built-in library
    docs = (Path(__file__).resolve().parents[2] / "docs" / "keywords.md").read_text(encoding="utf-8")
    library = builtin_library()
    # THEN every entry keyword and every pattern name has a row there
    for name in {f"| {family.keyword} |" for family in library.families} | {
        f"| `{pattern.name}` |" for pattern in library.patterns
    }:
        assert name in docs


def test_no_lines_no_matches() -> None:
    matches, searched = find_keywords([], BUILTIN)
    assert (matches, searched) == ([], ["builtin:solicitation"])
    assert builtin_matches("", "   ") == []


def test_keywords_fold_like_ocr_text() -> None:
    assert fold_keyword("好評 返現") == "好评返现"
    assert fold_keyword("ＶＸ") == "vx"
    assert fold_keyword("+V") == "加v"
    assert fold_keyword("·—·") == ""


def test_matching_a_page_of_lines_is_fast() -> None:
    # GIVEN forty lines of product text with a few solicitations
    texts = [
        "全场包邮 满199减100 正品保障",
        "加微信 abc12345 领取优惠",
        "好评返现 5 元",
        "客服 QQ 123456789",
    ] * 10
    lines = make_lines(*texts)
    find_keywords(lines, BUILTIN)  # compiles the built-in library once
    # WHEN matched repeatedly with the built-in library
    durations = []
    for _ in range(15):
        started = time.perf_counter()
        find_keywords(lines, BUILTIN)
        durations.append(time.perf_counter() - started)
    # THEN a call takes a few milliseconds at most (generous bound for slow CI machines)
    assert statistics.median(durations) < 0.010


# --------------------------------------------------------------------------- real images' text


def test_builtin_library_only_fires_on_images_labelled_with_a_keyword() -> None:
    # GIVEN the printed text of every labelled real image (one OCR line per ";"-separated part)
    catalog, labels = REAL_DATA / "catalog.csv", REAL_DATA / "labels_keyword.csv"
    if not (catalog.is_file() and labels.is_file()):
        pytest.skip("the team's labelled real images are not beside this checkout")
    with labels.open(encoding="utf-8") as handle:
        present = {row["file"]: row["present"] for row in csv.DictReader(handle)}
    with catalog.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # WHEN the built-in library runs over each image's text
    false_positives = {}
    for row in rows:
        texts = [part.strip() for part in row["visible_text"].split(";") if part.strip()]
        matches = builtin_matches(*texts) if texts else []
        if matches and not present.get(row["file"]):
            false_positives[row["file"]] = [m.printed for m in matches]
    # THEN matches only occur in images labelled as showing one of the keywords
    assert len(rows) > 100
    assert false_positives == {}
