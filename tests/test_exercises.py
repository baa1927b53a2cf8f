"""Tests of the instant-feedback exercise checks.

Right answers are derived here independently (sympy differentiates the
exercise's function); the known mistakes are read from the checks themselves by
spying on the machinery they call, so every listed mistake is exercised.
"""

from __future__ import annotations

import inspect
import re
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import calclearn.exercises.derivatives as chapter
from calclearn.exercises import (
    Feedback,
    Mistake,
    check_function,
    check_value,
    gradients,
    partials,
)

x, y, lr = sympy.symbols("x y lr")

#: Every chapter's checks, by module name: a check is named "module.check_...".
CHAPTERS = {"derivatives": chapter, "partials": partials, "gradients": gradients}


def _module(key: str):
    return CHAPTERS[key.split(".")[0]]


def _check(key: str):
    return getattr(_module(key), key.split(".")[1])


def _gradient_of(formula: str):
    gradient = [sympy.diff(sympy.sympify(formula), v) for v in (x, y)]
    compiled = sympy.lambdify((x, y), gradient, "numpy")
    return lambda a, b: np.array(compiled(a, b), dtype=float)


_BOWL = sympy.Matrix([[5, 3], [3, 5]])  # chapter 3's exercise matrix
_BOWL_EIGENVALUES = sorted(float(v) for v in _BOWL.eigenvals())


def _hessian_of(formula: str):
    hessian = sympy.hessian(sympy.sympify(formula), (x, y))
    compiled = sympy.lambdify((x, y), hessian.tolist(), "numpy")
    return lambda a, b: np.array(compiled(a, b), dtype=float)


def _derivative_of(formula: str):
    return sympy.lambdify(x, sympy.diff(sympy.sympify(formula), x), "numpy")


# Right answers, derived independently of the checks' references.
FUNCTION_ANSWERS = {
    "derivatives.check_cubic_derivative": _derivative_of("x**3 - 2*x"),
    "derivatives.check_chain_rule": _derivative_of("sin(x**2)"),
    "derivatives.check_central_difference": lambda f, t, h: (
        (f(t + h) - f(t - h)) / (2 * h)
    ),
    "derivatives.check_gradient_step": sympy.lambdify(
        (x, lr), x - lr * sympy.diff((x - 3) ** 2, x), "numpy"
    ),
    "partials.check_partials_by_hand": _gradient_of("x**2*y + 3*y"),
    "partials.check_booth_gradient": _gradient_of(
        "(x + 2*y - 7)**2 + (2*x + y - 5)**2"
    ),
    "partials.check_hessian": _hessian_of("x**3*y + x*y**2"),
    "partials.check_partial_difference": lambda f, a, b, h: (
        (f(a + h, b) - f(a - h, b)) / (2 * h)
    ),
    "gradients.check_directional_derivative": lambda g, v: (
        float(np.dot(g, v)) / np.sqrt(float(np.dot(v, v)))
    ),
    "gradients.check_steepest_descent": lambda g: -g / np.hypot(*g),
}
VALUE_ANSWERS = {
    # Stable iff η < 2 / f'' for f = 3x² - 4x + 1.
    "derivatives.check_stable_learning_rate": float(
        2 / sympy.diff(sympy.sympify("3*x**2 - 4*x + 1"), x, 2)
    ),
    "gradients.check_largest_stable_lr": 2 / _BOWL_EIGENVALUES[-1],
    "gradients.check_best_lr": 2 / sum(_BOWL_EIGENVALUES),
}
#: Checks that take a sympy expression; tested on their own below.
EXPRESSION_CHECKS = ["partials.check_sympy_partial"]
ALL_CHECKS = sorted(
    f"{module_name}.{name}"
    for module_name, module in CHAPTERS.items()
    for name, obj in inspect.getmembers(module, inspect.isfunction)
    if name.startswith("check_") and obj.__module__ == module.__name__
)
FUNCTION_CHECKS = sorted(FUNCTION_ANSWERS)
VALUE_CHECKS = sorted(VALUE_ANSWERS)
#: Function checks whose answer is one number (the malformed-answer table is
#: written for those).
SCALAR_FUNCTION_CHECKS = [
    key
    for key in FUNCTION_CHECKS
    if key.split(".")[1]
    not in (
        "check_partials_by_hand",
        "check_booth_gradient",
        "check_steepest_descent",
        "check_hessian",
    )
]


def test_every_check_of_the_chapter_is_covered():
    assert ALL_CHECKS == sorted([*FUNCTION_CHECKS, *VALUE_CHECKS, *EXPRESSION_CHECKS])


def recorded_arguments(name: str, monkeypatch) -> dict:
    """The keyword arguments the check passes to check_function/check_value."""
    recorded: dict = {}

    def spy(real):
        def wrapper(*args, **kwargs):
            recorded.update(kwargs)
            return real(*args, **kwargs)

        return wrapper

    module = _module(name)
    if hasattr(module, "check_function"):
        monkeypatch.setattr(module, "check_function", spy(check_function))
    if hasattr(module, "check_value"):
        monkeypatch.setattr(module, "check_value", spy(check_value))
    _check(name)(None)
    return recorded


@pytest.mark.parametrize("name", FUNCTION_CHECKS)
def test_right_function_passes(name):
    feedback = _check(name)(FUNCTION_ANSWERS[name])
    assert isinstance(feedback, Feedback)
    assert feedback.passed, feedback.message
    assert repr(feedback).startswith("✅")


@pytest.mark.parametrize("name", VALUE_CHECKS)
def test_right_value_passes(name):
    feedback = _check(name)(VALUE_ANSWERS[name])
    assert feedback.passed, feedback.message
    assert repr(feedback).startswith("✅")


def test_equivalent_formulations_pass():
    assert chapter.check_cubic_derivative(lambda t: np.polyval([3, 0, -2], t)).passed
    assert chapter.check_chain_rule(lambda t: np.cos(t * t) * (t + t)).passed
    assert chapter.check_central_difference(
        lambda f, t, h: 0.5 * (f(t + h) - f(t - h)) / h
    ).passed
    assert chapter.check_gradient_step(
        lambda t, rate: t - 2 * rate * t + 6 * rate
    ).passed
    assert chapter.check_stable_learning_rate(Fraction(1, 3)).passed
    assert chapter.check_stable_learning_rate(sympy.Rational(1, 3)).passed
    assert chapter.check_stable_learning_rate(np.float64(2) / 6).passed
    assert partials.check_hessian(
        lambda a, b: np.array(
            [[6 * a * b, 3 * a * a + 2 * b], [3 * a**2 + 2 * b, a + a]]
        )
    ).passed


@pytest.mark.parametrize("name", [*FUNCTION_CHECKS, *VALUE_CHECKS])
def test_every_listed_mistake_gets_its_own_hint(name, monkeypatch):
    mistakes = recorded_arguments(name, monkeypatch)["mistakes"]
    monkeypatch.undo()
    assert len(mistakes) >= 2
    hints = [m.hint for m in mistakes]
    assert len(set(hints)) == len(hints), "two mistakes share a hint"
    for mistake in mistakes:
        assert isinstance(mistake, Mistake)
        feedback = _check(name)(mistake.answer)
        assert not feedback.passed
        assert feedback.message == mistake.hint
        assert repr(feedback).startswith("❌")


@pytest.mark.parametrize(
    ("name", "answer", "phrase"),
    [
        (
            "derivatives.check_cubic_derivative",
            lambda t: -(3 * t**2 - 2),
            "sign is flipped",
        ),
        ("derivatives.check_chain_rule", lambda t: 4 * t * np.cos(t**2), "twice"),
        ("derivatives.check_chain_rule", lambda t: t * np.cos(t**2), "half"),
        (
            "derivatives.check_gradient_step",
            lambda t, r: -(t - 2 * r * (t - 3)),
            "sign",
        ),
    ],
)
def test_generic_sign_and_factor_mistakes(name, answer, phrase):
    feedback = _check(name)(answer)
    assert not feedback.passed
    assert phrase in feedback.message


def test_unrecognised_wrong_answer_shows_the_first_differing_case():
    feedback = chapter.check_cubic_derivative(lambda t: 3 * t**2 - 2 + (t > 0))
    assert not feedback.passed
    # The first test point with t > 0 is 0.7; expected 3(0.7)^2 - 2 = -0.53.
    assert feedback.message.startswith("Not yet: at x = 0.7")
    assert "-0.53" in feedback.message


# --------------------------------------------------------------------------
# Malformed answers: always ❌ with a message, never an exception.
# --------------------------------------------------------------------------


def raises(*args):
    raise ZeroDivisionError("boom")


BAD_FUNCTIONS = [
    (None, "not defined yet"),
    (..., "not defined yet"),
    (3.0, "should be a function"),
    ("x**2", "should be a function"),
    (raises, "raised ZeroDivisionError: boom"),
    (lambda *args: None, "`None`"),
    (lambda *args: np.zeros(2), "shape (2,)"),
    (lambda *args: [[1.0]], "shape (1, 1)"),
    (lambda *args: np.nan, "nan or inf"),
    (lambda *args: np.inf, "nan or inf"),
    (lambda *args: "0.5x", "remove the quotes"),
    (lambda *args: "0.5", "remove the quotes"),
    (lambda *args: b"0.5", "remove the quotes"),
    (lambda *args: True, "not a number"),
    (lambda *args: {"a": 1}, "not a real number"),
    (lambda *args: 1 + 2j, "not a real number"),
    (lambda *args: 10**400, "not a real number"),
    (lambda: 0.0, "should take"),
]


@pytest.mark.parametrize("name", SCALAR_FUNCTION_CHECKS)
@pytest.mark.parametrize(
    ("learner", "phrase"),
    [pytest.param(*row, id=f"bad{i}") for i, row in enumerate(BAD_FUNCTIONS)],
)
def test_malformed_function_answers_fail_gracefully(name, learner, phrase):
    feedback = _check(name)(learner)
    assert isinstance(feedback, Feedback)
    assert feedback.passed is False
    assert phrase in feedback.message
    assert repr(feedback).startswith("❌")


BAD_VALUES = [
    (None, "not filled in"),
    (..., "not filled in"),
    ("abc", "remove the quotes"),
    ("0.25", "remove the quotes"),
    (b"0.25", "remove the quotes"),
    (np.array(["0.25"]), "remove the quotes"),
    (True, "not a number"),
    ([1 / 3, 1 / 3], "shape (2,)"),
    (np.array([[1 / 3]]), "shape (1, 1)"),
    (float("nan"), "nan or inf"),
    (float("inf"), "nan or inf"),
    (lambda: 1 / 3, "is a function, not a number"),
    (1 / 3 + 1e-3j, "not a real number"),
    (10**400, "not a real number"),
]


@pytest.mark.parametrize("name", VALUE_CHECKS)
@pytest.mark.parametrize(
    ("learner", "phrase"),
    [pytest.param(*row, id=f"bad{i}") for i, row in enumerate(BAD_VALUES)],
)
def test_malformed_values_fail_gracefully(name, learner, phrase):
    feedback = _check(name)(learner)
    assert feedback.passed is False
    assert phrase in feedback.message
    assert repr(feedback).startswith("❌")


answers = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**500), max_value=10**500),
    st.complex_numbers(),
    st.text(max_size=5),
    st.lists(st.floats(allow_nan=True), max_size=4),
    st.lists(st.one_of(st.floats(), st.text(max_size=2)), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@settings(max_examples=60, deadline=None)
@given(value=answers)
def test_checks_never_raise(value):
    for name in VALUE_CHECKS:
        feedback = _check(name)(value)
        assert isinstance(feedback, Feedback)
    for name in FUNCTION_CHECKS:
        feedback = _check(name)(lambda *args, v=value: v)
        assert isinstance(feedback, Feedback)
        assert feedback.passed is False  # a constant is never the right function


# --------------------------------------------------------------------------
# The machinery, directly.
# --------------------------------------------------------------------------


def test_check_function_mistakes_take_precedence_over_generic_factors():
    cases = [(1.0,), (2.0,), (-3.0,)]
    doubled = Mistake(lambda t: 2 * t**2, "Specific hint.")
    feedback = check_function(lambda t: 2 * t**2, np.square, cases, mistakes=[doubled])
    assert feedback.message == "Specific hint."
    generic = check_function(lambda t: 2 * t**2, np.square, cases)
    assert "factor of 2" in generic.message


def test_check_function_default_description_of_the_test_arguments():
    cases = [(np.sin, np.array([1.0, 2.5]), 3.0)]
    feedback = check_function(lambda f, v, k: v, lambda f, v, k: k * f(v), cases)
    assert feedback.message.startswith("Not yet: at sin, [1, 2.5], 3 your function")


def test_check_function_tolerances():
    cases = [(1.0,), (2.0,)]
    close = check_function(lambda t: t**2 * (1 + 1e-9), np.square, cases, rtol=1e-7)
    far = check_function(lambda t: t**2 * (1 + 1e-5), np.square, cases, rtol=1e-7)
    assert close.passed
    assert not far.passed


def test_check_function_success_message_and_array_answers():
    cases = [(np.array([1.0, 2.0]),), (np.array([-1.0, 0.5]),)]
    feedback = check_function(
        lambda v: v**3,
        lambda v: v**3,
        cases,
        success="Well done.",
        describe=lambda args: f"v = {args[0]}",
    )
    assert feedback == Feedback(True, "Well done.")
    wrong_shape = check_function(
        lambda v: v.sum(), lambda v: v**3, cases, describe=lambda a: "v"
    )
    assert "returned a single number" in wrong_shape.message
    assert "an array of shape (2,)" in wrong_shape.message


def test_check_value():
    assert check_value(0.5, 0.5).passed
    # Exact by default: round-off passes, a few digits short do not.
    assert check_value(0.5 * (1 + 1e-11), 0.5).passed
    assert "8 significant digits" in check_value(0.5 * (1 + 1e-8), 0.5).message
    assert check_value(0.5 * (1 + 1e-8), 0.5, rtol=1e-6).passed
    assert not check_value(0.51, 0.5).passed
    assert check_value([1.0, 2.0], np.array([1.0, 2.0])).passed
    known = check_value(0.25, 0.5, mistakes=[Mistake(0.25, "Halved.")])
    assert (known.passed, known.message) == (False, "Halved.")
    assert "sign is flipped" in check_value(-0.5, 0.5).message
    fallback = check_value(0.7, 0.5)
    assert fallback.message.startswith("Not yet: 0.7")


def test_feedback_repr_and_html():
    good, bad = Feedback(True, "Fine `code`."), Feedback(False, "Nope <b>")
    assert repr(good) == "✅ Fine `code`."
    assert repr(bad) == "❌ Nope <b>"
    assert "✅" in good._repr_html_()
    assert re.search(r"<code[^>]*>code</code>", good._repr_html_())
    assert "&lt;b&gt;" in bad._repr_html_()  # learner text is escaped


def test_messages_are_sentences_but_maths_keeps_its_case():
    assert chapter.check_cubic_derivative(None).message.startswith("Your derivative")
    assert Feedback(False, "x + h is not 2h").message == "x + h is not 2h"
    assert Feedback(False, "f″ is 6").message == "f″ is 6"


# --------------------------------------------------------------------------
# Checks that take a sympy expression.
# --------------------------------------------------------------------------


def test_sympy_partial_accepts_sympys_answer_and_its_string():
    answer = sympy.diff(partials.SYMPY_EXERCISE, y)
    assert partials.check_sympy_partial(answer).passed
    assert partials.check_sympy_partial(str(sympy.expand(answer))).passed


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (sympy.diff(partials.SYMPY_EXERCISE, x), "That is ∂f/∂x"),
        (sympy.diff(partials.SYMPY_EXERCISE, y, 2), "differentiated twice"),
        (-sympy.diff(partials.SYMPY_EXERCISE, y), "sign is flipped"),
        (None, "not filled in"),
        ("cos(", "could not be read as a formula"),
        (sympy.Symbol("z") * x, "contains z"),
        (lambda a, b: a, "not a sympy expression"),
    ],
)
def test_sympy_partial_diagnoses(answer, phrase):
    feedback = partials.check_sympy_partial(answer)
    assert not feedback.passed
    assert phrase in feedback.message, feedback.message


# --------------------------------------------------------------------------
# Feedback is readable in JupyterLab's light and dark themes (issue 8 §4).
# --------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(foreground: str, background: str) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_against_wcag_reference_values():
    assert _contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert _contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert _contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


def _styles(html_text: str) -> list[dict[str, str]]:
    """The inline styles of every element, as property dictionaries."""
    return [
        dict(item.split(":", 1) for item in style.split(";") if ":" in item)
        for style in re.findall(r'style="([^"]*)"', html_text)
    ]


@pytest.mark.parametrize("passed", [True, False])
def test_feedback_sets_text_and_background_with_contrast_above_4_5(passed):
    feedback = Feedback(passed, "Check `code` here.", output="printed text")
    box, code, label, printed = _styles(feedback._repr_html_())
    # Both colours are set explicitly, so a dark theme's white text cannot be
    # inherited onto the pale background.
    assert _contrast(box["color"], box["background"]) >= 4.5
    assert code["color"] == "inherit"  # the box's text colour, on the code's tint
    assert _contrast(box["color"], code["background"]) >= 4.5
    assert "color" not in label  # inherits the box's colours
    assert _contrast(printed["color"], printed["background"]) >= 4.5
    # White (dark theme's text) on the box's background would be unreadable:
    # proof that setting the text colour matters.
    assert _contrast("#ffffff", box["background"]) < 1.5


def test_printed_output_is_shown_once_in_text_and_html():
    feedback = Feedback(False, "Nope.", output="a < b")
    assert repr(feedback) == "❌ Nope.\nYour code printed:\na < b"
    assert "a &lt; b" in feedback._repr_html_()


# --------------------------------------------------------------------------
# Mistake tables: every listed mistake is distinguishable (issue 7 §4).
# --------------------------------------------------------------------------


def recorded_call(name: str, monkeypatch) -> tuple[tuple, dict]:
    """The positional and keyword arguments of the check's machinery call."""
    recorded: list = []

    def spy(real):
        def wrapper(*args, **kwargs):
            recorded.append((args, kwargs))
            return real(*args, **kwargs)

        return wrapper

    module = _module(name)
    for machinery in ("check_function", "check_value"):
        if hasattr(module, machinery):
            monkeypatch.setattr(module, machinery, spy(getattr(module, machinery)))
    _check(name)(RIGHT_ANSWERS[name])
    monkeypatch.undo()
    return recorded[0]


def _answers(name: str, answer, args: tuple) -> list[np.ndarray]:
    """``answer`` (a function or a value) evaluated as the check evaluates it."""
    if name in VALUE_CHECKS:
        return [np.asarray(answer, dtype=float)]
    cases = args[2]
    return [np.asarray(answer(*case), dtype=float) for case in cases]


def _close(a: list[np.ndarray], b: list[np.ndarray], rtol: float, atol: float) -> bool:
    return all(
        u.shape == v.shape and np.allclose(u, v, rtol=rtol, atol=atol)
        for u, v in zip(a, b, strict=True)
    )


_SYMPY_RIGHT = sympy.diff(sympy.sympify("x**2*sin(y) + exp(x*y)"), y)
RIGHT_ANSWERS = {
    **FUNCTION_ANSWERS,
    **VALUE_ANSWERS,
    "partials.check_sympy_partial": _SYMPY_RIGHT,
}
#: The sympy check compares functions of (x, y) compiled from expressions.
FUNCTION_ANSWERS_OF_EXPRESSIONS = {
    "partials.check_sympy_partial": sympy.lambdify((x, y), _SYMPY_RIGHT, "numpy"),
}


@pytest.mark.parametrize("name", [*FUNCTION_CHECKS, *VALUE_CHECKS, *EXPRESSION_CHECKS])
def test_every_mistake_differs_from_the_answer_and_from_the_others(name, monkeypatch):
    args, kwargs = recorded_call(name, monkeypatch)
    mistakes = kwargs["mistakes"]
    default_rtol = 1e-9 if name in VALUE_CHECKS else 1e-7
    rtol, atol = kwargs.get("rtol", default_rtol), kwargs.get("atol", 1e-10)
    # Well beyond the tolerance: a hundred times it.
    rtol, atol = 100 * rtol, 100 * atol
    if name in VALUE_CHECKS:
        right = [np.asarray(VALUE_ANSWERS[name], dtype=float)]
    else:
        answers = {**FUNCTION_ANSWERS, **FUNCTION_ANSWERS_OF_EXPRESSIONS}
        right = _answers(name, answers[name], args)
    computed = [_answers(name, m.answer, args) for m in mistakes]
    for mistake, answers in zip(mistakes, computed, strict=True):
        assert not _close(answers, right, rtol, atol), mistake.hint
    for i, j in zip(*np.triu_indices(len(mistakes), k=1), strict=True):
        if mistakes[i].hint != mistakes[j].hint:
            assert not _close(computed[i], computed[j], rtol, atol), (
                mistakes[i].hint,
                mistakes[j].hint,
            )


def test_chapter3_exercise_matrix_separates_best_step_and_contraction():
    lam_min, lam_max = _BOWL_EIGENVALUES
    best = 2 / (lam_min + lam_max)
    contraction = (lam_max - lam_min) / (lam_max + lam_min)
    assert (lam_min, lam_max) == (2.0, 8.0)
    assert abs(best - contraction) > 0.1  # 0.2 and 0.6 (they were both 1/3)
    assert not gradients.check_best_lr(contraction).passed
    assert "contraction factor" in gradients.check_best_lr(contraction).message
    np.testing.assert_array_equal(gradients.EXERCISE_MATRIX, np.array(_BOWL, float))


# --------------------------------------------------------------------------
# The Hessian exercise (Chapter 2, Exercise 5).
# --------------------------------------------------------------------------


def test_hessian_accepts_sympy_matrices_whatever_the_assumptions():
    for assumptions in ({}, {"real": True}, {"positive": True}):
        a, b = sympy.symbols("x y", **assumptions)
        f = a**3 * b + a * b**2
        assert partials.check_hessian(sympy.hessian(f, (a, b))).passed
        unevaluated = sympy.Matrix(
            [[sympy.Derivative(f, u, v) for v in (a, b)] for u in (a, b)]
        )
        assert partials.check_hessian(unevaluated).passed
    assert partials.HESSIAN_EXERCISE == sympy.sympify("x**3*y + x*y**2")


def test_hessian_reference_against_finite_differences():
    """The check's right answer against a second route: central differences."""
    f = sympy.lambdify((x, y), partials.HESSIAN_EXERCISE, "numpy")
    h = 1e-4
    for a, b in [(-2.0, 1.0), (0.5, -1.5), (1.3, 0.7)]:
        numeric = np.array(
            [
                [
                    (
                        f(
                            a + h * (i == 0) + h * (j == 0),
                            b + h * (i == 1) + h * (j == 1),
                        )
                        - f(
                            a + h * (i == 0) - h * (j == 0),
                            b + h * (i == 1) - h * (j == 1),
                        )
                        - f(
                            a - h * (i == 0) + h * (j == 0),
                            b - h * (i == 1) + h * (j == 1),
                        )
                        + f(
                            a - h * (i == 0) - h * (j == 0),
                            b - h * (i == 1) - h * (j == 1),
                        )
                    )
                    / (4 * h * h)
                    for j in range(2)
                ]
                for i in range(2)
            ]
        )
        # Central second differences: error O(h²) ≈ 1e-7 here, round-off ≈ 1e-8.
        np.testing.assert_allclose(
            numeric, FUNCTION_ANSWERS["partials.check_hessian"](a, b), atol=1e-6
        )


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (
            lambda a, b: [3 * a**2 * b + b**2, a**3 + 2 * a * b],
            "looks like the gradient",
        ),
        (lambda a, b: [6 * a * b, 3 * a**2 + 2 * b, 2 * a], "3 entries"),
        (lambda a, b: [6 * a * b, 3 * a**2 + 2 * b, 3 * a**2 + 2 * b, 2 * a], "flat"),
        (lambda a, b: 6 * a * b, "single number"),
        ([[1.0, 2.0], [2.0, 3.0]], "as a function of x and y"),
        (sympy.Matrix([[sympy.Symbol("z"), 0], [0, 0]]), "contains z"),
    ],
)
def test_hessian_shapes_and_forms(answer, phrase):
    feedback = partials.check_hessian(answer)
    assert not feedback.passed
    assert phrase in feedback.message, feedback.message
