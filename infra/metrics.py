"""Scoring metrics shared by the evaluation and training scripts (numpy only, no scikit-learn)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    positives = labels == 1
    n_pos, n_neg = int(positives.sum()), int((~positives).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def expected_calibration_error(labels: np.ndarray, probs: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(probs, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        members = which == b
        if members.any():
            error += members.mean() * abs(probs[members].mean() - labels[members].mean())
    return float(error)


def bootstrap_intervals(
    figures: Callable[[np.ndarray], dict[str, float]],
    n_items: int,
    rounds: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap: ``figures(indices)`` on ``rounds`` resamples (with replacement) of
    the items, and the central ``level`` interval of each figure.

    On a few dozen images a figure moves a lot when one image flips: the interval says how much
    the figure itself can be trusted. Resamples where a figure is undefined (NaN, e.g. AUC with
    one class) are left out of that figure's interval.
    """
    rng = np.random.default_rng(seed)
    samples: dict[str, list[float]] = {}
    for _ in range(rounds):
        for key, value in figures(rng.integers(0, n_items, n_items)).items():
            samples.setdefault(key, []).append(value)
    tail = (1.0 - level) / 2 * 100
    intervals = {}
    for key, values in samples.items():
        finite = np.array([v for v in values if np.isfinite(v)])
        if finite.size:
            intervals[key] = (float(np.percentile(finite, tail)), float(np.percentile(finite, 100 - tail)))
    return intervals
