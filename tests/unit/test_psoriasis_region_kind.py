"""The readable kind of an offending region (image_audit.psoriasis._region_kind), from hand-made
measurement rows: which measurements make a watermark, a logo/badge or overlay text."""

from __future__ import annotations

import math

import numpy as np
import pytest
from image_audit.psoriasis import _region_kind
from image_audit.psoriasis_features import IMAGE_FEATURES, REGION_FEATURES, ImageMeasurements

# Solid, dark, upright slogan text on the photo: overlay text unless a rule says otherwise.
SLOGAN = {
    "aspect": math.log1p(6.0),
    "ink_contrast": 0.6,
    "ink_sat": 0.1,
    "ring_background": 0.9,
    "fill_std": 0.15,
    "see_through": 0.05,
    "see_through_slope": 0.02,
    "under_std": 0.08,
    "similar_boxes": 0.0,
    "tilt": 0.0,
    "faint": 0.0,
}


def kind_of(**changes: float) -> str:
    row = np.zeros(len(REGION_FEATURES), np.float32)
    for name, value in {**SLOGAN, **changes}.items():
        row[REGION_FEATURES.index(name)] = value
    quad = ((0.0, 0.0), (60.0, 0.0), (60.0, 10.0), (0.0, 10.0))
    measured = ImageMeasurements(
        boxes=[quad], regions=row[None, :], image=np.zeros(len(IMAGE_FEATURES), np.float32), product_box=None
    )
    return _region_kind(measured, 0)


def test_solid_slogan_text_is_overlay_text() -> None:
    assert kind_of() == "overlay_text"


@pytest.mark.parametrize(
    "changes",
    [
        {"faint": 1.0},  # found only on the amplified copy
        {"ink_contrast": 0.15, "ink_sat": 0.05},  # faint grey ink
        {"similar_boxes": math.log1p(3), "tilt": 0.5},  # one stamp of a tilted lattice
        {"see_through": 0.9, "see_through_slope": 0.75},  # a 25 % white mark over a varied photo
    ],
)
def test_watermark_cues(changes: dict[str, float]) -> None:
    assert kind_of(**changes) == "watermark"


def test_see_through_needs_a_picture_that_varies_and_a_blend_like_slope() -> None:
    assert kind_of(see_through=0.9, see_through_slope=0.75, under_std=0.01) == "overlay_text"
    # Dark print on a lit surface follows the light too, but scaled far down.
    assert kind_of(see_through=0.9, see_through_slope=0.2) == "overlay_text"


@pytest.mark.parametrize("ink_sat", [0.02, 0.6])  # white text on a red plate, or red text on white
def test_short_text_on_a_flat_plate_of_its_own_is_a_badge_whatever_its_ink(ink_sat: float) -> None:
    assert (
        kind_of(aspect=math.log1p(2.0), ring_background=0.3, fill_std=0.03, ink_sat=ink_sat) == "logo_badge"
    )


def test_short_text_on_the_backdrop_or_a_busy_fill_is_not_a_badge() -> None:
    assert kind_of(aspect=math.log1p(2.0), ring_background=0.95, fill_std=0.03) == "overlay_text"
    assert kind_of(aspect=math.log1p(2.0), ring_background=0.3, fill_std=0.2) == "overlay_text"
