"""White-background rules on golden edge cases, and the meaning of margin / background_pixel."""

from __future__ import annotations

import pytest
from conftest import golden
from image_audit.contract import WhiteBackgroundOptions, WhiteBackgroundResult
from image_audit.imaging import decode_image
from image_audit.white_background import ANALYSIS_MAX_SIDE, analyze_white_background


def analyse(name: str, **options: object) -> WhiteBackgroundResult:
    image = decode_image(golden(name), max_side=ANALYSIS_MAX_SIDE)
    return analyze_white_background(image, WhiteBackgroundOptions.model_validate(options))


@pytest.mark.parametrize(
    "name",
    [
        "wb_white_clean.png",
        "wb_white_jpeg_noise.jpg",
        "wb_white_soft_shadow.jpg",
        "wb_white_product_crosses_bottom.jpg",
        "wb_transparent_background.png",
    ],
)
def test_white_backgrounds_are_white(name: str) -> None:
    result = analyse(name)
    assert result.is_white, result.reasons
    assert result.reasons == []
    assert result.background_rgb == (255, 255, 255)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("wb_off_white_240.jpg", "edges are white"),
        ("wb_grey_gradient.jpg", "corners are white"),
        ("wb_thin_black_frame.png", "edges are white"),
        ("wb_split_scene.jpg", "corners are white"),
    ],
)
def test_not_white_backgrounds_say_why(name: str, reason: str) -> None:
    result = analyse(name)
    assert not result.is_white
    assert any(reason in text for text in result.reasons), result.reasons


def test_background_pixel_keeps_its_meaning() -> None:
    # GIVEN a uniform 240 backdrop WHEN 240 is declared the white level THEN it counts as white
    assert analyse("wb_off_white_240.jpg", background_pixel=240).is_white
    assert not analyse("wb_off_white_240.jpg").is_white


def test_margin_widens_the_band_into_the_product() -> None:
    # The product spans y 90..330 of 400 px and x 140..260: a 150 px band reaches it on every edge.
    narrow = analyse("wb_white_clean.png", margin=5)
    wide = analyse("wb_white_clean.png", margin=150)
    assert narrow.white_ratio == 1.0
    assert wide.white_ratio < narrow.white_ratio
    assert min(edge.white_ratio for edge in wide.edges.values()) < 1.0


def test_a_product_crossing_one_edge_is_reported() -> None:
    result = analyse("wb_white_product_crosses_bottom.jpg")
    assert result.product is not None
    assert result.product.touches == ["bottom"]
    assert result.edges["bottom"].white_ratio < 0.9 <= result.edges["top"].white_ratio


def test_product_box_and_fill_are_measured_in_original_pixels() -> None:
    result = analyse("wb_white_clean.png")
    assert result.product is not None
    box = result.product.box
    # drawn at (140, 90)-(260, 330) on a 400 px canvas
    assert abs(box.x - 140) <= 3 and abs(box.y - 90) <= 3
    assert abs(box.width - 121) <= 4 and abs(box.height - 241) <= 4
    assert result.product.fill_ratio == pytest.approx(241 / 400, abs=0.02)


def test_transparency_policy_is_an_option() -> None:
    assert analyse("wb_transparent_background.png").transparent_background
    assert analyse("wb_transparent_background.png").is_white
    assert not analyse("wb_transparent_background.png", transparent_as_white=False).is_white


def test_amazon_preset_reports_each_check_with_its_measurement() -> None:
    result = analyse("wb_white_clean.png", preset="amazon")
    checks = {check.name: check for check in result.checks}
    assert set(checks) == {"background_rgb_255", "product_fill", "longest_side", "no_transparency"}
    assert checks["background_rgb_255"].passed
    assert not checks["product_fill"].passed  # ~60 % of the frame, below 85 %
    assert checks["product_fill"].measured == pytest.approx(0.6, abs=0.03)
    assert not checks["longest_side"].passed and checks["longest_side"].measured == 400
    assert analyse("wb_white_clean.png").checks == []
