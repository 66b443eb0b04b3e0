"""The faint-mark pass of image_audit.psoriasis: what the amplified copy shows, and which of the
boxes found there are new (no OCR model needed)."""

from __future__ import annotations

import numpy as np
from image_audit.ocr_types import Quad
from image_audit.psoriasis import FAINT_SIDE, _repeats, faint_marks


def rect(x0: float, y0: float, x1: float, y1: float) -> Quad:
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def test_a_box_found_again_is_a_repeat() -> None:
    assert _repeats(rect(100, 100, 300, 140), rect(95, 98, 305, 142))
    assert _repeats(rect(100, 100, 300, 140), rect(100, 100, 220, 140))  # the main pass saw 60 %


def test_a_big_faint_mark_over_a_small_word_of_print_is_new() -> None:
    """A centred stamp whose box also covers the logo printed on the T-shirt under it: measured
    against the smaller box (the logo) it would count as found, and the stamp would be lost."""
    stamp, logo = rect(50, 200, 450, 300), rect(180, 190, 260, 215)
    assert not _repeats(stamp, logo)


def test_boxes_apart_or_degenerate_are_not_repeats() -> None:
    assert not _repeats(rect(0, 0, 50, 20), rect(100, 100, 150, 120))
    assert not _repeats(rect(10, 10, 10, 40), rect(0, 0, 100, 100))  # no area


def test_the_amplified_copy_makes_a_faint_stroke_stand_out() -> None:
    rgb = np.full((800, 1200, 3), 240, np.uint8)
    # Strokes of a ~5 % dark mark on a light backdrop: 8 levels darker, thinner than the median.
    rgb[394:406, 300:900] = 232
    amplified, factor = faint_marks(rgb)
    assert max(amplified.shape[:2]) == FAINT_SIDE
    assert factor == 1200 / FAINT_SIDE
    row = amplified[round(400 / factor), :, 0].astype(int)
    backdrop = amplified[round(100 / factor), :, 0].astype(int)
    assert backdrop.max() - backdrop.min() == 0
    assert row[round(600 / factor)] < backdrop[0] - 40  # 8 levels became more than 40
