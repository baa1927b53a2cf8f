"""Chapter 9 (capstone): the stacked trainer, the regularisation explorer, the
figures and the exercise checks.

The stacked trainer is checked against ``calclearn.training.fit`` (the
autodiff engine and ``calclearn.optim.SGD``), run by run; the exercise checks
against their reference functions and against every mistake they name.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import calclearn.exercises
from calclearn.data import two_moons
from calclearn.exercises import capstone as exercises
from calclearn.explorers.capstone import (
    _GRID_POINTS,
    OVERFIT_SPLIT,
    STRENGTH_EXPONENTS,
    WINDOW,
    GridRuns,
    RegularisationExplorer,
    _probability_colours,
    capacity_figure,
    gradient_norms_figure,
    history_figure,
    lr_range_figure,
    regularisation_runs,
    train_grid,
)
from calclearn.nn import MLP
from calclearn.optim import SGD
from calclearn.training import (
    fit,
    lr_range_test,
    stopping_epoch,
    tanh_layer_backward,
    train_validation_split,
)


@pytest.fixture(autouse=True)
def short_time_limit(monkeypatch):
    monkeypatch.setattr(calclearn.exercises, "TIME_LIMIT", 2.0)


# --------------------------------------------------------------------------
# The stacked trainer against fit (autodiff + SGD), run by run
# --------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_every_run_of_the_grid_is_fit_with_its_l2_strength(activation):
    strengths = [0.0, 1e-3, 0.1]
    grid = train_grid([2, 6, 5, 2], strengths, OVERFIT_SPLIT, epochs=15,
                      lr=0.2, momentum=0.9, activation=activation, seed=4)  # fmt: skip
    init = "he" if activation == "relu" else "xavier"
    for row, lam in enumerate(strengths):
        net = MLP([2, 6, 5, 2], activation=activation, init=init, seed=4)
        history = fit(net, SGD(net.parameters(), lr=0.2, momentum=0.9),
                      OVERFIT_SPLIT, 15, l2=lam)  # fmt: skip
        np.testing.assert_allclose(grid.train_loss[row], history.train_loss, rtol=1e-12)
        np.testing.assert_allclose(grid.val_loss[row], history.val_loss, rtol=1e-12)
        np.testing.assert_array_equal(grid.val_accuracy[row], history.val_accuracy)
        for W, layer in zip(grid.weights, net.layers, strict=True):
            np.testing.assert_allclose(W[row], layer.weight.data, rtol=0, atol=1e-12)
        scores = net(OVERFIT_SPLIT.X_val).log_softmax(axis=-1).data
        np.testing.assert_allclose(
            grid.probabilities(OVERFIT_SPLIT.X_val)[row],
            np.exp(scores[:, 1]),
            rtol=1e-11,
        )


def test_grid_weight_norms():
    grid = train_grid([2, 3, 2], [0.0, 0.5], OVERFIT_SPLIT, epochs=3)
    expected = [
        math.sqrt(sum(np.sum(W[row] ** 2) for W in grid.weights)) for row in (0, 1)
    ]
    np.testing.assert_allclose(grid.weight_norms(), expected, rtol=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"strengths": [-1.0]}, ValueError, "strengths"),
        ({"strengths": [[0.1]]}, ValueError, "strengths"),
        ({"epochs": -2}, ValueError, "epochs"),
        ({"lr": 0.0}, ValueError, "lr"),
        ({"activation": "gelu"}, ValueError, "activation"),
    ],
)
def test_train_grid_bad_input(kwargs, error, message):
    arguments = {"sizes": [2, 3, 2], "strengths": [0.0], "split": OVERFIT_SPLIT}
    with pytest.raises(error, match=f"^{message}"):
        train_grid(**{**arguments, **kwargs})


# --------------------------------------------------------------------------
# What the explorer shows
# --------------------------------------------------------------------------


def test_regularisation_runs_trace_the_u():
    runs = regularisation_runs()
    assert isinstance(runs, GridRuns)
    np.testing.assert_allclose(runs.strengths, 10.0**STRENGTH_EXPONENTS, rtol=1e-15)
    final_val = runs.val_loss[:, -1]
    best = int(np.argmin(final_val))
    # Overfitting on the left, underfitting on the right, a minimum between.
    assert 0 < best < len(final_val) - 1
    assert final_val[0] > 2.5 * final_val[best]
    assert final_val[-1] > 2.5 * final_val[best]
    # Without a penalty the training loss goes to ~0; with the largest, the
    # weights shrink and the training loss rises towards log 2.
    assert runs.train_loss[0, -1] < 0.01
    assert runs.train_loss[-1, -1] > 0.5
    assert np.all(np.diff(runs.weight_norms()) < 0), "larger λ, smaller weights"
    # Early stopping at small λ would keep a much better epoch.
    assert runs.val_loss[0].min() < 0.5 * final_val[0]


def test_explorer_draws_the_precomputed_run_of_each_strength():
    explorer = RegularisationExplorer()
    runs = regularisation_runs()
    try:
        for exponent, verdict in [(-4.0, "overfitting"), (-2.0, "a good fit"),
                                  (-0.5, "underfitting")]:  # fmt: skip
            explorer.update(strength=10.0**exponent)
            assert explorer.last_error is None
            index = round((exponent - STRENGTH_EXPONENTS[0]) / 0.25)
            assert explorer.surface.index == index
            np.testing.assert_array_equal(
                explorer.surface.grids[index],
                _probability_colours(runs.probabilities(_GRID_POINTS)[index]),
            )
            np.testing.assert_array_equal(
                explorer.val_line.get_ydata(), runs.val_loss[index]
            )
            best = int(np.argmin(runs.val_loss[index]))
            assert list(explorer.best_line.get_xdata()) == [best, best]
            text = explorer.message.value
            assert verdict in text
            assert f"{runs.val_loss[index, -1]:.2f}" in text
            assert len(explorer.image.value) < 100 * 1024
    finally:
        explorer.close()


def test_pixel_map_is_the_nearest_neighbour_image():
    """The explorer's map, drawn pixel for pixel, against imshow's."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from calclearn.explorers.capstone import _PixelMap, _probability_image

    rng = np.random.default_rng(0)
    grid = rng.integers(0, 256, size=(1, 6, 5, 3), dtype=np.uint8)
    pictures = []
    for draw in ("imshow", "pixels"):
        figure = Figure(figsize=(2.0, 2.4), dpi=100)
        FigureCanvasAgg(figure)
        ax = figure.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        if draw == "imshow":
            _probability_image(ax, grid[0])
        else:
            _PixelMap(ax, grid)
        ax.set_xlim(*WINDOW[0])
        ax.set_ylim(*WINDOW[1])
        figure.canvas.draw()
        pictures.append(np.asarray(figure.canvas.buffer_rgba())[..., :3].copy())
    # Same colours at the same places, up to a pixel at the cell borders.
    agree = np.mean(np.all(pictures[0] == pictures[1], axis=-1))
    assert agree > 0.95


def test_probability_colours_blend_the_map_over_white():
    colours = _probability_colours(np.full(3600, 0.5))
    # RdBu_r at ½ is near white; 60 % of it over white is nearly white too.
    assert colours.shape == (60, 60, 3) and colours.dtype == np.uint8
    assert colours.min() > 235


# --------------------------------------------------------------------------
# Figures: what is drawn is what was measured
# --------------------------------------------------------------------------


def _small_history():
    split = train_validation_split(*two_moons(60, seed=1), seed=0)
    net = MLP([2, 4, 2], activation="relu", init="he", seed=0)
    return fit(net, SGD(net.parameters(), lr=0.5), split, 10), net, split


def test_history_figure_draws_both_sets_of_every_run():
    history, net, split = _small_history()
    figure = history_figure({"a": history, "b": history}, net, split)
    map_ax, loss_ax, accuracy_ax = figure.axes
    lines = loss_ax.get_lines()
    np.testing.assert_array_equal(lines[0].get_ydata(), history.train_loss)
    np.testing.assert_array_equal(lines[1].get_ydata(), history.val_loss)
    np.testing.assert_array_equal(
        accuracy_ax.get_lines()[1].get_ydata(), history.val_accuracy
    )
    assert len(map_ax.images) == 1


def test_a_diverged_run_is_marked_and_labelled():
    split = train_validation_split(*two_moons(60, seed=1), seed=0)
    net = MLP([2, 4, 2], activation="relu", init="he", seed=0)
    diverged = fit(net, SGD(net.parameters(), lr=500.0), split, 10)
    assert diverged.status == "diverged"
    figure = history_figure({"too high": diverged, "other": diverged})
    labels = [t.get_text() for t in figure.axes[1].get_legend().get_texts()]
    assert "too high (diverged)" in labels
    crosses = [ln for ln in figure.axes[0].get_lines() if ln.get_marker() == "X"]
    assert len(crosses) == 2


def test_lr_range_figure_marks_or_hides_the_rule():
    split = train_validation_split(*two_moons(60, seed=1), seed=0)
    test = lr_range_test(MLP([2, 4, 2], seed=0), split, steps=30)
    marked = lr_range_figure(test).axes[0]
    bare = lr_range_figure(test, marks=False).axes[0]
    assert len(marked.get_lines()) == 3 and len(bare.get_lines()) == 1
    np.testing.assert_array_equal(bare.get_lines()[0].get_ydata(), test.losses)


def test_gradient_norms_and_capacity_figures_draw_their_data():
    history, _, _ = _small_history()
    norm_ax, loss_ax = gradient_norms_figure({"run": history}).axes
    np.testing.assert_array_equal(norm_ax.get_lines()[0].get_ydata(),
                                  history.grad_norms[0])  # fmt: skip
    runs = [train_grid([2, w, w, 2], [0.0], OVERFIT_SPLIT, epochs=5) for w in (2, 3)]
    loss_ax, _ = capacity_figure([2, 3], runs).axes
    validation = loss_ax.get_lines()[1].get_ydata()
    np.testing.assert_array_equal(validation, [r.val_loss[0, -1] for r in runs])
    with pytest.raises(ValueError, match=r"^widths"):
        capacity_figure([2], runs)
    with pytest.raises(TypeError, match=r"^histories"):
        history_figure({"run": "not a history"})


# --------------------------------------------------------------------------
# Exercise checks
# --------------------------------------------------------------------------


def _buggy_layer(rule, bias_mean=False, pass_delta=False):
    def backward(x, W, b, delta):
        h = np.tanh(x @ W + b)
        dz = rule(h, delta)
        db = dz.mean(axis=0) if bias_mean else dz.sum(axis=0)
        return x.T @ dz, db, (delta if pass_delta else dz) @ W.T

    return backward


RIGHT_TANH = lambda h, d: d * (1 - h**2)  # noqa: E731

#: Learner answers, the verdict and the words the message must contain.
ANSWERS = [
    ("l2", lambda W, lam: lam * W, True, "λW"),
    ("l2", lambda W, lam: W * lam + 0.0, True, "weight decay"),
    ("l2", lambda W, lam: 2 * lam * W, False, "without the ½"),
    ("l2", lambda W, lam: lam * np.sign(W), False, "L1"),
    ("l2", lambda W, lam: lam / 2 * W**2, False, "penalty of each entry"),
    ("l2", lambda W, lam: -lam * W, False, "sign"),
    ("l2", lambda W, lam: float(np.sum(lam * W)), False, "single number"),
    ("layer", tanh_layer_backward, True, "δ_z"),
    ("layer", _buggy_layer(RIGHT_TANH, pass_delta=True), False, "dx is still δWᵀ"),
    ("layer", _buggy_layer(lambda h, d: d * (1 - h)), False, "1 − h"),
    ("layer", _buggy_layer(lambda h, d: d * h * (1 - h)), False, "sigmoid"),
    ("layer", _buggy_layer(RIGHT_TANH, bias_mean=True), False, "sum"),
    ("layer", _buggy_layer(lambda h, d: d), False, "left out tanh′"),
    ("layer", lambda x, W, b, d: (x.T @ d, d.sum(0)), False, "three arrays"),
    ("layer", lambda x, W, b, d: (d.T @ x, d.sum(0), d @ W.T), False, "shape of W"),
    ("layer", "not a function", False, "should be a function"),
    ("stop", stopping_epoch, True, "patience"),
    ("stop", lambda v, p: int(np.argmin(v)), False, "without seeing the future"),
    ("stop", lambda v, p: None, False, "return"),
]


CHECKS = {
    "l2": exercises.check_l2_gradient,
    "layer": exercises.check_layer_backward,
    "stop": exercises.check_stopping_epoch,
}


@pytest.mark.parametrize(("check", "answer", "passed", "words"), ANSWERS)
def test_exercise_verdicts_and_hints(check, answer, passed, words):
    feedback = CHECKS[check](answer)
    assert feedback.passed is passed, feedback.message
    assert words in feedback.message, feedback.message


def test_stopping_checks_agree_with_fit_on_a_real_run():
    """The exercise's reference is the rule fit applies (independent route)."""
    split = train_validation_split(*two_moons(120, noise=0.3, seed=2), 0.5, seed=0)
    net = MLP([2, 16, 16, 2], activation="relu", init="he", seed=0)
    full = fit(net, SGD(net.parameters(), lr=1.0, momentum=0.9), split, 150)
    twin = MLP([2, 16, 16, 2], activation="relu", init="he", seed=0)
    stopped = fit(twin, SGD(twin.parameters(), lr=1.0, momentum=0.9), split, 150,
                  patience=15)  # fmt: skip
    assert stopped.epochs == stopping_epoch(full.val_loss, 15)


@pytest.mark.parametrize(
    ("factor", "passed", "words"),
    [
        (1 / 10, True, "Good"),
        (1 / 25, True, "Good"),
        (1 / 90, True, "Good"),
        (1 / 2.5, True, "Good"),
        (1 / 120, False, "slow"),
        (1.0, False, "edge"),
        (2.0, False, "blew up"),
    ],
)
def test_chosen_lr_is_judged_against_the_curve(factor, passed, words):
    test = exercises.exercise_range_test()
    feedback = exercises.check_chosen_lr(factor * test.lr_at_minimum)
    assert feedback.passed is passed, feedback.message
    assert words in feedback.message


@pytest.mark.parametrize(
    ("answer", "words"),
    [(None, "not filled in"), ("0.3", "quotes"), ([0.1, 0.2], "single number"),
     (-0.1, "positive"), (float("nan"), "positive")],
)  # fmt: skip
def test_chosen_lr_refuses_what_is_not_a_rate(answer, words):
    feedback = exercises.check_chosen_lr(answer)
    assert not feedback.passed and words in feedback.message


def test_exercise_range_test_has_a_minimum_before_blowing_up():
    test = exercises.exercise_range_test()
    assert test.diverged_at is not None
    assert test.lrs[0] < test.lr_at_minimum < test.diverged_at
