"""The synthetic data generators: deterministic, labelled as documented, every kind present.

Images are generated small (max side 500–600 px) and in-process so the whole module stays fast.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from types import ModuleType

import cv2
import gen_keyword_set
import gen_psoriasis_set
import gen_samples
import gen_white_background_set
import numpy as np
import pytest
import synth_apparel
import synth_overlays
import synth_signs
from PIL import Image
from synth import Job, Rng, balanced_kind, discover_fonts

DATASETS_DIR = Path(__file__).resolve().parents[2] / "infra" / "datasets"


REAL_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"


def read_rows(labels: Path) -> tuple[list[str], list[dict[str, str]]]:
    with labels.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def pixel_digest(path: Path) -> str:
    return hashlib.sha256(np.asarray(Image.open(path).convert("RGB")).tobytes()).hexdigest()


@pytest.fixture(scope="module")
def white_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("white")
    n = len(gen_white_background_set.KIND_CYCLE)
    return gen_white_background_set.generate(out, n, seed=3, workers=1, max_side=600, progress=False)


@pytest.fixture(scope="module")
def psoriasis_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("psoriasis")
    n = len(gen_psoriasis_set.KIND_CYCLE)
    return gen_psoriasis_set.generate(out, n, seed=3, workers=2, max_side=500, progress=False)


@pytest.fixture(scope="module")
def keyword_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("keyword")
    n = len(gen_keyword_set.KIND_CYCLE)
    return gen_keyword_set.generate(out, n, seed=3, workers=1, max_side=600, progress=False)


def test_fonts_are_found_in_both_groups() -> None:
    fonts = discover_fonts()
    assert fonts.regular and fonts.decorative
    assert fonts.pick(gen_keyword_set.Rng(0), "刷單兼職", decorative=True)


def test_white_background_labels_and_kinds(white_set: Path) -> None:
    columns, rows = read_rows(white_set)
    assert columns == ["file", "label", "kind"]
    assert {r["kind"] for r in rows} == set(gen_white_background_set.KIND_CYCLE)
    for row in rows:
        assert (white_set.parent / row["file"]).is_file()
        assert row["label"] == ("1" if row["kind"] in gen_white_background_set.POSITIVE_KINDS else "0")


def test_white_label_1_images_have_pure_white_corners(white_set: Path) -> None:
    _, rows = read_rows(white_set)
    for row in rows:
        pixels = np.asarray(Image.open(white_set.parent / row["file"]).convert("RGB"))
        h, w = pixels.shape[:2]
        assert 250 <= max(w, h) <= 600
        corners = {"tl": pixels[:6, :6], "tr": pixels[:6, -6:], "bl": pixels[-6:, :6], "br": pixels[-6:, -6:]}
        white_corners = {name for name, patch in corners.items() if int(patch.min()) == 255}
        if row["kind"] in ("white_clean", "white_jpeg_noise", "white_small_product"):
            assert white_corners == set(corners), row
        elif row["label"] == "1":
            # Shadows may reach the bottom edge and a product crosses one edge: still ≥ 2 corners.
            assert len(white_corners) >= 2, row
        elif row["kind"] in ("off_white", "coloured_frame"):
            assert not white_corners, row


def test_psoriasis_labels_boxes_and_balance(psoriasis_set: Path) -> None:
    columns, rows = read_rows(psoriasis_set)
    assert columns == ["file", "label", "kind", "boxes", "base"]
    assert {r["kind"] for r in rows} == set(gen_psoriasis_set.KIND_CYCLE)
    positives = [r for r in rows if r["label"] == "1"]
    negatives = [r for r in rows if r["label"] == "0"]
    assert len(positives) == len(negatives)
    assert sum(r["kind"] == "clean_product_with_print" for r in negatives) >= 0.25 * len(negatives)
    for row in rows:
        w, h = Image.open(psoriasis_set.parent / row["file"]).size
        boxes = json.loads(row["boxes"])
        assert bool(boxes) == (row["label"] == "1"), row
        for x, y, bw, bh in boxes:
            assert x >= 0 and y >= 0 and bw > 0 and bh > 0 and x + bw <= w and y + bh <= h, row
        assert row["base"] == "procedural"


PHYSICAL_TEXT_KINDS = ("clean_scene_text", "clean_garment_print")


def test_psoriasis_physical_text_negatives_are_in_every_block() -> None:
    cycle = gen_psoriasis_set.KIND_CYCLE
    assert len(cycle) == 24
    assert sum(k in gen_psoriasis_set.NEGATIVE_KINDS for k in cycle) == 12
    for kind in (*PHYSICAL_TEXT_KINDS, "clean_product", "clean_product_with_print", "clean_scene"):
        assert kind in gen_psoriasis_set.NEGATIVE_KINDS and kind in cycle
    for block in range(3):
        kinds = [balanced_kind(5, "psoriasis", block * 24 + i, cycle) for i in range(24)]
        assert sorted(kinds) == sorted(cycle)


def test_psoriasis_physical_text_kinds_match_in_process_rendering(
    psoriasis_set: Path, tmp_path: Path
) -> None:
    """The fixture ran in a worker pool; the same images rendered in-process are the same bytes."""
    _, rows = read_rows(psoriasis_set)
    checked = 0
    for i, row in enumerate(rows):
        if row["kind"] not in PHYSICAL_TEXT_KINDS:
            continue
        checked += 1
        assert row["label"] == "0" and row["boxes"] == "[]", row
        again = gen_psoriasis_set.make_image(Job(i, 3, str(tmp_path), {"max_side": 500}))
        assert again == row
        assert (tmp_path / again["file"]).read_bytes() == (psoriasis_set.parent / row["file"]).read_bytes()
    assert checked == sum(k in PHYSICAL_TEXT_KINDS for k in gen_psoriasis_set.KIND_CYCLE)


def test_positives_share_the_physical_text_bases() -> None:
    rng = Rng(0, "bases")
    draws = [gen_psoriasis_set.base_kind(rng, "banner") for _ in range(3000)]
    for kind in PHYSICAL_TEXT_KINDS:
        assert abs(draws.count(kind) / len(draws) - 2 / 12) < 0.03
    slogans = [gen_psoriasis_set.base_kind(rng, "slogan_on_product") for _ in range(600)]
    assert "clean_scene_text" not in slogans and "clean_garment_print" in slogans
    assert all(gen_psoriasis_set.base_kind(rng, k) == k for k in gen_psoriasis_set.NEGATIVE_KINDS)


def test_scene_text_images_are_deterministic_photos() -> None:
    fonts = discover_fonts()
    first = synth_signs.scene_text_image(Rng(7, "t"), fonts, 320, 240)
    second = synth_signs.scene_text_image(Rng(7, "t"), fonts, 320, 240)
    assert first.shape == (240, 320, 3) and np.isfinite(first).all()
    assert np.array_equal(first, second)
    assert first.min() >= 0 and first.max() <= 255
    # The camera adds noise everywhere: no perfectly flat patch survives.
    assert float(first[:40, :40].std()) > 0.3


def test_wall_view_geometry() -> None:
    frontal = synth_signs.View(400, 300, 0.0, 0.0, 0.0, 1.0)
    corners = np.asarray([[[0, 0], [400, 300], [123, 45]]], np.float32)
    mapped = cv2.perspectiveTransform(corners, frontal.homography())
    assert np.allclose(mapped, corners, atol=1e-3)
    # Something standing off the wall to the right of the camera appears shifted further right.
    dx, _ = frontal.parallax(350, 150, 10)
    assert dx > 0
    turned = synth_signs.View(400, 300, 0.5, 0.1, 0.0, 1.0)
    x0, y0, x1, y1 = synth_signs.plane_extent(turned, turned.homography())
    # Turned away, the far side of the wall is foreshortened: the frame sees more wall.
    assert (x1 - x0) * (y1 - y0) > 400 * 300


def test_garment_print_stays_on_the_silhouette() -> None:
    fonts = discover_fonts()
    for seed in range(4):
        rng = Rng(seed, "shirt")
        product, area, weave = synth_apparel.shirt(rng, 300, 340)
        before = product.albedo.copy()
        art = synth_apparel.artwork(rng, fonts, int(area[2]), int(area[3]), (200, 40, 40), "shirt")
        synth_apparel.print_on_fabric(rng, product, art, area, weave, 1.0, "screen")
        changed = np.abs(product.albedo - before).max(axis=2) > 1.0
        assert changed.any()
        assert not (changed & (product.alpha <= 0.6)).any()


def test_a_centred_watermarks_box_is_its_writing_not_its_ring() -> None:
    """Ring emblems: the detector boxes the writing, so the label box must be the writing's (at
    the ring's centre), not the ring's, or the writing is too small a share of it to count."""
    fonts = discover_fonts()
    ring_sized = 0
    for seed in range(20):
        image = Image.new("RGB", (600, 600), (128, 128, 128))
        (box,) = synth_overlays.add_watermark_centre(Rng(seed, "centre"), fonts, image)
        changed = np.abs(np.asarray(image, np.int16) - 128).max(axis=2) > 2
        ys, xs = np.nonzero(changed)
        ink = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
        x, y, w, h = box
        assert ink[0] - 3 <= x and ink[1] - 3 <= y and x + w <= ink[2] + 3 and y + h <= ink[3] + 3
        assert abs((x + w / 2) - (ink[0] + ink[2]) / 2) < 6
        assert abs((y + h / 2) - (ink[1] + ink[3]) / 2) < 6
        ring_sized += w * h < 0.5 * (ink[2] - ink[0]) * (ink[3] - ink[1])
    assert 0 < ring_sized < 20


def test_keyword_labels_are_consistent(keyword_set: Path) -> None:
    columns, rows = read_rows(keyword_set)
    assert columns[:4] == ["file", "present", "forms", "decoys"]
    negatives = [r for r in rows if not r["present"]]
    assert len(negatives) == gen_keyword_set.KIND_CYCLE.count("negative")
    for row in rows:
        present = row["present"].split("|") if row["present"] else []
        forms = row["forms"].split("|") if row["forms"] else []
        assert len(present) == len(forms), row
        for canonical, form in zip(present, forms, strict=True):
            assert form in gen_keyword_set.KEYWORD_FORMS[canonical], row
            assert form in row["lines"], row
        for decoy in filter(None, row["decoys"].split("|")):
            assert decoy in gen_keyword_set.DECOY_PHRASES and decoy in row["lines"], row
    assert {r["layout"] for r in rows} <= set(gen_keyword_set.LAYOUTS)


def test_keyword_vocabulary_has_no_accidental_keywords() -> None:
    gen_keyword_set.check_vocabulary()
    rng = gen_keyword_set.Rng(5)
    for _ in range(200):
        assert not gen_keyword_set._contains_form(gen_keyword_set.wechat_id(rng))


@pytest.mark.parametrize(
    ("module", "labels_name"),
    [
        (gen_white_background_set, "labels_white_background.csv"),
        (gen_keyword_set, "labels_keyword.csv"),
        (gen_psoriasis_set, "labels_psoriasis.csv"),
    ],
)
def test_generators_are_deterministic(module: ModuleType, labels_name: str, tmp_path: Path) -> None:
    # One run in-process, one with a worker pool: scheduling must not change a single byte.
    first = module.generate(tmp_path / "a", 4, seed=11, workers=1, max_side=500, progress=False)
    second = module.generate(tmp_path / "b", 4, seed=11, workers=2, max_side=500, progress=False)
    assert first.name == second.name == labels_name
    assert first.read_bytes() == second.read_bytes()
    _, rows = read_rows(first)
    for row in rows:
        assert pixel_digest(first.parent / row["file"]) == pixel_digest(second.parent / row["file"])
    other = module.generate(tmp_path / "c", 4, seed=12, workers=1, max_side=500, progress=False)
    assert [pixel_digest(first.parent / r["file"]) for r in rows] != [
        pixel_digest(other.parent / r["file"]) for r in read_rows(other)[1]
    ]


@pytest.mark.skipif(
    not (REAL_DIR / "labels_psoriasis.csv").is_file(), reason="team kit real images not present"
)
def test_real_base_splits_are_disjoint() -> None:
    even = {f for f, _ in gen_psoriasis_set.real_bases(REAL_DIR, "even")}
    odd = {f for f, _ in gen_psoriasis_set.real_bases(REAL_DIR, "odd")}
    assert even and odd and not even & odd
    assert gen_psoriasis_set.real_bases(REAL_DIR, "none") == []
    with (REAL_DIR / "labels_psoriasis.csv").open(encoding="utf-8") as handle:
        clean = {r["file"] for r in csv.DictReader(handle) if r["label"] == "0"}
    assert even | odd <= clean


def test_committed_samples_match_the_script() -> None:
    samples_dir = DATASETS_DIR.parents[1] / "samples"
    assert (samples_dir / "README.md").is_file()
    for name in gen_samples.SAMPLES:
        path = samples_dir / name
        assert path.is_file(), f"run: python infra/datasets/gen_samples.py ({name} missing)"
        assert path.stat().st_size < gen_samples.MAX_BYTES
        assert 800 <= max(Image.open(path).size) <= 1000
