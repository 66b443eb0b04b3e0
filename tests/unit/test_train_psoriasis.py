"""infra/train_psoriasis.py: folds never split a real photo from what was generated on it, and
weight-0 images get out-of-fold scores without entering any fit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import train_psoriasis as recipe
from image_audit.psoriasis_features import IMAGE_FEATURES, REGION_FEATURES
from PIL import Image


def fake_images(n: int, seed: int = 0, weight: float = 1.0) -> list[dict[str, object]]:
    """Images whose overlay regions have a high first feature: learnable, so the fits are real."""
    rng = np.random.default_rng(seed)
    images: list[dict[str, object]] = []
    for i in range(n):
        label = i % 2
        regions = rng.random((3, len(REGION_FEATURES))).astype(np.float32)
        region_labels = np.zeros(3, dtype=np.int8)
        if label:
            regions[0, 0] += 1.0
            region_labels[0] = 1
        images.append(
            {
                "file": f"img_{seed}_{i}.jpg",
                "label": label,
                "kind": "fake",
                "base": "procedural",
                "regions": regions,
                "image": rng.random(len(IMAGE_FEATURES)).astype(np.float32),
                "region_labels": region_labels,
                "regions_known": True,
                "weight": weight,
            }
        )
    return images


@pytest.fixture(autouse=True)
def few_trees(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recipe, "TREE_PARAMS", {**recipe.TREE_PARAMS, "max_iter": 5, "min_samples_leaf": 2})


def test_images_made_from_one_real_photo_share_a_group() -> None:
    images = [
        {"base": "real:shoe.jpg"},
        {"base": "procedural"},
        {"base": "real:shoe.jpg"},
        {"base": "procedural"},
        {"base": "real:bag.jpg"},
    ]
    groups = recipe.photo_groups(images)
    assert groups[0] == groups[2]
    assert len({groups[0], groups[1], groups[3], groups[4]}) == 4


def test_kit_photos_are_their_own_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recipe, "FEATURE_CACHE", tmp_path / "cache")
    (tmp_path / "labels_psoriasis.csv").write_text("file,label,kind\nshoe.jpg,0,product_on_white\n")
    Image.new("RGB", (64, 48), "white").save(tmp_path / "shoe.jpg")
    (row,) = recipe.measured_rows(tmp_path, progress=False)
    assert row["base"] == "real:shoe.jpg"


def test_weight_0_images_get_scores_but_do_not_change_the_fitted_trees() -> None:
    trained = fake_images(40)
    spec, oof = recipe.train(trained)
    with_spectators, oof_all = recipe.train(trained + fake_images(20, seed=1, weight=0.0))
    assert with_spectators["region_model"] == spec["region_model"]
    assert oof_all.shape == (60,)
    assert oof.shape == (40,)
    # The spectators' out-of-fold scores are real scores: overlays above clean ones on average.
    spectator = oof_all[40:]
    assert spectator[1::2].mean() > spectator[0::2].mean()


def test_kit_out_of_fold_probabilities_are_read_back_only_for_their_own_weights(tmp_path: Path) -> None:
    path = tmp_path / "docs" / "oof.json"
    recipe.write_kit_out_of_fold(path, "gbdt+lr-abc", {"shoe.jpg": 0.25, "bag.jpg": 0.875})
    assert recipe.read_kit_out_of_fold(path, "gbdt+lr-abc") == {"bag.jpg": 0.875, "shoe.jpg": 0.25}
    assert recipe.read_kit_out_of_fold(path, "gbdt+lr-other") is None
    assert recipe.read_kit_out_of_fold(tmp_path / "missing.json", "gbdt+lr-abc") is None
