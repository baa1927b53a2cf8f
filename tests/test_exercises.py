"""Tests of the instant-feedback exercise checks.

Right answers are derived here independently (sympy differentiates the
exercise's function); the known mistakes are read from the checks themselves by
spying on the machinery they call, so every listed mistake is exercised.
"""

from __future__ import annotations

import inspect

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


_BOWL = sympy.Matrix([[3, 1], [1, 3]])  # chapter 3's exercise matrix
_BOWL_EIGENVALUES = sorted(float(v) for v in _BOWL.eigenvals())


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
    not in ("check_partials_by_hand", "check_booth_gradient", "check_steepest_descent")
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
    assert chapter.check_stable_learning_rate(np.float32(1 / 3)).passed


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
    (lambda *args: "0.5x", "not a real number"),
    (lambda *args: {"a": 1}, "not a real number"),
    (lambda *args: 1 + 2j, "not a real number"),
    (lambda *args: 10**400, "not a real number"),
    (lambda: 0.0, "raised TypeError"),
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
    ("abc", "not a real number"),
    ([1 / 3, 1 / 3], "shape (2,)"),
    (np.array([[1 / 3]]), "shape (1, 1)"),
    (float("nan"), "nan or inf"),
    (float("inf"), "nan or inf"),
    (lambda: 1 / 3, "not a real number"),
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
    assert "shape ()" in wrong_shape.message


def test_check_value():
    assert check_value(0.5, 0.5).passed
    assert check_value(0.5 * (1 + 1e-8), 0.5).passed  # rtol 1e-6 by default
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
    assert "<code>code</code>" in good._repr_html_()
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
        ("cos(", "not a sympy expression"),
        (sympy.Symbol("z") * x, "not a sympy expression"),
        (lambda a, b: a, "not a sympy expression"),
    ],
)
def test_sympy_partial_diagnoses(answer, phrase):
    feedback = partials.check_sympy_partial(answer)
    assert not feedback.passed
    assert phrase in feedback.message, feedback.message
