"""Tests of calclearn.data: shapes, dtypes and labels as documented, the
geometry of each set checked with the noise switched off, and seeding."""

from __future__ import annotations

import numpy as np
import pytest

from calclearn.data import blobs, noisy_linear, noisy_polynomial, spirals, two_moons

CLASSIFICATION = [
    ("two_moons", lambda seed: two_moons(101, seed=seed), 2),
    ("spirals", lambda seed: spirals(100, arms=3, seed=seed), 3),
    ("blobs", lambda seed: blobs(50, centers=4, seed=seed), 4),
]


@pytest.mark.parametrize(
    "name, make, classes", CLASSIFICATION, ids=[c[0] for c in CLASSIFICATION]
)
def test_classification_sets_have_the_documented_form(name, make, classes):
    X, y = make(0)
    n = len(y)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=classes)
    assert len(counts) == classes
    assert counts.max() - counts.min() <= 1  # balanced classes
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize(
    "name, make, classes", CLASSIFICATION, ids=[c[0] for c in CLASSIFICATION]
)
def test_same_seed_same_data_other_seed_other_data(name, make, classes):
    first, again, other = make(3), make(3), make(4)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.allclose(first[0], other[0])


def test_two_moons_without_noise_lie_on_their_half_circles():
    X, y = two_moons(200, noise=0.0, seed=1)
    upper, lower = X[y == 0], X[y == 1]
    # class 0 on the unit upper half circle, class 1 on the lower one about (1, 1/2)
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, rtol=1e-15)
    assert np.all(upper[:, 1] >= 0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert np.all(lower[:, 1] <= 0.5)


def test_spiral_arms_follow_their_angle_law():
    arms = 3
    X, y = spirals(300, arms=arms, noise=0.0, seed=2)
    radius = np.hypot(*X.T)
    assert np.all((radius >= 0.1) & (radius <= 1.0))
    angle = np.arctan2(X[:, 1], X[:, 0])
    expected = 4.0 * radius + 2.0 * np.pi * y / arms
    # equal up to whole turns
    turns = (angle - expected) / (2 * np.pi)
    np.testing.assert_allclose(turns, np.round(turns), atol=1e-12)


def test_blobs_gather_around_their_centres():
    centres = [(0.0, 0.0), (5.0, 5.0)]
    X, y = blobs(4000, centers=centres, spread=0.5, seed=3)
    for label, centre in enumerate(centres):
        cluster = X[y == label]
        # 2000 points of s.d. 0.5: the mean is within 5 · 0.5/√2000 ≈ 0.056
        np.testing.assert_allclose(cluster.mean(axis=0), centre, atol=0.06)
        assert cluster.std(axis=0) == pytest.approx([0.5, 0.5], rel=0.05)
    X, y = blobs(6, centers=3, spread=1e-9, seed=0)
    np.testing.assert_allclose(np.hypot(*X.T), 2.0, rtol=1e-8)  # circle of radius 2


def test_regression_sets():
    x, y = noisy_linear(40, slope=2.0, intercept=-1.0, noise=0.0, seed=0)
    assert x.shape == y.shape == (40,) and x.dtype == y.dtype == np.float64
    assert np.all(np.diff(x) >= 0) and np.all(np.abs(x) <= 1)
    np.testing.assert_allclose(y, 2.0 * x - 1.0, rtol=1e-15, atol=1e-15)
    x, y = noisy_polynomial(30, (0.5, -1.0, 0.0, 1.5), noise=0.0, seed=0)
    np.testing.assert_allclose(y, 0.5 - x + 1.5 * x**3, rtol=1e-14, atol=1e-15)
    # with noise, the residuals have the requested standard deviation
    x, y = noisy_linear(20_000, noise=0.3, seed=1)
    assert np.std(y - (2.0 * x - 1.0)) == pytest.approx(0.3, rel=0.02)


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: two_moons(1), ValueError, "n must be at least 2"),
        (lambda: two_moons(10.5), TypeError, "n must be an integer"),
        (lambda: two_moons(10, noise=-0.1), ValueError, "noise must be non-negative"),
        (lambda: two_moons(10, seed="a"), TypeError, "seed must be an integer"),
        (lambda: spirals(10, arms=1), ValueError, "arms must be at least 2"),
        (lambda: spirals(2, arms=3), ValueError, "n must be at least 3"),
        (lambda: blobs(10, centers=0), ValueError, "centers must be at least 1"),
        (lambda: blobs(10, centers=[1.0, 2.0]), ValueError, r"\(x, y\) pairs"),
        (lambda: blobs(10, centers=[("a", "b")]), TypeError, "centers must be"),
        (lambda: blobs(10, spread=0.0), ValueError, "spread must be positive"),
        (lambda: noisy_polynomial(10, []), ValueError, "coefficients must be"),
        (lambda: noisy_polynomial(10, "12"), TypeError, "coefficients must be"),
        (
            lambda: noisy_linear(10, slope=float("nan")),
            ValueError,
            "slope must be finite",
        ),
    ],
)
def test_bad_input_raises_a_clear_error(make, error, message):
    with pytest.raises(error, match=message):
        make()
