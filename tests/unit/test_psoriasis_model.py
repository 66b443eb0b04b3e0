"""The psoriasis model's numpy evaluators: boosted trees, logistic regression, image inputs, loading.

The trees are checked on small hand-written ensembles (every rule of the export format) and against
a plain recursive walk on random inputs with missing values; when scikit-learn is installed (a
development dependency), also against a HistGradientBoostingClassifier exported by the training
script, so that the export and the evaluator cannot disagree on what a node means.
"""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import numpy as np
import pytest
from image_audit import psoriasis_features
from image_audit.psoriasis_model import (
    HOT_REGION,
    IMAGE_MODEL_INPUTS,
    MODEL_PATH,
    TOP_K,
    Logistic,
    PsoriasisModel,
    Trees,
    image_model_inputs,
    load_model,
    parse_model,
    sigmoid,
)

NAN = float("nan")


def split(feature: int, threshold: float, left: int, right: int, depth: int, missing_left: int = 0) -> dict:
    return {
        "leaf": 0,
        "depth": depth,
        "feature": feature,
        "threshold": threshold,
        "missing_left": missing_left,
        "left": left,
        "right": right,
    }


def leaf(value: float, depth: int) -> dict:
    return {"leaf": 1, "depth": depth, "value": value}


# A stump on feature 0 (missing values go left) and a depth-2 tree: feature 1, then feature 0 on
# the left branch and feature 2 on the right (missing values go right at every node of it).
STUMP = [split(0, 0.5, 1, 2, 0, missing_left=1), leaf(-1.0, 1), leaf(2.0, 1)]
DEEP = [
    split(1, 10.0, 1, 4, 0),
    split(0, 0.0, 2, 3, 1),
    leaf(0.1, 2),
    leaf(0.2, 2),
    split(2, -1.0, 5, 6, 1),
    leaf(0.3, 2),
    leaf(0.4, 2),
]
BASELINE = 0.25


def ensemble(*trees: list[dict], baseline: float = BASELINE) -> Trees:
    return Trees.from_json({"baseline": baseline, "trees": [copy.deepcopy(tree) for tree in trees]})


def reference_raw(spec: dict[str, Any], row: np.ndarray) -> float:
    """The export format read literally, one node at a time."""
    total = float(spec["baseline"])
    for tree in spec["trees"]:
        node = tree[0]
        while not node["leaf"]:
            value = row[node["feature"]]
            left = bool(node["missing_left"]) if math.isnan(value) else value <= node["threshold"]
            node = tree[node["left"] if left else node["right"]]
        total += node["value"]
    return total


# --------------------------------------------------------------------------- trees


def test_stump_goes_left_on_less_or_equal_and_right_above() -> None:
    trees = ensemble(STUMP)
    x = np.array([[0.4], [0.5], [0.5000001], [3.0]])
    assert trees.raw(x).tolist() == pytest.approx(
        [BASELINE - 1.0, BASELINE - 1.0, BASELINE + 2.0, BASELINE + 2.0]
    )


def test_missing_values_follow_each_nodes_missing_direction() -> None:
    goes_left = ensemble(STUMP)
    goes_right = ensemble([{**STUMP[0], "missing_left": 0}, *STUMP[1:]])
    x = np.array([[NAN]])
    assert goes_left.raw(x)[0] == pytest.approx(BASELINE - 1.0)
    assert goes_right.raw(x)[0] == pytest.approx(BASELINE + 2.0)


@pytest.mark.parametrize(
    ("row", "deep_leaf"),
    [
        ([0.0, 10.0, 0.0], 0.1),  # x1 <= 10 (equal), x0 <= 0 (equal)
        ([0.1, 5.0, 0.0], 0.2),  # x1 <= 10, x0 > 0
        ([0.1, 11.0, -1.0], 0.3),  # x1 > 10, x2 <= -1 (equal)
        ([0.1, 11.0, 7.0], 0.4),  # x1 > 10, x2 > -1
        ([0.1, NAN, -5.0], 0.3),  # x1 missing: right, then x2 <= -1
        ([NAN, 5.0, 0.0], 0.2),  # x0 missing at depth 1: right
    ],
)
def test_trees_of_different_depth_add_their_leaves_to_the_baseline(
    row: list[float], deep_leaf: float
) -> None:
    # GIVEN a stump and a depth-2 tree WHEN both are walked together THEN the stump stays on its
    # leaf while the deeper tree takes its second step, and the raw score is the sum.
    trees = ensemble(STUMP, DEEP)
    stump_leaf = -1.0 if math.isnan(row[0]) or row[0] <= 0.5 else 2.0
    assert trees.depth == 2
    assert trees.raw(np.array([row]))[0] == pytest.approx(BASELINE + stump_leaf + deep_leaf)


def test_tree_order_does_not_matter_and_rows_are_independent() -> None:
    rows = np.array([[0.0, 10.0, 0.0], [0.9, 11.0, 7.0], [NAN, NAN, NAN]])
    a, b = ensemble(STUMP, DEEP).raw(rows), ensemble(DEEP, STUMP).raw(rows)
    assert a.tolist() == pytest.approx(b.tolist())
    singles = [ensemble(STUMP, DEEP).raw(row[None, :])[0] for row in rows]
    assert a.tolist() == pytest.approx(singles)


def test_no_rows_give_no_scores() -> None:
    assert ensemble(STUMP).raw(np.zeros((0, 3))).shape == (0,)


def test_random_ensemble_matches_a_literal_walk() -> None:
    rng = np.random.default_rng(5)
    spec = {
        "baseline": -0.3,
        "trees": [random_tree(rng, n_features=4, depth=int(d)) for d in (1, 4, 2, 3, 5)],
    }
    x = rng.normal(size=(300, 4))
    x[rng.random(x.shape) < 0.15] = NAN
    got = Trees.from_json(spec).raw(x)
    want = [reference_raw(spec, row) for row in x]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def random_tree(rng: np.random.Generator, n_features: int, depth: int) -> list[dict]:
    """A random tree in the export format: nodes numbered depth-first, unbalanced leaves."""
    nodes: list[dict] = []

    def grow(level: int) -> int:
        index = len(nodes)
        if level == depth or (level > 0 and rng.random() < 0.25):
            nodes.append(leaf(float(rng.normal()), level))
            return index
        nodes.append({})
        left = grow(level + 1)
        right = grow(level + 1)
        feature = int(rng.integers(0, n_features))
        nodes[index] = split(feature, float(rng.normal()), left, right, level, int(rng.integers(0, 2)))
        return index

    grow(0)
    return nodes


def test_exported_histogram_boosting_matches_scikit_learn() -> None:
    ensemble_module = pytest.importorskip("sklearn.ensemble")
    from train_psoriasis import export_trees

    rng = np.random.default_rng(7)
    x = rng.normal(size=(600, 5))
    y = ((x[:, 0] + 0.5 * x[:, 1] * x[:, 2] + rng.normal(scale=0.3, size=600)) > 0).astype(int)
    x[rng.random(x.shape) < 0.1] = NAN  # missing values in training: nodes learn a direction
    model = ensemble_module.HistGradientBoostingClassifier(
        max_iter=30, max_depth=4, learning_rate=0.1, early_stopping=False, random_state=0
    ).fit(x, y)
    test = rng.normal(size=(200, 5))
    test[rng.random(test.shape) < 0.1] = NAN
    trees = Trees.from_json(json.loads(json.dumps(export_trees(model))))
    # Leaf values are rounded to 7 decimals in the export: 30 trees move the sum by < 3e-6.
    np.testing.assert_allclose(trees.raw(test), model.decision_function(test), atol=1e-5)


# --------------------------------------------------------------------------- logistic


def test_logistic_standardises_then_applies_the_sigmoid() -> None:
    logistic = Logistic.from_json(
        {"mean": [1.0, -2.0], "scale": [2.0, 0.5], "coef": [0.5, -1.0], "intercept": 0.1}
    )
    x = np.array([[1.0, -2.0], [3.0, -1.0], [-1.0, -3.0]])
    z = ((x - [1.0, -2.0]) / [2.0, 0.5]) @ np.array([0.5, -1.0]) + 0.1
    np.testing.assert_allclose(logistic.prob(x), 1 / (1 + np.exp(-z)))
    assert logistic.prob(x[:1])[0] == pytest.approx(1 / (1 + math.exp(-0.1)))  # at the mean: intercept only


def test_sigmoid_saturates_without_overflow() -> None:
    with np.errstate(over="raise"):
        values = sigmoid(np.array([-1e6, -40.0, 0.0, 40.0, 1e6]))
    assert values[2] == 0.5
    assert 0.0 < values[0] < 1e-17 and 1.0 - 1e-15 < values[-1] <= 1.0


# --------------------------------------------------------------------------- image inputs


def image_row(**overrides: float) -> dict[str, float]:
    row = dict.fromkeys(psoriasis_features.IMAGE_FEATURES, 0.0)
    row.update(overrides)
    return row


def inputs_by_name(vector: np.ndarray) -> dict[str, float]:
    return dict(zip(IMAGE_MODEL_INPUTS, vector.tolist(), strict=True))


def test_image_inputs_keep_the_top_scores_in_order_and_pad_with_zeros() -> None:
    assert TOP_K == 3
    many = inputs_by_name(image_model_inputs(np.array([0.2, 0.9, 0.4, 0.7]), np.full(4, 0.01), image_row()))
    assert (many["top1"], many["top2"], many["top3"]) == pytest.approx((0.9, 0.7, 0.4))
    one = inputs_by_name(image_model_inputs(np.array([0.3]), np.array([0.01]), image_row()))
    assert (one["top1"], one["top2"], one["top3"]) == (0.3, 0.0, 0.0)
    none = inputs_by_name(image_model_inputs(np.zeros(0), np.zeros(0), image_row()))
    assert (none["top1"], none["top2"], none["top3"], none["n_hot"], none["hot_share"]) == (0, 0, 0, 0, 0)


def test_hot_share_sums_the_area_of_hot_regions_only_and_is_capped() -> None:
    scores = np.array([HOT_REGION, HOT_REGION - 1e-6, 0.95, 0.1])
    area = np.array([0.05, 0.5, 0.02, 0.3])
    values = inputs_by_name(image_model_inputs(scores, area, image_row()))
    assert values["hot_share"] == pytest.approx(0.07)  # the region exactly at HOT_REGION counts
    assert values["n_hot"] == pytest.approx(math.log1p(2))
    capped = inputs_by_name(image_model_inputs(np.array([0.9, 0.8]), np.array([0.7, 0.6]), image_row()))
    assert capped["hot_share"] == 1.0


def test_image_measurements_are_copied_by_name() -> None:
    # Every input that is not derived from the region scores is an image measurement of that name.
    derived = {"top1", "top2", "top3", "n_hot", "hot_share"}
    copied = [name for name in IMAGE_MODEL_INPUTS if name not in derived]
    assert copied and set(copied) <= set(psoriasis_features.IMAGE_FEATURES)
    row = {name: 0.01 * (i + 1) for i, name in enumerate(psoriasis_features.IMAGE_FEATURES)}
    values = inputs_by_name(image_model_inputs(np.array([0.6]), np.array([0.1]), row))
    assert {name: values[name] for name in copied} == pytest.approx({name: row[name] for name in copied})


# --------------------------------------------------------------------------- parsing and loading


def tiny_spec() -> dict[str, Any]:
    n = len(IMAGE_MODEL_INPUTS)
    return {
        "version": "test",
        "region_features": ["a", "b", "c"],
        "region_model": {"baseline": BASELINE, "trees": [STUMP, DEEP]},
        "image_model": {
            "type": "logistic",
            "inputs": list(IMAGE_MODEL_INPUTS),
            "mean": [0.0] * n,
            "scale": [1.0] * n,
            "coef": [1.0] + [0.0] * (n - 1),
            "intercept": 0.0,
        },
    }


def test_parse_model_scores_regions_and_images() -> None:
    model = parse_model(tiny_spec())
    assert isinstance(model, PsoriasisModel)
    assert model.region_features == ("a", "b", "c")
    scores = model.region_scores(np.array([[0.0, 10.0, 0.0]], dtype=np.float32))
    assert scores[0] == pytest.approx(1 / (1 + math.exp(-(BASELINE - 1.0 + 0.1))))
    inputs = np.zeros(len(IMAGE_MODEL_INPUTS))
    inputs[0] = 2.0
    assert model.image_prob(inputs) == pytest.approx(1 / (1 + math.exp(-2.0)))


@pytest.mark.parametrize(
    "inputs",
    [
        list(reversed(IMAGE_MODEL_INPUTS)),  # same names, other order
        list(IMAGE_MODEL_INPUTS[:-1]),  # one missing
        [*IMAGE_MODEL_INPUTS, "extra"],  # one more
    ],
)
def test_parse_model_refuses_other_image_inputs(inputs: list[str]) -> None:
    spec = tiny_spec()
    spec["image_model"]["inputs"] = inputs
    with pytest.raises(ValueError, match="retrain"):
        parse_model(spec)


def test_committed_model_loads_and_matches_the_feature_code() -> None:
    spec = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model = load_model()
    assert model is load_model()  # read once per container
    assert model.region_features == psoriasis_features.REGION_FEATURES
    assert tuple(spec["image_model"]["inputs"]) == IMAGE_MODEL_INPUTS
    assert model.image.coef.shape == model.image.mean.shape == (len(IMAGE_MODEL_INPUTS),)
    assert np.all(model.image.scale > 0)
    # Every split names a real region feature, and every tree is within its declared depth.
    inner = model.region.feature[model.region.feature >= 0]
    assert inner.size and inner.max() < len(psoriasis_features.REGION_FEATURES)
    assert model.region.depth <= 8
    assert MODEL_PATH.stat().st_size < 2_000_000  # "small" weights, committed with the code


def test_committed_model_gives_probabilities_on_any_row() -> None:
    model = load_model()
    rng = np.random.default_rng(1)
    rows = rng.uniform(0, 1, (50, len(psoriasis_features.REGION_FEATURES))).astype(np.float32)
    scores = model.region_scores(rows)
    assert scores.shape == (50,) and np.all((scores > 0) & (scores < 1))
    area = rows[:, psoriasis_features.REGION_FEATURES.index("area_rel")]
    prob = model.image_prob(image_model_inputs(scores, area, image_row()))
    assert 0.0 < prob < 1.0
