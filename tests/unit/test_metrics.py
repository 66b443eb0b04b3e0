"""The scoring metrics of infra/metrics.py, on hand-made labels and scores."""

from __future__ import annotations

import math

import numpy as np
from metrics import bootstrap_intervals, expected_calibration_error, roc_auc


def test_roc_auc_counts_ordered_pairs_and_ties_as_half() -> None:
    labels = np.array([0, 0, 1, 1])
    assert roc_auc(labels, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert roc_auc(labels, np.array([0.9, 0.8, 0.2, 0.1])) == 0.0
    assert roc_auc(labels, np.array([0.5, 0.5, 0.5, 0.5])) == 0.5
    assert math.isnan(roc_auc(np.array([1, 1]), np.array([0.2, 0.3])))


def test_calibration_error_is_zero_when_each_bucket_matches_its_rate() -> None:
    labels = np.array([0, 0, 0, 1] * 5 + [1, 1, 1, 0] * 5)
    probs = np.array([0.25] * 20 + [0.75] * 20)
    assert expected_calibration_error(labels, probs) == 0.0
    assert expected_calibration_error(labels, 1.0 - probs) == 0.5


def accuracy_of(correct: np.ndarray):  # type: ignore[no-untyped-def]
    return lambda rows: {"accuracy": float(correct[rows].mean())}


def test_bootstrap_interval_brackets_the_figure_and_narrows_with_more_images() -> None:
    small = np.array([1] * 53 + [0] * 13, dtype=float)  # 80 % of 66 images
    large = np.array([1] * 530 + [0] * 130, dtype=float)  # 80 % of 660
    low, high = bootstrap_intervals(accuracy_of(small), len(small))["accuracy"]
    big_low, big_high = bootstrap_intervals(accuracy_of(large), len(large))["accuracy"]
    assert low < 0.80 < high
    assert big_low < 0.80 < big_high
    # The binomial standard error at 66 images is about 5 points: a 95 % interval spans ~20.
    assert 0.12 < high - low < 0.28
    assert (big_high - big_low) < (high - low) / 2.5


def test_bootstrap_is_reproducible_and_skips_undefined_resamples() -> None:
    correct = np.array([1, 0, 1, 1, 0, 1, 1, 1], dtype=float)
    assert bootstrap_intervals(accuracy_of(correct), 8) == bootstrap_intervals(accuracy_of(correct), 8)
    labels = np.array([1, 0, 0, 0, 0, 0, 0, 0])
    scores = np.linspace(1.0, 0.0, 8)
    # Resamples without the single positive have no AUC; the others all have AUC 1.
    interval = bootstrap_intervals(lambda rows: {"auc": roc_auc(labels[rows], scores[rows])}, 8)
    assert interval["auc"] == (1.0, 1.0)
