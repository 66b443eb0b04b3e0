"""Train the psoriasis model and write shared/image_audit/models/psoriasis.json.

    python infra/train_psoriasis.py                  # the recipe: generate (if missing), measure, fit, write
    python infra/train_psoriasis.py --check-only     # fit and report, do not write the model

The recipe, end to end (deterministic: same seeds, same data, same weights):

1. training images: ``infra/datasets/gen_psoriasis_set.py --n 4800 --seed 11 --real-split even``,
   i.e. procedural products and the kit's clean real photos at even positions of the sorted
   list, with overlays composed on top (build/datasets/psoriasis_train). The held-out set
   (``--seed 22 --real-split odd``, build/datasets/psoriasis_heldout) never shares a base photo
   with it and is only read by ``infra/eval_psoriasis.py``;
2. every image goes through the serving path's ``measure_image`` (decode at the API's size,
   detector, measurements), cached in build/psoriasis_features/ by file content;
3. region labels: a detected region is an overlay when at least REGION_COVERED of its box lies
   inside the generator's overlay boxes; every region of a clean image is not;
4. region model: scikit-learn HistGradientBoostingClassifier (shallow trees, early stopping off
   so that the tree count is fixed), exported tree by tree to JSON;
5. image model: logistic regression on the image inputs of ``image_model_inputs``, fitted on
   out-of-fold region scores, so it learns how far to trust regions the trees have not seen.
   The 5 folds keep together every image made from one real photo (``photo_groups``);
6. report: cross-validated ROC-AUC, accuracy and calibration error on the training set, and
   the kit's trained-on half scored out of fold, written to docs/psoriasis_kit_out_of_fold.json
   for infra/eval_psoriasis.py.

scikit-learn is a development dependency only (requirements-dev.txt): the layer evaluates the
exported trees with numpy (image_audit.psoriasis_model).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
from image_audit.imaging import decode_image
from image_audit.local import repository_root
from image_audit.psoriasis import ANALYSIS_MAX_SIDE, measure_image
from image_audit.psoriasis_features import IMAGE_FEATURES, REGION_FEATURES
from image_audit.psoriasis_model import (
    IMAGE_MODEL_INPUTS,
    MODEL_PATH,
    image_model_inputs,
    parse_model,
)
from metrics import expected_calibration_error, roc_auc

ROOT = repository_root()
TRAIN_SET = ROOT / "build" / "datasets" / "psoriasis_train"
HELDOUT_SET = ROOT / "build" / "datasets" / "psoriasis_heldout"
KIT_REAL = ROOT.parent / "shared" / "data" / "real"
FEATURE_CACHE = ROOT / "build" / "psoriasis_features"
# Written with the weights: the kit's trained-on half scored out of fold (see write_kit_out_of_fold).
KIT_OUT_OF_FOLD = ROOT / "docs" / "psoriasis_kit_out_of_fold.json"
GENERATE = {
    TRAIN_SET: ["--n", "4800", "--seed", "11", "--real-split", "even"],
    HELDOUT_SET: ["--n", "600", "--seed", "22", "--real-split", "odd"],
}
REGION_COVERED = 0.4
REGION_MIN_SHARE = 0.08
# A real photo counts as this many generated ones: they are few, and they are the target.
REAL_WEIGHT = 4.0
FOLDS = 5
SEED = 0
TREE_PARAMS = {
    "max_iter": 500,
    "learning_rate": 0.06,
    "max_depth": 5,
    "max_leaf_nodes": 24,
    "min_samples_leaf": 20,
    "l2_regularization": 1.0,
    "early_stopping": False,
}


# --------------------------------------------------------------------------- data


def ensure_dataset(folder: Path) -> Path:
    """Generate a set with its recipe when it is not there yet (needs the kit's real photos)."""
    labels = folder / "labels_psoriasis.csv"
    if labels.is_file():
        return labels
    sys.path.insert(0, str(ROOT / "infra" / "datasets"))  # a script run by path, not a test
    import gen_psoriasis_set

    args = ["--out", str(folder), *GENERATE[folder]]
    if KIT_REAL.is_dir():
        args += ["--real-dir", str(KIT_REAL)]
    else:
        args[args.index("--real-split") + 1] = "none"
    gen_psoriasis_set.main(args)
    return labels


def measured_rows(
    folder: Path, labels_csv: Path | None = None, progress: bool = True
) -> list[dict[str, object]]:
    """Per image: label, kind, region rows, region labels and image row (cached by content)."""
    labels_csv = labels_csv or folder / "labels_psoriasis.csv"
    rows = list(csv.DictReader(labels_csv.open(encoding="utf-8")))
    FEATURE_CACHE.mkdir(parents=True, exist_ok=True)
    out: list[dict[str, object]] = []
    started = time.perf_counter()
    for i, row in enumerate(rows):
        if row["label"] not in ("0", "1"):
            continue
        data = (folder / row["file"]).read_bytes()
        key = hashlib.sha256(data + FEATURE_SIGNATURE).hexdigest()[:24]
        cached = FEATURE_CACHE / f"{key}.npz"
        if cached.is_file():
            stored = np.load(cached)
            regions, image_row, boxes, scale = (
                stored["regions"],
                stored["image"],
                stored["boxes"],
                float(stored["scale"]),
            )
        else:
            image = decode_image(data, max_side=ANALYSIS_MAX_SIDE, limits=None)
            measured = measure_image(image)
            regions, image_row, scale = measured.regions, measured.image, image.scale * measured.scale
            boxes = np.array(measured.boxes, dtype=np.float32).reshape(-1, 4, 2)
            np.savez(cached, regions=regions, image=image_row, boxes=boxes, scale=scale)
        truth = [
            (x * scale, y * scale, w * scale, h * scale)
            for x, y, w, h in json.loads(row.get("boxes") or "[]")
        ]
        out.append(
            {
                "file": row["file"],
                "label": int(row["label"]),
                "kind": row.get("kind", ""),
                # Generated images name their base photo; a kit photo is its own.
                "base": row.get("base") or f"real:{row['file']}",
                "regions": regions,
                "image": image_row,
                "region_labels": _region_labels(boxes, truth, int(row["label"])),
                # Region labels are known for generated images (overlay boxes) and clean photos.
                "regions_known": bool(truth) or row["label"] == "0",
                "weight": 1.0,
            }
        )
        if progress and (i + 1) % 100 == 0:
            print(
                f"  measured {i + 1}/{len(rows)} of {folder.name} ({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
            )
    return out


def kit_half(files_labels: list[tuple[str, int]], parity: int) -> set[str]:
    """The kit's images at even (0) or odd (1) positions of the sorted file list of each label.

    The even half of the clean photos are the generator's training backdrops (--real-split even);
    the even half of everything trains the models directly; the odd half is never trained on.
    """
    half: set[str] = set()
    for label in (0, 1):
        names = sorted(file for file, value in files_labels if value == label)
        half |= {name for i, name in enumerate(names) if i % 2 == parity}
    return half


def _feature_signature() -> bytes:
    """Cache key part: measurements change when the detector, the passes or the features do."""
    digest = hashlib.sha256()
    for name in ("psoriasis_features.py", "psoriasis.py", "ocr.py"):
        digest.update((ROOT / "shared" / "image_audit" / name).read_bytes())
    return digest.digest()


# Read once, when the code it names is imported: a run that outlives an edit of those files must
# not file what its old code measured under the new code's key.
FEATURE_SIGNATURE = _feature_signature()


def _region_labels(boxes: np.ndarray, truth: list[tuple[float, ...]], image_label: int) -> np.ndarray:
    """1 for a detected region that is (part of) an overlay, 0 otherwise.

    A region is an overlay when REGION_COVERED of it lies inside the overlay boxes, unless it is
    much smaller than the box that covers it (under REGION_MIN_SHARE of its area): a centred
    watermark's box (text plus ring) spans the product, and the brand printed under it is not
    the watermark.
    """
    labels = np.zeros(len(boxes), dtype=np.int8)
    if image_label == 0 or not truth:
        return labels
    for i, quad in enumerate(boxes):
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
        area = max(1.0, float((x1 - x0) * (y1 - y0)))
        covered = 0.0
        largest_cover = 0.0
        for tx, ty, tw, th in truth:
            ix = max(0.0, min(x1, tx + tw) - max(x0, tx))
            iy = max(0.0, min(y1, ty + th) - max(y0, ty))
            covered += ix * iy
            if ix * iy > 0.5 * area:
                largest_cover = max(largest_cover, tw * th)
        small_inside = largest_cover > 0 and area < REGION_MIN_SHARE * largest_cover
        labels[i] = 1 if min(1.0, covered / area) >= REGION_COVERED and not small_inside else 0
    return labels


# --------------------------------------------------------------------------- models


def fit_trees(x: np.ndarray, y: np.ndarray, weight: np.ndarray):  # type: ignore[no-untyped-def]
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(random_state=SEED, **TREE_PARAMS)
    model.fit(x, y, sample_weight=weight)
    return model


def export_trees(model) -> dict[str, object]:  # type: ignore[no-untyped-def]
    trees = []
    for (predictor,) in model._predictors:  # one predictor per iteration for a binary problem
        nodes = []
        for node in predictor.nodes:
            leaf = bool(node["is_leaf"])
            entry: dict[str, object] = {"leaf": int(leaf), "depth": int(node["depth"])}
            if leaf:
                entry["value"] = round(float(node["value"]), 7)
            else:
                entry.update(
                    feature=int(node["feature_idx"]),
                    threshold=float(node["num_threshold"]),
                    missing_left=int(node["missing_go_to_left"]),
                    left=int(node["left"]),
                    right=int(node["right"]),
                )
            nodes.append(entry)
        trees.append(nodes)
    baseline = float(np.ravel(model._baseline_prediction)[0])
    return {"type": "sklearn-hist-gradient-boosting", "baseline": baseline, "trees": trees}


def image_inputs(images: list[dict[str, object]], region_scores: list[np.ndarray]) -> np.ndarray:
    area_index = REGION_FEATURES.index("area_rel")
    rows = []
    for item, scores in zip(images, region_scores, strict=True):
        regions = item["regions"]
        assert isinstance(regions, np.ndarray)
        image_row = dict(zip(IMAGE_FEATURES, np.asarray(item["image"]).tolist(), strict=True))
        area = regions[:, area_index] if len(regions) else np.zeros(0)
        rows.append(image_model_inputs(scores, area, image_row))
    return np.array(rows)


def fit_logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> dict[str, object]:
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit((x - mean) / scale, y, sample_weight=weight)
    return {
        "type": "logistic",
        "inputs": list(IMAGE_MODEL_INPUTS),
        "mean": mean.round(7).tolist(),
        "scale": scale.round(7).tolist(),
        "coef": model.coef_[0].round(7).tolist(),
        "intercept": round(float(model.intercept_[0]), 7),
    }


def photo_groups(images: list[dict[str, object]]) -> np.ndarray:
    """A fold group per image: the real photo it is, or was generated on, else the image itself."""
    keys: dict[str, int] = {}
    out = []
    for i, item in enumerate(images):
        base = str(item.get("base", ""))
        key = base if base.startswith("real:") else f"image:{i}"
        out.append(keys.setdefault(key, len(keys)))
    return np.array(out)


def train(images: list[dict[str, object]]) -> tuple[dict[str, object], np.ndarray]:
    """Fit both models; return the model spec and out-of-fold image probabilities.

    Images whose regions carry no labels (the kit's real positives: we know the image has an
    overlay, not which region it is) train the image model only. Folds keep together every image
    made from one real photo (``photo_groups``), so the out-of-fold figures of a kit photo come
    from models that saw neither it nor a generated image built on it.
    """
    from image_audit.psoriasis_model import Logistic
    from sklearn.model_selection import GroupKFold

    x = np.vstack([np.asarray(item["regions"]) for item in images])
    y = np.concatenate([np.asarray(item["region_labels"]) for item in images])
    image_labels = np.array([int(str(item["label"])) for item in images])
    image_weights = np.array([float(item["weight"]) for item in images])  # type: ignore[arg-type]
    image_groups = photo_groups(images)
    region_image = np.repeat(np.arange(len(images)), [len(np.asarray(item["regions"])) for item in images])
    owner = [np.flatnonzero(region_image == i) for i in range(len(images))]
    groups, weight = image_groups[region_image], image_weights[region_image]
    # Weight-0 images stay in the folds (they get out-of-fold scores) but out of every fit.
    fitted = np.array([bool(item["regions_known"]) for item in images])[region_image] & (weight > 0)
    image_fitted = image_weights > 0

    # Out-of-fold region scores: each image's regions scored by trees that saw neither it nor
    # anything made from the same real photo.
    oof = np.zeros(len(y))
    folds = GroupKFold(n_splits=FOLDS)
    for train_idx, test_idx in folds.split(x, y, groups):
        fit_idx = train_idx[fitted[train_idx]]
        model = fit_trees(x[fit_idx], y[fit_idx], weight[fit_idx])
        oof[test_idx] = model.predict_proba(x[test_idx])[:, 1]
    oof_inputs = image_inputs(images, [oof[idx] for idx in owner])

    # Out-of-fold image probabilities, for an honest training-set report.
    image_oof = np.zeros(len(images))
    for fit_on, test_on in folds.split(oof_inputs, image_labels, image_groups):
        fit_on = fit_on[image_fitted[fit_on]]
        spec = fit_logistic(oof_inputs[fit_on], image_labels[fit_on], image_weights[fit_on])
        image_oof[test_on] = Logistic.from_json(spec).prob(oof_inputs[test_on])

    final_trees = fit_trees(x[fitted], y[fitted], weight[fitted])
    model_spec = {
        "version": "",
        "region_features": list(REGION_FEATURES),
        "region_model": export_trees(final_trees),
        "image_model": fit_logistic(
            oof_inputs[image_fitted], image_labels[image_fitted], image_weights[image_fitted]
        ),
        "recipe": "infra/train_psoriasis.py",
        "trained_on": {"images": len(images), "regions": len(y), "overlay_regions": int(y.sum())},
    }
    # The exported trees must give the library's own scores.
    exported = parse_model({**model_spec, "version": "check"})
    probe = x[: min(len(x), 2000)]
    gap = (
        np.abs(exported.region_scores(probe) - final_trees.predict_proba(probe)[:, 1]).max()
        if len(probe)
        else 0.0
    )
    if gap > 1e-6:
        raise SystemExit(f"exported trees differ from scikit-learn's by {gap:.2e}")
    digest = hashlib.sha256(json.dumps(model_spec, sort_keys=True).encode()).hexdigest()[:10]
    model_spec["version"] = f"gbdt+lr-{digest}"
    return model_spec, image_oof


# --------------------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check-only", action="store_true", help="fit and report, do not write the model")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument(
        "--kit-out-of-fold",
        type=Path,
        default=KIT_OUT_OF_FOLD,
        help="where the kit's even half's out-of-fold probabilities go (read by eval_psoriasis.py)",
    )
    args = parser.parse_args(argv)

    labels = ensure_dataset(TRAIN_SET)
    images = measured_rows(TRAIN_SET, labels)
    kit_first = len(images)
    if (KIT_REAL / "labels_psoriasis.csv").is_file():
        real = measured_rows(KIT_REAL)
        even = kit_half([(str(item["file"]), int(str(item["label"]))) for item in real], 0)
        for item in real:
            if item["file"] in even:
                images.append({**item, "weight": REAL_WEIGHT})
    spec, image_oof = train(images)
    y = np.array([int(str(item["label"])) for item in images])
    accuracy = float(((image_oof >= 0.5) == (y == 1)).mean())
    print(
        f"training set ({len(images)} images, {spec['trained_on']}): "
        f"out-of-fold ROC-AUC {roc_auc(y, image_oof):.4f}, "
        f"accuracy {accuracy:.3f}, ECE {expected_calibration_error(y, image_oof):.3f}"
    )
    if not args.check_only:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(spec, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB, version {spec['version']})")
        kit_probs = {
            str(item["file"]): round(float(prob), 4)
            for item, prob in zip(images[kit_first:], image_oof[kit_first:], strict=True)
        }
        write_kit_out_of_fold(args.kit_out_of_fold, str(spec["version"]), kit_probs)
        print(f"wrote {args.kit_out_of_fold} ({len(kit_probs)} kit images scored out of fold)")
    return 0


def write_kit_out_of_fold(path: Path, version: str, probs: dict[str, float]) -> None:
    """The trained-on kit images' out-of-fold probabilities, named by the model they go with.

    Together with the odd half (never trained on) they give a figure on every kit image from a
    model that saw neither it nor any composite built on it (infra/eval_psoriasis.py).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"model_version": version, "folds": FOLDS, "probs": dict(sorted(probs.items()))}
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def read_kit_out_of_fold(path: Path, version: str) -> dict[str, float] | None:
    """The probabilities written with model ``version``, or None when missing or for other weights."""
    if not path.is_file():
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    if record.get("model_version") != version:
        return None
    return {str(name): float(prob) for name, prob in record["probs"].items()}


if __name__ == "__main__":
    raise SystemExit(main())
