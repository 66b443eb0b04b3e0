"""infra/eval_psoriasis.py: the kit figure on every image unseen combines the odd half as the
handler scored it with the trained-on half's out-of-fold probabilities, and only for the shipped
weights."""

from __future__ import annotations

from pathlib import Path

import eval_psoriasis
import pytest
import train_psoriasis as recipe
from image_audit.psoriasis_model import load_model


def scored_kit() -> eval_psoriasis.Scored:
    """Four kit images, two per label: a.jpg and c.jpg are the even half, b.jpg and d.jpg the odd."""
    real = eval_psoriasis.Scored("kit real")
    for file, label, prob in (("a.jpg", 0, 0.9), ("b.jpg", 0, 0.2), ("c.jpg", 1, 0.1), ("d.jpg", 1, 0.7)):
        real.files.append(file)
        real.labels.append(label)
        real.probs.append(prob)
        real.kinds.append("product_on_white" if label == 0 else "stock_watermark")
        real.top_region_kinds.append("watermark" if label else "")
    return real


@pytest.fixture
def out_of_fold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "kit_oof.json"
    monkeypatch.setattr(eval_psoriasis, "KIT_OUT_OF_FOLD", path)
    return path


def test_unseen_kit_takes_the_odd_half_from_the_handler_and_the_even_half_out_of_fold(
    out_of_fold: Path,
) -> None:
    recipe.write_kit_out_of_fold(out_of_fold, load_model().version, {"a.jpg": 0.3, "c.jpg": 0.6})
    unseen = eval_psoriasis.kit_unseen(scored_kit())
    assert unseen is not None
    assert dict(zip(unseen.files, unseen.probs, strict=True)) == {
        "a.jpg": 0.3,  # out of fold, not the handler's 0.9 from weights that trained on it
        "b.jpg": 0.2,
        "c.jpg": 0.6,
        "d.jpg": 0.7,
    }
    assert unseen.labels == [0, 0, 1, 1]


def test_unseen_kit_is_refused_for_other_weights_or_a_changed_kit(out_of_fold: Path) -> None:
    recipe.write_kit_out_of_fold(out_of_fold, "gbdt+lr-someone-else", {"a.jpg": 0.3, "c.jpg": 0.6})
    assert eval_psoriasis.kit_unseen(scored_kit()) is None
    recipe.write_kit_out_of_fold(out_of_fold, load_model().version, {"a.jpg": 0.3})  # c.jpg unknown
    assert eval_psoriasis.kit_unseen(scored_kit()) is None
