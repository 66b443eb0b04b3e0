"""infra/compare_psoriasis_training.py: its variants name real recipe settings, and a variant's
settings never leak into the next one."""

from __future__ import annotations

import compare_psoriasis_training as compare
import pytest
import train_psoriasis as recipe


def test_every_variant_changes_settings_the_recipe_has() -> None:
    for variant in compare.VARIANTS.values():
        for name in variant.settings:
            assert isinstance(getattr(recipe, name), float)
        assert set(variant.tree_params) <= set(recipe.TREE_PARAMS)


def test_tree_variants_override_only_their_parameters_and_are_restored() -> None:
    before = dict(recipe.TREE_PARAMS)
    seen: list[dict[str, object]] = []

    def load() -> tuple[compare.Rows, compare.Rows]:
        seen.append(dict(recipe.TREE_PARAMS))
        raise RuntimeError("no data")

    with pytest.raises(RuntimeError):
        compare.train_variant(compare.VARIANTS["trees_250"], load)
    assert seen == [{**before, "max_iter": 250}]
    assert before == recipe.TREE_PARAMS


def test_settings_are_restored_even_when_training_fails() -> None:
    before = recipe.REGION_COVERED
    seen: list[float] = []

    def load() -> tuple[compare.Rows, compare.Rows]:
        seen.append(recipe.REGION_COVERED)
        raise RuntimeError("no data")

    with pytest.raises(RuntimeError):
        compare.train_variant(compare.VARIANTS["region_covered_0.55"], load)
    assert seen == [0.55]
    assert before == recipe.REGION_COVERED


def test_unknown_variants_are_refused() -> None:
    with pytest.raises(SystemExit):
        compare.main(["no_such_variant"])
