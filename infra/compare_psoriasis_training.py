"""Train variants of the psoriasis recipe side by side and print their held-out figures.

    python infra/compare_psoriasis_training.py            # every variant below
    python infra/compare_psoriasis_training.py recipe real_weight_0

Why the recipe in infra/train_psoriasis.py has the settings it has: each variant changes one
training choice, trains on the same cached measurements (build/psoriasis_features, filled by
`make train-psoriasis`; about 40 s per variant once filled) and is scored, like
infra/eval_psoriasis.py does, on the held-out generated set and on the kit's odd half (never
trained on). Scores come from the cached measurements rather than the handler: the same numbers,
without decoding every image again (the recipe's row matches `make eval-psoriasis`).

We choose on the held-out set's 600 images. The odd half's 66 images are printed for what they
are worth: one image moves its accuracy by 1.5 points, and variants that move the held-out
figures by a point move it by several, either way.
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


VARIANTS = {
    "recipe": Variant("the committed recipe"),
    "real_weight_0": Variant("no kit images in training", real_weight=0.0),
    "real_weight_10": Variant("kit images weighted 10", real_weight=10.0),
    "region_covered_0.3": Variant(
        "a region is an overlay from 30 % covered", settings={"REGION_COVERED": 0.3}
    ),
    "region_covered_0.55": Variant(
        "a region is an overlay from 55 % covered", settings={"REGION_COVERED": 0.55}
    ),
    "centre_watermarks_x3": Variant(
        "centred watermark images weighted 3", kind_weights={"watermark_centre": 3.0}
    ),
    "watermarks_x2": Variant(
        "all watermark images weighted 2",
        kind_weights={"watermark_centre": 2.0, "watermark_tiled": 2.0, "watermark_corner": 2.0},
    ),
}


def score(model: PsoriasisModel, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
    area = REGION_FEATURES.index("area_rel")
    probs, labels = [], []
    for row in rows:
        regions = np.asarray(row["regions"])
        scores = model.region_scores(regions)
        image_row = dict(zip(IMAGE_FEATURES, np.asarray(row["image"]).tolist(), strict=True))
        areas = regions[:, area] if len(regions) else np.zeros(0)
        probs.append(model.image_prob(image_model_inputs(scores, areas, image_row)))
        labels.append(int(str(row["label"])))
    return np.array(labels), np.array(probs)


def figures(model: PsoriasisModel, rows: Rows) -> str:
    labels, probs = score(model, rows)
    watermarks = np.array(["watermark" in str(row["kind"]) for row in rows]) & (labels == 1)
    caught = float((probs[watermarks] >= 0.5).mean()) if watermarks.any() else float("nan")
    return (
        f"{roc_auc(labels, probs):.3f} {float(((probs >= 0.5) == (labels == 1)).mean()):.3f} "
        f"{expected_calibration_error(labels, probs):.3f} {caught:.2f}"
    )


def train_variant(variant: Variant, load: Callable[[], tuple[Rows, Rows]]) -> PsoriasisModel:
    saved = {name: getattr(recipe, name) for name in variant.settings}
    try:
        for name, value in variant.settings.items():
            setattr(recipe, name, value)
        generated, kit_even = load()  # region labels depend on the settings
        images = [{**row, "weight": variant.kind_weights.get(str(row["kind"]), 1.0)} for row in generated] + (
            [{**row, "weight": variant.real_weight} for row in kit_even] if variant.real_weight else []
        )
        spec, _ = recipe.train(images)
        return parse_model(spec)
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
        f"{'variant':22s} {'held-out: AUC acc ECE wm':28s} {'kit odd half: AUC acc ECE wm':30s} what changed"
    )
    for name in names:
        model = train_variant(VARIANTS[name], load)
        print(
            f"{name:22s} {figures(model, heldout):28s} {figures(model, kit_odd):30s} {VARIANTS[name].summary}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
