"""The trained psoriasis model: gradient-boosted trees per text region, logistic regression per image.

The weights are a small JSON file (``models/psoriasis.json``) written by
``infra/train_psoriasis.py``; this module only evaluates them with numpy, so the layer needs no
machine-learning library and the file can be read (and diffed) by people.

- The region model scores each detected text region: how likely it is an overlay rather than
  part of the product (or scene). Its trees are scikit-learn's HistGradientBoostingClassifier
  trees, exported node by node: a sample goes left when ``x <= threshold`` (or when ``x`` is
  NaN and the node says missing values go left), leaf values already include the learning rate,
  and the raw score is the baseline plus the sum of the leaves reached.
- The image model turns the region scores plus image measurements into ``prob``: a logistic
  regression on standardised inputs, fitted on out-of-fold region scores so that it learns how
  much to trust them. Logistic regression is calibrated by construction; the training script
  checks the calibration error on held-out data and reports it.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MODEL_PATH = Path(__file__).parent / "models" / "psoriasis.json"
TOP_K = 3  # the image model sees the three highest region scores
HOT_REGION = 0.5  # a region scoring at least this counts as an overlay in the aggregates

IMAGE_MODEL_INPUTS = (
    "top1",
    "top2",
    "top3",
    "n_hot",
    "hot_share",
    "bg_flat",
    "n_boxes",
    "text_share",
    "periodicity_text",
    "periodicity_image",
    "weak_text_mass",
)


@dataclass(frozen=True)
class Trees:
    """One boosted ensemble as flat arrays: node i of tree t is row offsets[t] + i."""

    baseline: float
    feature: np.ndarray  # int32, -1 at leaves
    threshold: np.ndarray  # float64
    missing_left: np.ndarray  # bool
    left: np.ndarray  # int32, absolute row
    right: np.ndarray  # int32, absolute row
    value: np.ndarray  # float64, leaf values
    roots: np.ndarray  # int32, absolute row of each tree's root
    depth: int

    @classmethod
    def from_json(cls, spec: dict[str, Any]) -> Trees:
        features: list[int] = []
        thresholds: list[float] = []
        missing: list[bool] = []
        lefts: list[int] = []
        rights: list[int] = []
        values: list[float] = []
        roots: list[int] = []
        depth = 0
        for tree in spec["trees"]:
            offset = len(features)
            roots.append(offset)
            for node in tree:
                leaf = bool(node["leaf"])
                features.append(-1 if leaf else int(node["feature"]))
                thresholds.append(0.0 if leaf else float(node["threshold"]))
                missing.append(bool(node.get("missing_left", False)))
                lefts.append(offset + int(node["left"]) if not leaf else -1)
                rights.append(offset + int(node["right"]) if not leaf else -1)
                values.append(float(node["value"]) if leaf else 0.0)
                depth = max(depth, int(node["depth"]))
        return cls(
            baseline=float(spec["baseline"]),
            feature=np.array(features, dtype=np.int32),
            threshold=np.array(thresholds, dtype=np.float64),
            missing_left=np.array(missing, dtype=bool),
            left=np.array(lefts, dtype=np.int32),
            right=np.array(rights, dtype=np.int32),
            value=np.array(values, dtype=np.float64),
            roots=np.array(roots, dtype=np.int32),
            depth=depth,
        )

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Raw (logit) scores of the rows of x, all trees walked together, one level per step."""
        n = x.shape[0]
        if n == 0:
            return np.zeros(0)
        node = np.broadcast_to(self.roots, (n, self.roots.size)).copy()
        rows = np.arange(n)[:, None]
        for _ in range(self.depth):
            feature = self.feature[node]
            inner = feature >= 0
            if not inner.any():
                break
            values = x[rows, np.maximum(feature, 0)]
            go_left = np.where(np.isnan(values), self.missing_left[node], values <= self.threshold[node])
            step = np.where(go_left, self.left[node], self.right[node])
            node = np.where(inner, step, node)
        return self.baseline + self.value[node].sum(axis=1)


@dataclass(frozen=True)
class Logistic:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    @classmethod
    def from_json(cls, spec: dict[str, Any]) -> Logistic:
        return cls(
            mean=np.array(spec["mean"], dtype=np.float64),
            scale=np.array(spec["scale"], dtype=np.float64),
            coef=np.array(spec["coef"], dtype=np.float64),
            intercept=float(spec["intercept"]),
        )

    def prob(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return sigmoid(z)


@dataclass(frozen=True)
class PsoriasisModel:
    version: str
    region_features: tuple[str, ...]
    region: Trees
    image: Logistic

    def region_scores(self, rows: np.ndarray) -> np.ndarray:
        return sigmoid(self.region.raw(rows.astype(np.float64)))

    def image_prob(self, inputs: np.ndarray) -> float:
        return float(self.image.prob(inputs[None, :].astype(np.float64))[0])


def image_model_inputs(
    region_scores: np.ndarray, region_area: np.ndarray, image_row: dict[str, float]
) -> np.ndarray:
    """The image model's input vector (order: IMAGE_MODEL_INPUTS)."""
    top = np.sort(region_scores)[::-1][:TOP_K]
    top = np.concatenate([top, np.zeros(TOP_K - top.size)])
    hot = region_scores >= HOT_REGION
    values = {
        "top1": float(top[0]),
        "top2": float(top[1]),
        "top3": float(top[2]),
        "n_hot": math.log1p(int(hot.sum())),
        "hot_share": float(min(1.0, region_area[hot].sum())),
        **{name: float(image_row[name]) for name in IMAGE_MODEL_INPUTS if name in image_row},
    }
    return np.array([values[name] for name in IMAGE_MODEL_INPUTS], dtype=np.float64)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))


def parse_model(spec: dict[str, Any]) -> PsoriasisModel:
    if tuple(spec["image_model"]["inputs"]) != IMAGE_MODEL_INPUTS:
        raise ValueError("psoriasis model: image model inputs differ from this code's; retrain")
    return PsoriasisModel(
        version=str(spec["version"]),
        region_features=tuple(spec["region_features"]),
        region=Trees.from_json(spec["region_model"]),
        image=Logistic.from_json(spec["image_model"]),
    )


@functools.cache
def load_model(path: Path = MODEL_PATH) -> PsoriasisModel:
    """Read once per container (the file is a few hundred KB of JSON)."""
    return parse_model(json.loads(path.read_text(encoding="utf-8")))
