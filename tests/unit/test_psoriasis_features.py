"""Psoriasis measurements on synthetic pictures, with a hand-made detection (no OCR model needed).

Each test draws a product shot with numpy, says where the "detector" found text (quads and a
probability map, as ``image_audit.ocr.TextDetection`` carries them) and checks that the features
mean what ``image_audit.psoriasis_features`` says they mean.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from image_audit.ocr import TextDetection
from image_audit.ocr_types import Quad
from image_audit.psoriasis_features import (
    IMAGE_FEATURES,
    REGION_FEATURES,
    ImageMeasurements,
    measure,
)

SIDE = 400
WHITE = (255, 255, 255)
PRODUCT = (40, 80, 150)
PRODUCT_BOX = (110, 60, 290, 340)  # x0, y0, x1, y1: a big bottle-like block in the middle


def canvas(background: tuple[int, int, int] = WHITE, product: bool = True) -> np.ndarray:
    rgb = np.empty((SIDE, SIDE, 3), np.uint8)
    rgb[:] = background
    if product:
        x0, y0, x1, y1 = PRODUCT_BOX
        rgb[y0:y1, x0:x1] = PRODUCT
    return rgb


def rect_quad(x0: float, y0: float, x1: float, y1: float) -> Quad:
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def rotated_quad(cx: float, cy: float, width: float, height: float, degrees: float) -> Quad:
    angle = math.radians(degrees)
    c, s = math.cos(angle), math.sin(angle)
    corners = [
        (-width / 2, -height / 2),
        (width / 2, -height / 2),
        (width / 2, height / 2),
        (-width / 2, height / 2),
    ]
    p = [(cx + x * c - y * s, cy + x * s + y * c) for x, y in corners]
    return (p[0], p[1], p[2], p[3])


def write(rgb: np.ndarray, box: tuple[int, int, int, int], ink: tuple[int, int, int] = (20, 20, 20)) -> None:
    """Glyph-like strokes inside box (x0, y0, x1, y1): vertical bars and a bar across, per 'character'."""
    x0, y0, x1, y1 = box
    height = y1 - y0
    stroke = max(2, height // 8)
    for cx in range(x0 + 2, x1 - height // 2, height):
        rgb[y0 + 2 : y1 - 2, cx : cx + stroke] = ink
        rgb[y0 + 2 : y1 - 2, cx + height // 2 : cx + height // 2 + stroke] = ink
        mid = (y0 + y1) // 2
        rgb[mid : mid + stroke, cx : cx + height // 2 + stroke] = ink


def detection(rgb: np.ndarray, quads: list[Quad], prob_map: np.ndarray | None = None) -> TextDetection:
    """The detector's view: the quads, a score each, and a probability map at half scale."""
    scale = 0.5
    if prob_map is None:
        prob_map = np.zeros((int(rgb.shape[0] * scale), int(rgb.shape[1] * scale)), np.float32)
        for quad in quads:
            xs, ys = [p[0] for p in quad], [p[1] for p in quad]
            prob_map[
                int(min(ys) * scale) : int(max(ys) * scale), int(min(xs) * scale) : int(max(xs) * scale)
            ] = 0.9
    return TextDetection(boxes=list(quads), box_scores=[0.85] * len(quads), prob_map=prob_map, scale=scale)


def rows(measured: ImageMeasurements) -> list[dict[str, float]]:
    return [dict(zip(REGION_FEATURES, row.tolist(), strict=True)) for row in measured.regions]


def image_values(measured: ImageMeasurements) -> dict[str, float]:
    return dict(zip(IMAGE_FEATURES, measured.image.tolist(), strict=True))


def assert_well_formed(measured: ImageMeasurements, n_boxes: int) -> None:
    assert measured.regions.shape == (n_boxes, len(REGION_FEATURES))
    assert measured.image.shape == (len(IMAGE_FEATURES),)
    assert np.all(np.isfinite(measured.regions)) and np.all(np.isfinite(measured.image))
    # A region row ends with its image's row (context for the trees).
    for row in measured.regions:
        np.testing.assert_array_equal(row[-len(IMAGE_FEATURES) :], measured.image)


# --------------------------------------------------------------------------- placement


def test_text_on_the_white_margin_is_off_the_product_and_ringed_by_backdrop() -> None:
    # GIVEN a product on white and a slogan in the bottom margin
    rgb = canvas()
    box = (40, 355, 200, 380)
    write(rgb, box)
    # WHEN measured
    measured = measure(rgb, detection(rgb, [rect_quad(*box)]))
    # THEN the box is off the silhouette, in a backdrop ring, and the background is flat white
    assert_well_formed(measured, 1)
    (row,) = rows(measured)
    assert row["in_product"] == pytest.approx(0.0, abs=0.05)
    assert row["ring_background"] == pytest.approx(1.0, abs=0.05)
    assert row["bg_flat"] == pytest.approx(1.0, abs=0.01)
    assert row["edge_dist"] == pytest.approx(20 / SIDE, abs=0.01)  # 20 px from the bottom edge
    assert row["tilt"] == 0.0
    assert row["similar_boxes"] == 0.0  # alone


def test_text_inside_a_big_product_is_on_the_product() -> None:
    rgb = canvas()
    label = (140, 150, 260, 250)
    rgb[label[1] : label[3], label[0] : label[2]] = (235, 225, 200)  # the label's paper panel
    box = (150, 185, 250, 210)
    write(rgb, box)
    measured = measure(rgb, detection(rgb, [rect_quad(*box)]))
    assert_well_formed(measured, 1)
    (row,) = rows(measured)
    assert row["in_product"] == pytest.approx(1.0, abs=0.05)
    assert row["ring_background"] == pytest.approx(0.0, abs=0.05)
    assert measured.product_box is not None
    x, y, w, h = measured.product_box
    assert abs(x - PRODUCT_BOX[0]) <= 6 and abs(y - PRODUCT_BOX[1]) <= 6
    assert abs(x + w - PRODUCT_BOX[2]) <= 6 and abs(y + h - PRODUCT_BOX[3]) <= 6


def test_geometry_is_relative_to_the_image_size() -> None:
    small, big = canvas(), None
    box = (40, 355, 200, 380)
    write(small, box)
    big = np.repeat(np.repeat(small, 2, axis=0), 2, axis=1)
    a = rows(measure(small, detection(small, [rect_quad(*box)])))[0]
    b = rows(measure(big, detection(big, [rect_quad(*(2 * v for v in box))])))[0]
    for name in ("height_rel", "width_rel", "aspect", "area_rel", "corner_dist", "centre_dist", "in_product"):
        assert a[name] == pytest.approx(b[name], abs=0.02), name


# --------------------------------------------------------------------------- tilt and repetition


def test_a_tilted_box_has_tilt_and_an_upright_one_none() -> None:
    rgb = canvas()
    quads = [rotated_quad(200, 200, 160, 30, 30.0), rotated_quad(200, 380, 160, 24, 0.0)]
    measured = measure(rgb, detection(rgb, quads))
    assert_well_formed(measured, 2)
    tilted, upright = rows(measured)
    assert tilted["tilt"] == pytest.approx(30 / 45, abs=0.02)
    assert upright["tilt"] == pytest.approx(0.0, abs=1e-6)
    # 60 degrees is 30 away from vertical text: as tilted as 30.
    steep = rows(measure(rgb, detection(rgb, [rotated_quad(200, 200, 160, 30, 60.0)])))[0]
    assert steep["tilt"] == pytest.approx(tilted["tilt"], abs=0.02)


def test_repeated_boxes_of_one_size_raise_similar_boxes() -> None:
    rgb = canvas()
    stamps = [
        rect_quad(20 + 130 * i, 20 + 120 * j, 120 + 130 * i, 44 + 120 * j) for i in range(3) for j in range(3)
    ]
    tiled = rows(measure(rgb, detection(rgb, stamps)))
    assert all(row["similar_boxes"] == pytest.approx(math.log1p(8)) for row in tiled)
    mixed = [stamps[0], rect_quad(150, 150, 390, 200), rect_quad(300, 360, 330, 370)]
    different = rows(measure(rgb, detection(rgb, mixed)))
    assert all(row["similar_boxes"] == 0.0 for row in different)
    assert tiled[0]["n_boxes"] == pytest.approx(math.log1p(9))


# --------------------------------------------------------------------------- periodicity


def tiled_pattern(product: bool) -> tuple[np.ndarray, list[Quad]]:
    """A watermark-like lattice of small grey stamps (staggered rows), over a product or on white."""
    rgb = canvas(product=product)
    quads = []
    for j, y in enumerate(range(20, SIDE - 30, 64)):
        for x in range(10 + 32 * (j % 2), SIDE - 60, 96):
            write(rgb, (x, y, x + 56, y + 16), ink=(120, 120, 120))
            quads.append(rect_quad(x, y, x + 56, y + 16))
    return rgb, quads


def single_blob(product: bool) -> tuple[np.ndarray, list[Quad]]:
    """One block of the same writing, once."""
    rgb = canvas(product=product)
    box = (130, 180, 270, 220)
    write(rgb, box, ink=(120, 120, 120))
    return rgb, [rect_quad(*box)]


@pytest.mark.parametrize("product", [False, True], ids=["on_white", "over_product"])
def test_a_tiled_pattern_is_more_periodic_than_a_single_blob(product: bool) -> None:
    tiled_rgb, tiled_quads = tiled_pattern(product)
    blob_rgb, blob_quads = single_blob(product)
    tiled = image_values(measure(tiled_rgb, detection(tiled_rgb, tiled_quads)))
    blob = image_values(measure(blob_rgb, detection(blob_rgb, blob_quads)))
    assert tiled["periodicity_text"] > blob["periodicity_text"] + 0.15
    # Over a product the product's own straight edges carry most of the high-pass energy, so the
    # image plane only has to rank the two; on white the lattice must stand out clearly.
    assert tiled["periodicity_image"] > blob["periodicity_image"] + (0.05 if product else 0.2)
    for values in (tiled, blob):
        assert 0.0 <= values["periodicity_text"] <= 1.0 and 0.0 <= values["periodicity_image"] <= 1.0


def test_flat_pictures_have_no_periodicity() -> None:
    rgb = canvas(product=False)
    values = image_values(measure(rgb, detection(rgb, [])))
    assert values["periodicity_image"] == 0.0 and values["periodicity_text"] == 0.0


def test_a_single_straight_line_is_not_periodic() -> None:
    # A lone line correlates with itself shifted along its length, but without a dip on the way:
    # only a lattice has one (a tiled watermark, see the test above).
    rgb = canvas(product=False)
    box = (60, 190, 340, 214)
    write(rgb, box, ink=(120, 120, 120))
    values = image_values(measure(rgb, detection(rgb, [rect_quad(*box)])))
    assert values["periodicity_text"] < 0.5


def test_faint_detector_response_counts_as_weak_text_mass() -> None:
    rgb = canvas()
    quiet = np.zeros((SIDE // 2, SIDE // 2), np.float32)
    faint = quiet.copy()
    faint[::8, :] = 0.2  # below box level, above noise: what a faint watermark leaves
    assert image_values(measure(rgb, detection(rgb, [], quiet)))["weak_text_mass"] == 0.0
    assert image_values(measure(rgb, detection(rgb, [], faint)))["weak_text_mass"] > 0.5


# --------------------------------------------------------------------------- ink and robustness


def test_faint_ink_has_lower_contrast_than_solid_ink() -> None:
    solid, faint = canvas(), canvas()
    box = (40, 355, 200, 380)
    write(solid, box, ink=(10, 10, 10))
    write(faint, box, ink=(215, 215, 215))  # a ~15 % opaque black mark on white
    solid_row = rows(measure(solid, detection(solid, [rect_quad(*box)])))[0]
    faint_row = rows(measure(faint, detection(faint, [rect_quad(*box)])))[0]
    assert solid_row["ink_contrast"] > 0.5
    assert faint_row["ink_contrast"] < 0.25
    assert solid_row["ink_lum"] < 0.2


def shaded_wall() -> np.ndarray:
    """A picture whose brightness climbs from left to right, like a lit wall or a sky."""
    rgb = np.empty((SIDE, SIDE, 3), np.uint8)
    rgb[:] = np.linspace(90, 230, SIDE).astype(np.uint8)[None, :, None]
    return rgb


def ink_where_written(box: tuple[int, int, int, int]) -> np.ndarray:
    marker = np.zeros((SIDE, SIDE, 3), np.uint8)
    write(marker, box, ink=(255, 255, 255))
    return marker[..., 0] > 0


def test_a_semi_transparent_mark_lets_the_picture_show_through_and_solid_ink_does_not() -> None:
    box = (40, 180, 360, 220)
    strokes = ink_where_written(box)
    solid, blended, printed = shaded_wall(), shaded_wall(), shaded_wall()
    solid[strokes] = 25
    # A 40 % white mark: 0.4 * 255 + 0.6 * picture.
    blended[strokes] = (0.4 * 255 + 0.6 * blended[strokes].astype(np.float32)).astype(np.uint8)
    # Dark print on the lit wall: its reflectance times the same light.
    printed[strokes] = (0.25 * printed[strokes].astype(np.float32)).astype(np.uint8)
    solid_row, blended_row, printed_row = (
        rows(measure(rgb, detection(rgb, [rect_quad(*box)])))[0] for rgb in (solid, blended, printed)
    )
    assert blended_row["see_through"] > 0.8
    assert 0.4 < blended_row["see_through_slope"] < 0.8
    assert abs(solid_row["see_through"]) < 0.3
    assert abs(solid_row["see_through_slope"]) < 0.1
    # Print follows the light too, but scaled down by its darkness.
    assert printed_row["see_through"] > 0.8
    assert printed_row["see_through_slope"] < 0.4
    assert min(row["under_std"] for row in (solid_row, blended_row, printed_row)) > 0.05


def test_on_a_flat_fill_nothing_can_show_through() -> None:
    rgb = canvas()
    box = (40, 355, 200, 380)
    write(rgb, box, ink=(200, 200, 200))
    row = rows(measure(rgb, detection(rgb, [rect_quad(*box)])))[0]
    assert row["see_through"] == 0.0
    assert row["see_through_slope"] == 0.0
    assert row["under_std"] < 0.02


@pytest.mark.parametrize(
    "quads",
    [
        [],  # nothing detected
        [rect_quad(0, 0, 400, 400)],  # the whole picture
        [rect_quad(398, 398, 400, 400)],  # a 2 px sliver in the corner
        [rect_quad(-20, -10, 60, 30)],  # partly outside the picture
        [rotated_quad(5, 395, 60, 12, 45.0)],  # tilted across the corner
    ],
)
def test_degenerate_boxes_give_finite_rows(quads: list[Quad]) -> None:
    rgb = canvas()
    assert_well_formed(measure(rgb, detection(rgb, quads)), len(quads))


@pytest.mark.parametrize("shape", [(400, 400), (37, 600), (900, 30), (12, 12)])
def test_any_picture_shape_gives_finite_rows(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 255, (*shape, 3), dtype=np.uint8)
    h, w = shape
    quads = [rect_quad(w * 0.1, h * 0.1, w * 0.6, h * 0.3)]
    prob_map = np.zeros((max(1, h // 2), max(1, w // 2)), np.float32)
    assert_well_formed(measure(rgb, detection(rgb, quads, prob_map)), 1)
