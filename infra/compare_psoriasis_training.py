"""Train variants of the psoriasis recipe side by side and print their figures, validation and test.

    python infra/compare_psoriasis_training.py            # every variant below
    python infra/compare_psoriasis_training.py recipe real_weight_0

Why the recipe in infra/train_psoriasis.py has the settings it has: each variant changes one
training choice, trains on the same cached measurements (build/psoriasis_features, filled by
`make train-psoriasis`; a minute or two per variant once filled) and prints four sets: the
generated training images and the kit's trained-on half, each scored out of fold (folds grouped
by real photo), then the held-out generated set and the kit's odd half (never trained on),
scored like infra/eval_psoriasis.py does. Scores come from the cached measurements rather than
the handler: the same numbers, without decoding every image again (the recipe's row matches
`make eval-psoriasis`).

Choices are made on the out-of-fold columns, above all the 4800 generated images; the held-out
set and the odd half are the tests. On the odd half's 66 images one image moves accuracy by 1.5
points, and on the held-out set's 75 watermark images one image moves their recall by 1.3.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import train_psoriasis as recipe
from image_audit.psoriasis_features import IMAGE_FEATURES, REGION_FEATURES
from image_audit.psoriasis_model import PsoriasisModel, image_model_inputs, parse_model
from metrics import expected_calibration_error, roc_auc

Rows = list[dict[str, object]]


@dataclass(frozen=True)
class Variant:
    summary: str
    real_weight: float = recipe.REAL_WEIGHT
    kind_weights: dict[str, float] = field(default_factory=dict)
    settings: dict[str, float] = field(default_factory=dict)  # train_psoriasis module constants
    tree_params: dict[str, float] = field(default_factory=dict)  # over train_psoriasis.TREE_PARAMS


VARIANTS = {
    "recipe": Variant("the committed recipe"),
    "trees_250": Variant("250 boosting iterations (the recipe before 500)", tree_params={"max_iter": 250}),
    "trees_750": Variant("750 boosting iterations", tree_params={"max_iter": 750}),
    "deeper_trees": Variant(
        "trees up to 8 deep with 64 leaves", tree_params={"max_depth": 8, "max_leaf_nodes": 64}
    ),
    "real_weight_0": Variant("no kit images in training", real_weight=0.0),
    "real_weight_10": Variant("kit images weighted 10", real_weight=10.0),
    "region_covered_0.3": Variant(
        "a region is an overlay from 30 % covered", settings={"REGION_COVERED": 0.3}
    ),
    "region_covered_0.55": Variant(
        "a region is an overlay from 55 % covered", settings={"REGION_COVERED": 0.55}
    ),
    "centre_watermarks_x2": Variant(
        "centred watermark images weighted 2", kind_weights={"watermark_centre": 2.0}
    ),
    "centre_watermarks_x3": Variant(
        "centred watermark images weighted 3", kind_weights={"watermark_centre": 3.0}
    ),
    "watermarks_x2": Variant(
        "all watermark images weighted 2",
        kind_weights={"watermark_centre": 2.0, "watermark_tiled": 2.0, "watermark_corner": 2.0},
    ),
}


@dataclass(frozen=True)
class Trained:
    model: PsoriasisModel
    generated: Rows  # the generated training images
    generated_oof: np.ndarray  # their out-of-fold probabilities (train_psoriasis.photo_groups folds)
    kit_even: Rows  # the kit's even half, as trained on
    kit_even_oof: np.ndarray  # their out-of-fold probabilities


def score(model: PsoriasisModel, rows: Rows) -> np.ndarray:
    area = REGION_FEATURES.index("area_rel")
    probs = []
    for row in rows:
        regions = np.asarray(row["regions"])
        scores = model.region_scores(regions)
        image_row = dict(zip(IMAGE_FEATURES, np.asarray(row["image"]).tolist(), strict=True))
        areas = regions[:, area] if len(regions) else np.zeros(0)
        probs.append(model.image_prob(image_model_inputs(scores, areas, image_row)))
    return np.array(probs)


def figures(rows: Rows, probs: np.ndarray) -> str:
    labels = np.array([int(str(row["label"])) for row in rows])
    watermarks = np.array(["watermark" in str(row["kind"]) for row in rows]) & (labels == 1)
    caught = float((probs[watermarks] >= 0.5).mean()) if watermarks.any() else float("nan")
    return (
        f"{roc_auc(labels, probs):.3f} {float(((probs >= 0.5) == (labels == 1)).mean()):.3f} "
        f"{expected_calibration_error(labels, probs):.3f} {caught:.2f}"
    )


def train_variant(variant: Variant, load: Callable[[], tuple[Rows, Rows]]) -> Trained:
    settings: dict[str, object] = {**variant.settings}
    if variant.tree_params:
        settings["TREE_PARAMS"] = {**recipe.TREE_PARAMS, **variant.tree_params}
    saved = {name: getattr(recipe, name) for name in settings}
    try:
        for name, value in settings.items():
            setattr(recipe, name, value)
        generated, kit_even = load()  # region labels depend on the settings
        images = [{**row, "weight": variant.kind_weights.get(str(row["kind"]), 1.0)} for row in generated] + [
            # Weight 0 keeps the kit's rows in the folds (for their out-of-fold figures) but
            # out of every fit.
            {**row, "weight": variant.real_weight}
            for row in kit_even
        ]
        spec, image_oof = recipe.train(images)
        return Trained(
            parse_model(spec), generated, image_oof[: len(generated)], kit_even, image_oof[len(generated) :]
        )
    finally:
        for name, value in saved.items():
            setattr(recipe, name, value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("variants", nargs="*", help=f"default: all of {', '.join(VARIANTS)}")
    args = parser.parse_args(argv)
    names = args.variants or list(VARIANTS)
    unknown = [name for name in names if name not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants {unknown}; known: {', '.join(VARIANTS)}")

    recipe.ensure_dataset(recipe.TRAIN_SET)
    recipe.ensure_dataset(recipe.HELDOUT_SET)
    if not (recipe.KIT_REAL / "labels_psoriasis.csv").is_file():
        print(f"needs the kit's real images at {recipe.KIT_REAL}", file=sys.stderr)
        return 2
    heldout = recipe.measured_rows(recipe.HELDOUT_SET)
    kit = recipe.measured_rows(recipe.KIT_REAL)
    even = recipe.kit_half([(str(row["file"]), int(str(row["label"]))) for row in kit], 0)
    kit_odd = [row for row in kit if row["file"] not in even]

    def load() -> tuple[Rows, Rows]:
        generated = recipe.measured_rows(recipe.TRAIN_SET, progress=False)
        return generated, [
            row for row in recipe.measured_rows(recipe.KIT_REAL, progress=False) if row["file"] in even
        ]

    print(
        f"{'variant':22s} {'generated, out-of-fold':24s} {'kit even, out-of-fold':24s} "
        f"{'held-out: AUC acc ECE wm':26s} {'kit odd half':24s} what changed"
    )
    for name in names:
        trained = train_variant(VARIANTS[name], load)
        print(
            f"{name:22s} {figures(trained.generated, trained.generated_oof):24s} "
            f"{figures(trained.kit_even, trained.kit_even_oof):24s} "
            f"{figures(heldout, score(trained.model, heldout)):26s} "
            f"{figures(kit_odd, score(trained.model, kit_odd)):24s} {VARIANTS[name].summary}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
