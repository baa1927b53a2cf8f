"""Chapter 8 (integration for machine learning): every formula the notebook
states, against an independent route, and its explorers, figures and exercises.

Exact values come from sympy (integrals, sums, the Gamma and Beta functions);
numerical claims of the notebook (digits, error predictions, who wins) are
recomputed here. Tolerances are stated where they are used.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import sympy

import calclearn as cl
from calclearn.exercises import integration as exercises
from calclearn.explorers.integration import pieces_outline, rule_pieces

X = sympy.Symbol("x", real=True)
NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "08_integration.ipynb"


def shoelace(vertices: np.ndarray) -> float:
    """The signed area of a polygon (counter-clockwise positive)."""
    x, y = vertices[:, 0], vertices[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


# --------------------------------------------------------------------------
# The notebook's formulas
# --------------------------------------------------------------------------


def test_riemann_table_of_section_1():
    # e^x on [0, 2] with 8 pieces: each rule against its sum written out.
    h, nodes = 0.25, np.linspace(0.0, 2.0, 9)
    by_hand = {
        "left": h * np.exp(nodes[:-1]).sum(),
        "right": h * np.exp(nodes[1:]).sum(),
        "midpoint": h * np.exp(nodes[:-1] + h / 2).sum(),
        "trapezoid": h * (np.exp(nodes).sum() - (1 + math.e**2) / 2),
        "simpson": h / 3 * (np.exp(nodes) * [1, 4, 2, 4, 2, 4, 2, 4, 1]).sum(),
    }
    for rule, value in by_hand.items():
        assert cl.quadrature(np.exp, 0.0, 2.0, 8, rule) == pytest.approx(
            value, rel=1e-14
        )


def test_midpoint_error_is_about_half_the_trapezoid_error_with_opposite_sign():
    exact = float(sympy.integrate(sympy.exp(X), (X, 0, 2)))
    mid = exact - cl.riemann(np.exp, 0.0, 2.0, 64)
    trap = exact - cl.trapezoid(np.exp, 0.0, 2.0, 64)
    assert mid / trap == pytest.approx(-0.5, abs=1e-3)  # O(h^2) corrections


def test_simpson_is_richardson_extrapolation_of_the_trapezoid_rule():
    for n in (2, 8, 24):
        combined = (
            4 * cl.trapezoid(np.sin, 0.0, 3.0, n)
            - cl.trapezoid(np.sin, 0.0, 3.0, n // 2)
        ) / 3
        assert cl.simpson(np.sin, 0.0, 3.0, n) == pytest.approx(combined, rel=1e-14)


def test_euler_maclaurin_leading_term_explains_the_trapezoid_error():
    # e^(-x^2/2) on [-6, 6]: I - T_n = -h^2/12 (f'(b) - f'(a)) + O(h^4).
    # f'(x) = -x e^(-x^2/2), from sympy; exact I = sqrt(2 pi) erf(6/sqrt 2).
    expr = sympy.exp(-(X**2) / 2)
    derivative = sympy.lambdify(X, sympy.diff(expr, X))
    exact = float(sympy.integrate(expr, (X, -6, 6)))
    n = 64
    h = 12 / n
    error = exact - cl.trapezoid(lambda x: np.exp(-(x**2) / 2), -6.0, 6.0, n)
    predicted = -(h**2) / 12 * (derivative(6.0) - derivative(-6.0))
    assert error == pytest.approx(predicted, rel=0.02)


def test_section_3_numbers_trapezoid_beats_simpson_on_the_bump():
    bump = cl.INTEGRANDS["bump e^(−x²/2) on [−10, 10]"]
    assert bump.exact == pytest.approx(math.sqrt(2 * math.pi), rel=1e-16)
    trap = cl.quadrature_errors(
        bump.f, bump.a, bump.b, bump.exact, [24, 28, 32], "trapezoid"
    )
    simp = cl.quadrature_errors(
        bump.f, bump.a, bump.b, bump.exact, [24, 32, 56], "simpson"
    )
    assert trap[0] < 1e-11 and max(trap[1:]) <= 1e-15  # round-off from n = 28
    assert 1e-6 < simp[1] < 1e-5  # wrong in the sixth digit at n = 32
    assert simp[2] <= 1e-15
    assert np.all(trap[:2] < simp[:2] * 1e-6)


def test_normalising_constant_of_the_quartic_density():
    # Z = integral of e^(-x^4/4) over R = Gamma(1/4)/sqrt 2 (sympy), and
    # E[X^2] = 2 Gamma(3/4)/Gamma(1/4); the trapezoid rule on [-8, 8] with
    # 200 pieces gets both to 1e-14.
    density = sympy.exp(-(X**4) / 4)
    Z = sympy.integrate(density, (X, -sympy.oo, sympy.oo))
    assert float(Z) == pytest.approx(math.gamma(0.25) / math.sqrt(2), rel=1e-15)
    second = sympy.integrate(X**2 * density, (X, -sympy.oo, sympy.oo)) / Z
    assert float(second) == pytest.approx(
        2 * math.gamma(0.75) / math.gamma(0.25), rel=1e-15
    )

    def p_tilde(x):
        return np.exp(-(x**4) / 4)

    Z_trap = cl.trapezoid(p_tilde, -8.0, 8.0, 200)
    assert Z_trap == pytest.approx(float(Z), rel=1e-14)
    variance = cl.trapezoid(lambda x: x**2 * p_tilde(x), -8.0, 8.0, 200) / Z_trap
    assert variance == pytest.approx(float(second), rel=1e-13)


def test_relu_expectation_quadrature_error_is_the_euler_maclaurin_term():
    # E[max(X, 0)] = 1/sqrt(2 pi) (sympy). The kink at 0: slope jumps from 0
    # to phi(0), so the trapezoid error is h^2 phi(0)/12 to leading order.
    phi = sympy.exp(-(X**2) / 2) / sympy.sqrt(2 * sympy.pi)
    exact = sympy.integrate(X * phi, (X, 0, sympy.oo))
    assert float(exact) == pytest.approx(1 / math.sqrt(2 * math.pi), rel=1e-15)
    h = 20 / 400

    def integrand(x):
        return np.maximum(x, 0.0) * np.exp(-(x**2) / 2) / math.sqrt(2 * math.pi)

    error = float(exact) - cl.trapezoid(integrand, -10.0, 10.0, 400)
    assert error == pytest.approx(h**2 / (12 * math.sqrt(2 * math.pi)), rel=1e-3)
    by_sampling = cl.monte_carlo(
        lambda x: np.maximum(x, 0.0), lambda rng, n: rng.normal(size=n), 10_000, seed=0
    )
    # "a factor of about 70": Monte Carlo's standard error over this error
    assert by_sampling.stderr / error == pytest.approx(70, rel=0.05)


def test_gaussian_integral():
    exact = sympy.integrate(sympy.exp(-(X**2) / 2), (X, -sympy.oo, sympy.oo))
    assert sympy.simplify(exact - sympy.sqrt(2 * sympy.pi)) == 0
    # the polar-coordinates step: integral of r e^(-r^2/2) over [0, oo) is 1
    r = sympy.Symbol("r", positive=True)
    assert sympy.integrate(r * sympy.exp(-(r**2) / 2), (r, 0, sympy.oo)) == 1
    value = cl.trapezoid(lambda x: np.exp(-(x**2) / 2), -10.0, 10.0, 40)
    assert value == pytest.approx(math.sqrt(2 * math.pi), rel=4e-16)


@pytest.mark.parametrize(("heads", "flips"), [(7, 10), (0, 5), (12, 20)])
def test_coin_posterior_constant_and_mean(heads, flips):
    theta = sympy.Symbol("theta", positive=True)
    unnormalised = theta**heads * (1 - theta) ** (flips - heads)
    Z = sympy.integrate(unnormalised, (theta, 0, 1))
    assert Z == sympy.beta(heads + 1, flips - heads + 1).rewrite(sympy.gamma)
    assert Z == sympy.Rational(
        math.factorial(heads) * math.factorial(flips - heads), math.factorial(flips + 1)
    )
    mean = sympy.integrate(theta * unnormalised, (theta, 0, 1)) / Z
    assert mean == sympy.Rational(heads + 1, flips + 2)

    def f(t):
        return t**heads * (1 - t) ** (flips - heads)

    Z_simpson = cl.simpson(f, 0.0, 1.0, 200)
    assert Z_simpson == pytest.approx(float(Z), rel=1e-7)
    mean_simpson = cl.simpson(lambda t: t * f(t), 0.0, 1.0, 200) / Z_simpson
    assert mean_simpson == pytest.approx(float(mean), rel=1e-7)


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------


def test_convergence_figure_measures_the_documented_slopes():
    figure, slopes = cl.convergence_figure()
    for rule in ("left", "midpoint", "trapezoid", "simpson"):
        assert slopes[rule] == pytest.approx(cl.RULE_ORDERS[rule], abs=0.05)
    assert slopes["monte carlo"] == pytest.approx(-0.5, abs=0.1)
    assert len(figure.axes) == 2


def test_static_figures_draw_finite_data():
    from calclearn.plots import plotted_arrays

    figures = [
        cl.trapezoid_versus_simpson_figure(),
        cl.dimension_figure(cl.dimension_study([1, 2, 3], budget=64, repetitions=3)),
        cl.coin_posterior_figure(7, 10),
    ]
    for figure in figures:
        arrays = [data for _, data in plotted_arrays(figure)]
        assert arrays and all(np.all(np.isfinite(a)) for a in arrays)


def test_coin_figure_quadrature_curve_lies_on_the_beta_density():
    figure = cl.coin_posterior_figure(7, 10)
    quadrature_line, beta_line = figure.axes[1].get_lines()[:2]
    np.testing.assert_allclose(
        quadrature_line.get_ydata(), beta_line.get_ydata(), rtol=1e-7, atol=1e-12
    )


def test_figure_arguments_are_checked():
    with pytest.raises(ValueError, match=r"^heads"):
        cl.coin_posterior_figure(11, 10)
    with pytest.raises(TypeError, match=r"^study"):
        cl.dimension_figure("study")
    with pytest.raises(ValueError, match=r"^integrand"):
        cl.convergence_figure("tan x")


# --------------------------------------------------------------------------
# Explorers
# --------------------------------------------------------------------------


@pytest.mark.parametrize("rule", ["left", "right", "midpoint", "trapezoid"])
@pytest.mark.parametrize("name", list(cl.INTEGRANDS))
def test_pieces_areas_add_up_to_the_rule(rule, name):
    item = cl.INTEGRANDS[name]
    pieces = rule_pieces(item.f, item.a, item.b, 7, rule)
    total = -sum(shoelace(p) for p in pieces)  # drawn clockwise: base, up, over
    assert total == pytest.approx(
        cl.quadrature(item.f, item.a, item.b, 7, rule), rel=1e-13
    )
    outline, _ = pieces_outline(pieces)
    assert -shoelace(outline) == pytest.approx(total, rel=1e-13)


def test_simpson_pieces_run_along_the_parabolas_through_the_nodes():
    item = cl.INTEGRANDS["eˣ on [0, 2]"]
    pieces = rule_pieces(item.f, 0.0, 2.0, 6, "simpson")
    nodes = np.linspace(0.0, 2.0, 7)
    for i, piece in enumerate(pieces):
        top = piece[1:-1]
        parabola = np.polyfit(
            nodes[2 * i : 2 * i + 3], np.exp(nodes[2 * i : 2 * i + 3]), 2
        )
        np.testing.assert_allclose(
            top[:, 1], np.polyval(parabola, top[:, 0]), rtol=1e-12
        )
        assert top[0, 0] == pytest.approx(nodes[2 * i]) and top[-1, 0] == pytest.approx(
            nodes[2 * i + 2]
        )


def test_area_explorer_reports_the_rule_and_the_error():
    explorer = cl.AreaExplorer()
    explorer.update(integrand="√x on [0, 1]", rule="trapezoid", n=10)
    message = " ".join(explorer.live.messages())
    estimate = cl.trapezoid(np.sqrt, 0.0, 1.0, 10)
    assert f"Qₙ = {estimate:.10f}" in message
    assert f"error {abs(2 / 3 - estimate):.1e}" in message
    explorer.update(rule="simpson", n=5)
    assert "n = 5 is odd, drawn with 6" in " ".join(explorer.live.messages())
    assert explorer.last_error is None
    explorer.close()


@pytest.mark.parametrize("rule", cl.QUADRATURE_RULES)
def test_area_explorer_error_curves_are_the_rules_errors(rule):
    # The explorer evaluates all n at once; quadrature_errors one n at a time.
    explorer = cl.AreaExplorer()
    for name, item in cl.INTEGRANDS.items():
        explorer.update(integrand=name, rule=rule, n=3)
        ns, errors = explorer.chosen.get_data()
        assert list(ns) == list(
            range(2 if rule == "simpson" else 1, 65, 1 + (rule == "simpson"))
        )
        expected = cl.quadrature_errors(item.f, item.a, item.b, item.exact, ns, rule)
        # Sums in another order: equal to round-off of the integral's size.
        np.testing.assert_allclose(
            errors, np.maximum(expected, 1e-16), rtol=1e-9, atol=1e-14 * abs(item.exact)
        )
    explorer.close()


def test_monte_carlo_explorer_band_is_monte_carlos_interval():
    explorer = cl.MonteCarloExplorer()
    explorer.update(f="ReLU max(X, 0)", N=1000, run=4)
    draws = explorer.draws[3, :1000]  # run 4's first 1000 draws
    result = cl.monte_carlo(lambda x: np.maximum(x, 0), lambda rng, n: draws, 1000)
    low, high = (
        result.estimate - 1.96 * result.stderr,
        result.estimate + 1.96 * result.stderr,
    )
    message = " ".join(explorer.live.messages())
    assert f"{result.estimate:.4f} ± {1.96 * result.stderr:.4f}" in message
    band = explorer.band.get_xy()
    at_n = band[np.isclose(band[:, 0], 1000)][:, 1]
    assert sorted(at_n) == pytest.approx([low, high], rel=1e-10)
    explorer.close()


def test_monte_carlo_explorer_counts_the_runs_whose_band_holds_the_truth():
    explorer = cl.MonteCarloExplorer()
    explorer.update(f="X²", N=10_000)
    f, exact = cl.GAUSSIAN_EXPECTATIONS["X²"]
    held = 0
    for row in explorer.draws:
        result = cl.monte_carlo(f, lambda rng, n, row=row: row, len(row))
        low, high = result.confidence_interval()
        held += low <= exact <= high
    message = " ".join(explorer.live.messages())
    assert re.search(rf"band holds it in {held} of 20 runs", message)
    assert held >= 16  # 95 % coverage: 16 or fewer of 20 has probability 1.6 %
    explorer.close()


# --------------------------------------------------------------------------
# Exercises: the right answers in other forms, every listed mistake
# --------------------------------------------------------------------------


def _trapezoid_loop(f, a, b, n):
    h = (b - a) / n
    total = 0.0
    for i in range(n):
        left, right = f(np.array([a + i * h, a + (i + 1) * h]))
        total += (left + right) / 2 * h
    return total


def _nodes(f, a, b, n):
    return f(np.linspace(a, b, n + 1))


def _trapezoid_numpy(f, a, b, n):
    return np.trapezoid(_nodes(f, a, b, n), dx=(b - a) / n)


def _no_halves(f, a, b, n):
    return (b - a) / n * _nodes(f, a, b, n).sum()


def _h_over_n_plus_1(f, a, b, n):
    y = _nodes(f, a, b, n)
    return (b - a) / (n + 1) * (y.sum() - (y[0] + y[-1]) / 2)


TRAPEZOID_ROWS = [
    ("numpy", _trapezoid_numpy, "✅", "Correct"),
    ("loop over pieces", _trapezoid_loop, "✅", "Correct"),
    ("calclearn", cl.trapezoid, "✅", "Correct"),
    ("no halves", _no_halves, "❌", "end values"),
    ("left sum", lambda f, a, b, n: cl.riemann(f, a, b, n, "left"), "❌",
     "left Riemann"),
    ("h over n+1", _h_over_n_plus_1, "❌", "(b − a)/n"),
    ("forgot h", lambda f, a, b, n: cl.trapezoid(f, a, b, n) * n / (b - a), "❌",
     "width h"),
    ("n nodes", lambda f, a, b, n: cl.trapezoid(f, a, b, n - 1), "❌", "n + 1 nodes"),
    ("None", lambda f, a, b, n: None, "❌", "return"),
]  # fmt: skip


def _rows(table):
    return {
        "argvalues": [row[1:] for row in table],
        "ids": [row[0] for row in table],
    }


@pytest.mark.parametrize(("answer", "verdict", "words"), **_rows(TRAPEZOID_ROWS))
def test_trapezoid_exercise(answer, verdict, words):
    feedback = exercises.check_trapezoid(answer)
    assert repr(feedback).startswith(verdict), repr(feedback)
    assert words in feedback.message


def _normalise_numpy(p, a, b, n):
    values = _nodes(p, a, b, n)
    return values / np.trapezoid(values, np.linspace(a, b, n + 1))


def _by_sum(p, a, b, n):
    return _nodes(p, a, b, n) / _nodes(p, a, b, n).sum()


def _by_max(p, a, b, n):
    return _nodes(p, a, b, n) / _nodes(p, a, b, n).max()


def _times_z(p, a, b, n):
    return _nodes(p, a, b, n) * cl.trapezoid(p, a, b, n)


def _z_without_halves(p, a, b, n):
    return _nodes(p, a, b, n) / _no_halves(p, a, b, n)


NORMALISE_ROWS = [
    ("calclearn", lambda p, a, b, n: _nodes(p, a, b, n) / cl.trapezoid(p, a, b, n),
     "✅", "Correct"),
    ("numpy", _normalise_numpy, "✅", "Correct"),
    ("by the sum", _by_sum, "❌", "sum to 1"),
    ("by the max", _by_max, "❌", "largest value"),
    ("times Z", _times_z, "❌", "divide"),
    ("Z without halves", _z_without_halves, "❌", "weight ½"),
    ("Z alone", lambda p, a, b, n: cl.trapezoid(p, a, b, n), "❌", "n + 1 nodes"),
]  # fmt: skip


@pytest.mark.parametrize(("answer", "verdict", "words"), **_rows(NORMALISE_ROWS))
def test_normalise_exercise(answer, verdict, words):
    feedback = exercises.check_normalise(answer)
    assert repr(feedback).startswith(verdict), repr(feedback)
    assert words in feedback.message


def _estimate_by_hand(v):
    mean = sum(v) / len(v)
    return [mean, math.sqrt(sum((v - mean) ** 2) / (len(v) - 1) / len(v))]


ESTIMATE_ROWS = [
    ("tuple", lambda v: (v.mean(), v.std(ddof=1) / np.sqrt(len(v))), "✅", "Correct"),
    ("by hand", _estimate_by_hand, "✅", "Correct"),
    ("ddof 0", lambda v: (v.mean(), v.std() / np.sqrt(len(v))), "❌", "ddof=1"),
    ("no root n", lambda v: (v.mean(), v.std(ddof=1)), "❌", "√n"),
    ("over n", lambda v: (v.mean(), v.std(ddof=1) / len(v)), "❌", "not n"),
    ("variance", lambda v: (v.mean(), v.var(ddof=1) / len(v) ** 0.5), "❌", "variance"),
    ("mean only", lambda v: v.mean(), "❌", "two numbers"),
]  # fmt: skip


@pytest.mark.parametrize(("answer", "verdict", "words"), **_rows(ESTIMATE_ROWS))
def test_monte_carlo_estimate_exercise(answer, verdict, words):
    feedback = exercises.check_monte_carlo_estimate(answer)
    assert repr(feedback).startswith(verdict), repr(feedback)
    assert words in feedback.message


POSTERIOR_ROWS = [
    ("formula", (7 + 1) / (10 + 2), "✅", "Beta(8, 4)"),
    ("fraction", 2 / 3, "✅", "Beta(8, 4)"),
    ("MLE", 0.7, "❌", "maximum-likelihood"),
    ("k over N+2", 7 / 12, "❌", "Add one to the heads"),
    ("k+1 over N+1", 8 / 11, "❌", "N + 2"),
    ("rounded", 0.667, "❌", "rounded"),
    ("None", None, "❌", "not filled in"),
]  # fmt: skip


@pytest.mark.parametrize(("answer", "verdict", "words"), **_rows(POSTERIOR_ROWS))
def test_posterior_mean_exercise(answer, verdict, words):
    feedback = exercises.check_posterior_mean(answer)
    assert repr(feedback).startswith(verdict), repr(feedback)
    assert words in feedback.message


# --------------------------------------------------------------------------
# The notebook
# --------------------------------------------------------------------------


def test_notebook_uses_both_explorers():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "cl.AreaExplorer()" in code and "cl.MonteCarloExplorer()" in code
