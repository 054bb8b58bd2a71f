"""Tests of rnnviz.exercises: the checks' specific hints, their feedback for answers of any kind
(hypothesis: whatever is typed, returned or raised, a Feedback, no exception, no warning), and the
finite-difference gradient check."""

import math
import numbers
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rnnviz as rv
from rnnviz import exercises as ex


def test_reference_solutions_pass_their_checks():
    assert rv.check_backward_step(ex.backward_step_solution).ok
    assert rv.check_clip(ex.clip_solution).ok
    assert rv.check_nonnormal(ex.nonnormal_solution()).ok
    assert rv.check_gru_step(ex.gru_step_solution).ok


def test_backward_step_mistakes_get_specific_feedback():
    def no_recurrence(da_t, dz_next, a_t, W_aa):
        return da_t, da_t * (1 - a_t**2)

    def not_transposed(da_t, dz_next, a_t, W_aa):
        da = da_t + W_aa @ dz_next
        return da, da * (1 - a_t**2)

    def no_derivative(da_t, dz_next, a_t, W_aa):
        da = da_t + W_aa.T @ dz_next
        return da, da

    def swapped(da_t, dz_next, a_t, W_aa):
        return tuple(reversed(ex.backward_step_solution(da_t, dz_next, a_t, W_aa)))

    def doubled(da_t, dz_next, a_t, W_aa):
        da = 2 * da_t + W_aa.T @ dz_next
        return da, da * (1 - a_t**2)

    def stub(da_t, dz_next, a_t, W_aa):
        raise NotImplementedError

    cases = {
        swapped: "Your two results look swapped",
        doubled: "δ<t> (da_t) is only the direct part",
        no_recurrence: "W_aa.T @ dz_next",
        not_transposed: "transposed",
        no_derivative: "1 - a<t>",
        stub: "NotImplementedError",
        (lambda *args: None): "two arrays",
        (lambda *args: 1 / 0): "ZeroDivisionError",
    }
    for fn, phrase in cases.items():
        feedback = rv.check_backward_step(fn)
        assert not feedback.ok
        assert phrase in feedback.message, (phrase, feedback.message)
        assert repr(feedback).startswith("Not yet.")


def test_clip_mistakes_get_specific_feedback():
    def by_value(grads, max_norm):
        return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}, ex.global_norm(grads)

    def in_place(grads, max_norm):
        total = ex.global_norm(grads)
        if total > max_norm:
            for g in grads.values():
                g *= max_norm / total
        return grads, total

    def one_array_norm(grads, max_norm):
        total = float(np.linalg.norm(grads["W_aa"]))
        return ex.clip_solution(grads, max_norm)[0], total

    for fn, phrase in (
        (by_value, "by value"),
        (in_place, "in place"),
        (one_array_norm, "one array"),
    ):
        feedback = rv.check_clip(fn)
        assert not feedback.ok and phrase in feedback.message, feedback.message


def test_gru_step_with_swapped_update_gate_is_diagnosed():
    def swapped(a_prev, x_t, params):
        z = np.concatenate([a_prev, x_t])
        r = 1 / (1 + np.exp(-(params["W_r"] @ z + params["b_r"])))
        u = 1 / (1 + np.exp(-(params["W_u"] @ z + params["b_u"])))
        c = np.tanh(params["W_c"] @ np.concatenate([r * a_prev, x_t]) + params["b_c"])
        return (1 - u) * c + u * a_prev

    feedback = rv.check_gru_step(swapped)
    assert not feedback.ok and "swapped" in feedback.message

    def with_state(a_prev, x_t, params):  # returns (a<t>, None), as an LSTM step might
        return ex.gru_step_solution(a_prev, x_t, params), None

    tupled = rv.check_gru_step(with_state)
    assert not tupled.ok and "ragged" not in tupled.message
    assert "return one array, a<t>" in tupled.message, tupled.message
    assert "its first item is the right a<t>" in tupled.message
    wrong = rv.check_gru_step(lambda a_prev, x_t, params: (a_prev, None))
    assert "not a tuple" in wrong.message and "right a<t>" not in wrong.message
    assert rv.check_gru_step(lambda *args: tuple(ex.gru_step_solution(*args))).ok  # numbers


def test_nonnormal_feedback():
    assert "0.5 < 1: the bound" in rv.check_nonnormal(0.5 * np.eye(2)).message
    assert "spectral radius" in rv.check_nonnormal(2 * np.eye(2)).message
    for shape in ((2, 3), (3, 3), (4,), (1, 1)):
        feedback = rv.check_nonnormal(np.ones(shape))
        assert not feedback.ok, shape
        assert f"W_aa has shape {shape}: the exercise asks for a 2 x 2 matrix" in feedback.message
    three = np.array([[0.5, 2.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 0.5]])  # right, but 3 x 3
    assert "2 x 2" in rv.check_nonnormal(three).message
    assert not rv.check_nonnormal(...).ok
    slow = rv.check_nonnormal(np.array([[0.99, 0.2], [0.0, 0.99]]))
    assert not slow.ok and "has not shrunk" in slow.message


def test_numeric_answers():
    assert rv.check_answer("vanishing_factor", 0.9**49).ok
    assert rv.check_answer("exploding_factor", 1.1**49).ok
    assert rv.check_answer("float32_overflow_steps", 128).ok
    assert rv.check_answer("tanh_sigmoid_steps", np.log(1e-6) / np.log(0.25)).ok
    assert rv.check_answer("exploding_factor", 107).ok  # as printed, three digits
    assert "whole number" in rv.check_answer("float32_overflow_steps", np.log2(3.4e38)).message
    assert not rv.check_answer("float32_overflow_steps", 127).ok
    assert rv.check_answer("clip_factor", 0.1).ok
    wrong = rv.check_answer("vanishing_factor", 0.9**50 * 0.5)
    assert not wrong.ok and "too small" in wrong.message
    upside_down = rv.check_answer("vanishing_factor", 0.9**-49)
    assert "reciprocal" in upside_down.message
    assert "Replace" in rv.check_answer("vanishing_factor", ...).message
    assert "number" in rv.check_answer("vanishing_factor", "a lot").message
    with pytest.raises(ValueError, match="question == 'nope'"):
        rv.check_answer("nope", 1)


def test_finite_difference_check_finds_agreement_and_a_planted_bug(monkeypatch):
    params = rv.init_params(3, 5, 2, seed=0)
    x, y = rv.agreement(4, 2, seed=0)
    x = np.random.default_rng(0).standard_normal((5, 4, 3))
    y = np.random.default_rng(1).integers(0, 2, (5, 4))
    errors = rv.finite_difference_check(params, x, y)
    assert set(errors) == set(params) and max(errors.values()) < 1e-6
    real = ex.loss_and_grads

    def buggy(*args, **kwargs):
        loss, grads = real(*args, **kwargs)
        grads["W_aa"] = grads["W_aa"] * 1.01
        return loss, grads

    monkeypatch.setattr(ex, "loss_and_grads", buggy)
    assert rv.finite_difference_check(params, x, y)["W_aa"] > 1e-3


def test_show_solution_prints_source(capsys):
    rv.show_solution("clip")
    assert "def clip_solution" in capsys.readouterr().out
    rv.show_solution("vanishing_factor")
    assert "0.005726" in capsys.readouterr().out
    with pytest.raises(ValueError, match="name == 'x'"):
        rv.show_solution("x")


# ---- Answers of any kind: typed, returned or raised -----------------------------------------

huge_ints = st.integers(min_value=10**300, max_value=10**500).flatmap(
    lambda n: st.sampled_from([n, -n])
)
dtypes = st.one_of(
    hnp.boolean_dtypes(),
    hnp.integer_dtypes(),
    hnp.unsigned_integer_dtypes(),
    hnp.floating_dtypes(),
    hnp.complex_number_dtypes(),
    hnp.unicode_string_dtypes(max_len=3),
    hnp.byte_string_dtypes(max_len=3),
    hnp.datetime64_dtypes(),
)
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
scalars = st.one_of(
    st.none(),
    st.just(...),
    st.booleans(),
    st.floats(),  # NaN and infinities included
    st.integers(),
    huge_ints,
    st.complex_numbers(),
    st.text(max_size=6),
    st.binary(max_size=3),
    st.fractions(),
    hnp.arrays(dtypes, ()).map(lambda a: a[()]),  # numpy scalars: np.float32, np.str_, ...
)
arrays = st.one_of(
    hnp.arrays(dtypes, shapes),
    hnp.arrays(np.float64, st.sampled_from([(4,), (2, 2), (3, 3)])),  # the expected shapes
    hnp.arrays(object, shapes, elements=scalars),
)
anything = st.recursive(
    scalars | arrays,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),  # ragged or mixed nesting included
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=3), inner, max_size=3),
    ),
    max_leaves=8,
)
returned = st.one_of(
    anything,
    st.tuples(anything, anything),
    st.tuples(st.dictionaries(st.sampled_from(["W_aa", "b_a", 1]), anything), anything),
    st.tuples(st.fixed_dictionaries({"W_aa": anything, "b_a": anything}), anything),
)
exceptions = st.sampled_from(
    [ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, AttributeError, NameError,
     RuntimeError, OverflowError, FloatingPointError, AssertionError, StopIteration, Exception,
     NotImplementedError, np.linalg.LinAlgError, RuntimeWarning, np.exceptions.ComplexWarning]
)  # fmt: skip
CHECKS = (rv.check_backward_step, rv.check_clip, rv.check_gru_step)


def complex_or_not_finite(value):
    """Whether `value` holds, anywhere, a complex number or a NaN or an infinity."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple | np.ndarray):
        items = value.flat if isinstance(value, np.ndarray) else value
        return any(complex_or_not_finite(v) for v in items)
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        return True
    try:
        return isinstance(value, numbers.Real) and not math.isfinite(value)
    except OverflowError:  # an int beyond float range is finite, but also not a right answer
        return False


def assert_feedback(check, *args):
    """`check(*args)` gives a short Feedback without raising or warning; return it."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        feedback = check(*args)
    assert isinstance(feedback, ex.Feedback) and isinstance(feedback.message, str)
    assert len(feedback.message) < 500, feedback.message
    return feedback


@settings(max_examples=200, deadline=None)
@given(scalars | anything)  # a plain number or text half of the time
def test_any_typed_answer_gets_feedback(value):
    suspicious = complex_or_not_finite(value)
    for question in ex.ANSWERS:
        feedback = assert_feedback(rv.check_answer, question, value)
        assert not (suspicious and feedback.ok), (value, feedback)
    feedback = assert_feedback(rv.check_nonnormal, value)
    assert not (suspicious and feedback.ok), (value, feedback)


@settings(max_examples=200, deadline=None)
@given(returned)
def test_any_returned_value_gets_feedback(value):
    for check in CHECKS:
        assert not assert_feedback(check, lambda *args: value).ok


@settings(max_examples=100, deadline=None)
@given(exceptions, st.lists(st.one_of(st.text(max_size=20), st.integers(), st.none()), max_size=2))
def test_any_raised_exception_gets_feedback(kind, args):
    def fn(*_):
        raise kind(*args)

    for check in CHECKS:
        feedback = assert_feedback(check, fn)
        assert not feedback.ok and kind.__name__ in feedback.message


def test_an_exception_whose_message_fails_is_still_reported():
    class Unprintable(Exception):
        def __str__(self):
            raise RuntimeError("no message")

    def fn(*_):
        raise Unprintable

    assert "Unprintable" in assert_feedback(rv.check_gru_step, fn).message


def as_complex(value):
    """`value` (an array, or a tuple or dict of them) as complex numbers with imaginary part 0."""
    if isinstance(value, dict):
        return {k: as_complex(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(as_complex(v) for v in value)
    return np.asarray(value) + 0j


def test_right_values_in_complex_form_are_not_correct():
    for check, solution in zip(
        CHECKS, (ex.backward_step_solution, ex.clip_solution, ex.gru_step_solution), strict=True
    ):
        feedback = assert_feedback(
            check, lambda *args, solution=solution: as_complex(solution(*args))
        )
        assert not feedback.ok and "complex number" in feedback.message, feedback
    clipped = assert_feedback(
        rv.check_clip, lambda g, m: (as_complex(ex.clip_solution(g, m)[0]), ex.global_norm(g))
    )
    assert not clipped.ok and "clipped['W_aa'][0, 0] is" in clipped.message, clipped
    W_aa = assert_feedback(rv.check_nonnormal, ex.nonnormal_solution() + 0j)
    assert not W_aa.ok and "W_aa[0, 0] is (0.5+0j), a complex number" in W_aa.message
    for question, q in ex.ANSWERS.items():
        for answer in (complex(q.value()), np.complex64(q.value())):
            feedback = assert_feedback(rv.check_answer, question, answer)
            assert not feedback.ok and "complex number" in feedback.message


@pytest.mark.parametrize("answer", [math.nan, math.inf, -math.inf, np.float32("nan"), [math.nan]])
def test_a_nan_or_infinite_answer_is_not_a_finite_number(answer):
    feedback = assert_feedback(rv.check_answer, "vanishing_factor", answer)
    assert not feedback.ok and "not a finite number" in feedback.message
    assert "too small" not in feedback.message and "too large" not in feedback.message


def test_an_int_too_large_for_a_float_gets_feedback():
    too_large = "too large for a float"
    assert too_large in assert_feedback(rv.check_answer, "exploding_factor", 10**400).message
    assert too_large in assert_feedback(rv.check_answer, "exploding_factor", -(10**400)).message
    W_aa = [[10**400, 0], [0, 0.5]]
    assert "W_aa[0, 0] is 1000" in assert_feedback(rv.check_nonnormal, W_aa).message
    for check, value in ((rv.check_backward_step, (10**400, 0)), (rv.check_gru_step, 10**400)):
        assert too_large in assert_feedback(check, lambda *args, value=value: value).message
    clip = assert_feedback(rv.check_clip, lambda g, m: (ex.clip_solution(g, m)[0], 10**400))
    assert "total_norm is 1000" in clip.message and too_large in clip.message


def test_an_answer_typed_as_text_is_not_a_number():
    for answer in ("0.1", np.str_("0.1"), b"0.1", ["0.1"]):
        feedback = assert_feedback(rv.check_answer, "clip_factor", answer)
        assert not feedback.ok and "without quotes" in feedback.message, feedback
    assert rv.check_answer("clip_factor", np.float32(0.1)).ok  # numpy scalars are numbers
    assert rv.check_answer("clip_factor", np.array([0.1])).ok
    several = assert_feedback(rv.check_answer, "clip_factor", (0.1, 0.2))
    assert "should be one number, got (0.1, 0.2)" in several.message


def test_nonnormal_explains_matrices_it_cannot_use():
    cases = {
        "W_aa[1, 0] is nan, not a finite number": [[0.5, 2], [math.nan, 0.5]],
        "W_aa[0, 1] is inf, not a finite number": np.array([[0.5, math.inf], [0, 0.5]]),
        "W_aa is the text 'ab'": "ab",
        "W_aa[0, 0] is the text 'a'": np.array([["a", "b"], ["c", "d"]]),
        "W_aa is {} (dict), not a number": {},
        "W_aa is ragged": [[0.5, 2], [0.5]],
        "W_aa has shape (0, 0): the exercise asks for a 2 x 2 matrix": np.zeros((0, 0)),
        "cannot reliably compute sigma_max": np.full((2, 2), 1.7e308),
    }
    for phrase, W_aa in cases.items():
        feedback = assert_feedback(rv.check_nonnormal, W_aa)
        assert not feedback.ok and phrase in feedback.message, (phrase, feedback)


def test_function_checks_explain_returns_they_cannot_use():
    cases = {
        "da_total[0] is the text 'a'": (np.array(list("abcd")), np.zeros(4)),
        "da_total is ragged": ([[1.0, 2.0], [3.0]], np.zeros(4)),
        "da_total[2] is nan, not a finite number": ([0, 0, math.nan, 0], np.zeros(4)),
        "a_t is the text 's'": "s",
        "a_t is {} (dict)": {},
        "a_t[1] is None (NoneType), not a number": [0.0, None, 0.0, 0.0],
        "a_t is `...`": ...,
    }
    for phrase, value in cases.items():
        check = rv.check_backward_step if phrase.startswith("da_") else rv.check_gru_step
        feedback = assert_feedback(check, lambda *args, value=value: value)
        assert not feedback.ok and phrase in feedback.message, (phrase, feedback)
    strange_keys = assert_feedback(rv.check_clip, lambda g, m: ({1: g["W_aa"], "b": 0}, 5.0))
    assert "The clipped dict has keys 'b', 1, expected 'W_aa', 'b_a'." in strange_keys.message
    no_keys = assert_feedback(rv.check_clip, lambda g, m: ({}, 5.0))
    assert "The clipped dict has keys none, expected 'W_aa', 'b_a'." in no_keys.message


def test_finite_difference_check_reports_nan_for_nan():
    params = rv.init_params(3, 5, 2, seed=0)
    x = np.random.default_rng(0).standard_normal((5, 4, 3))
    y = np.random.default_rng(1).integers(0, 2, (5, 4))
    broken = {k: v.copy() for k, v in params.items()}
    broken["W_aa"][0, 0] = math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        errors = rv.finite_difference_check(broken, x, y)
        diverged = rv.finite_difference_check(params, np.full_like(x, math.inf), y)
    assert all(math.isnan(e) for e in errors.values()), errors
    assert math.isnan(diverged["W_ax"]), diverged
    assert not any(math.isnan(e) for e in rv.finite_difference_check(params, x, y).values())


def test_finite_difference_check_rejects_bad_options():
    params = rv.init_params(3, 5, 2, seed=0)
    x, y = np.zeros((5, 3)), np.zeros(5, dtype=int)
    for kwargs, message in (
        ({"eps": 0}, "eps == 0.0, must be > 0"),
        ({"eps": -1e-6}, "eps == -1e-06, must be > 0"),
        ({"eps": math.inf}, "eps == inf, must be finite"),
        ({"samples": 0}, "samples == 0, must be >= 1"),
        ({"seed": -1}, "seed == -1, must be >= 0"),
    ):
        with pytest.raises(ValueError, match=message):
            rv.finite_difference_check(params, x, y, **kwargs)
    with pytest.raises(TypeError, match="samples == 2.5, must be an integer"):
        rv.finite_difference_check(params, x, y, samples=2.5)


def test_a_rounded_right_answer_is_close_not_wrong():
    expected = 0.9**49  # vanishing_factor, by hand: 0.005726...
    assert rv.check_answer("vanishing_factor", round(expected, 5)).ok  # 0.00573
    two_digits = rv.check_answer("vanishing_factor", 0.0057)  # the question asks for 3
    assert not two_digits.ok and "rounded to 2 significant digits" in two_digits.message
    fb = rv.check_answer("vanishing_factor", 0.006)
    assert not fb.ok and "rounded to 1 significant digit." in fb.message
    assert "Give 3 significant digits" in fb.message
    assert "too large" in rv.check_answer("vanishing_factor", 0.007).message


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_gru_check_names_the_slip():
    def stacked_the_other_way(a_prev, x_t, params):  # [x<t>, a<t-1>]
        xa = np.concatenate([x_t, a_prev])
        r, u = (
            _sigmoid(params["W_r"] @ xa + params["b_r"]),
            _sigmoid(params["W_u"] @ xa + params["b_u"]),
        )
        c = np.tanh(params["W_c"] @ np.concatenate([x_t, r * a_prev]) + params["b_c"])
        return u * c + (1 - u) * a_prev

    def without_gamma_r(a_prev, x_t, params):
        ax = np.concatenate([a_prev, x_t])
        u = _sigmoid(params["W_u"] @ ax + params["b_u"])
        c = np.tanh(params["W_c"] @ ax + params["b_c"])
        return u * c + (1 - u) * a_prev

    assert "You stacked [x<t>, a<t-1>]" in rv.check_gru_step(stacked_the_other_way).message
    assert "Gamma_r is missing" in rv.check_gru_step(without_gamma_r).message
    assert "relevance" not in rv.check_gru_step(lambda a, x, p: a * 2).message


# ---- Feedback in the course's words, and exact -----------------------------------------------


def test_nonnormal_speaks_of_the_bound_as_regime_does():
    from rnnviz.diagnostics import regime

    nilpotent = np.array([[0.0, 1.0], [0.0, 0.0]])  # sigma_max = 1 exactly: "neither"
    assert regime(1.0, 1.0) == "neither"
    feedback = rv.check_nonnormal(nilpotent)
    assert not feedback.ok and "sigma_max(W_aa) = 1:" in feedback.message
    assert "neither vanishing nor exploding" in feedback.message
    assert "already says the gradient vanishes" not in feedback.message
    edge = rv.check_nonnormal(np.array([[0.0, 1 + 5e-7], [0.0, 0.0]]))  # within regime's 1e-6
    assert "neither" in edge.message and "= 1.0000005, within 1e-6 of 1:" in edge.message, edge
    below = rv.check_nonnormal(np.array([[0.0, 0.999], [0.0, 0.0]]))
    assert "0.999 < 1: the bound" in below.message and "vanishes" in below.message
    above = rv.check_nonnormal(np.array([[0.5, 1.0002], [0.0, 0.5]]))  # 1.0002..: exploding side
    assert "neither" not in above.message and "sigma_max = 1." in above.message, above.message


def test_n_significant_digits_means_the_value_to_n_digits():
    n = math.log(1e-6) / math.log(0.25)  # tanh_sigmoid_steps, 9.9658: "give 3 significant digits"
    assert f"{n:.5g}" == "9.9658"
    for typed in (9.97, 9.970, 9.965, 9.966, 9.9749, n, "np.log(1e-6) / np.log(0.25)"):
        answer = eval(typed) if isinstance(typed, str) else typed
        assert rv.check_answer("tanh_sigmoid_steps", answer).ok, typed
    for typed in (10, 10.0, 9.96, 9.98, 9.975, 9.9, 9.964):
        assert not rv.check_answer("tanh_sigmoid_steps", typed).ok, typed
    ten = rv.check_answer("tanh_sigmoid_steps", 10)
    assert "Give 3 significant digits" in ten.message, ten.message
    cut = rv.check_answer("tanh_sigmoid_steps", 9.96)  # cut off instead of rounded
    assert "9.96 is close, but not the answer to 3 significant digits" in cut.message
    assert "round the digits after the third" in cut.message
    assert "too small" not in cut.message
    # vanishing_factor, 0.9**49 = 0.0057264...: 0.00573 and more digits, not 0.0057 or 0.00572
    for typed, right in ((0.00573, True), (0.005726, True), (0.0057, False), (0.00572, False)):
        assert rv.check_answer("vanishing_factor", typed).ok is right, typed


def test_questions_say_how_they_are_compared_and_their_solutions_pass():
    digits = {name: q.digits for name, q in ex.ANSWERS.items() if q.digits}
    assert digits == {"vanishing_factor": 3, "tanh_sigmoid_steps": 3}  # the notebooks ask so
    for name, q in ex.ANSWERS.items():
        assert bool(q.digits) + bool(q.rtol) + q.whole == 1, name  # exactly one rule
        assert rv.check_answer(name, eval(q.solution, {"np": np})).ok, name


def test_clip_array_by_array_is_named():
    def array_by_array(grads, max_norm):  # each array by its own norm, the global norm returned
        return rv.clip_by_array_norm(grads, max_norm), ex.global_norm(grads)

    def array_by_array_own_total(grads, max_norm):
        clipped = {}
        for k, g in grads.items():
            total = float(np.linalg.norm(g))
            clipped[k] = g * (max_norm / total) if total > max_norm else g.copy()
        return clipped, total

    for fn in (array_by_array, array_by_array_own_total):
        feedback = rv.check_clip(fn)
        assert not feedback.ok and "clipped by its own norm" in feedback.message, feedback
        assert "one factor" in feedback.message


def _gru_variant(**slip):
    return lambda a_prev, x_t, params: ex._gru(a_prev, x_t, params, **slip)


def test_gru_slips_get_their_own_messages():
    assert rv.check_gru_step(_gru_variant()).ok  # _gru without a slip is the GRU
    cases = {
        "candidate": {
            "none": "Gamma_r is missing",
            "gamma_u": "The candidate uses the update gate",
            "after": "Gamma_r multiplies W_c's product instead of a<t-1>",
        },
        "no_bias": {b: f"{b} is missing" for b in ("b_u", "b_r", "b_c")},
        "swap": {True: "The update gate's roles are swapped"},
        "order": {"xa": "You stacked [x<t>, a<t-1>]"},
    }
    for keyword, slips in cases.items():
        for value, phrase in slips.items():
            for seed in (0, 1):
                feedback = rv.check_gru_step(_gru_variant(**{keyword: value}), seed=seed)
                assert not feedback.ok and feedback.message.startswith(phrase), (value, feedback)

    def no_biases_at_all(a_prev, x_t, params):
        return ex.gru_step_solution(a_prev, x_t, {**params, "b_u": 0, "b_r": 0, "b_c": 0})

    generic = rv.check_gru_step(no_biases_at_all)  # no single slip: the numbers and the equations
    assert not generic.ok and "Compare each line" in generic.message


def test_a_key_error_lists_the_keys_that_exist():
    def misspelt(a_prev, x_t, params):
        return params["Wc"] @ np.concatenate([a_prev, x_t])

    feedback = rv.check_gru_step(misspelt)
    assert not feedback.ok and "KeyError: 'Wc'" in feedback.message
    assert "params has the keys 'W_u', 'W_r', 'W_c', 'b_u', 'b_r', 'b_c'" in feedback.message
    assert "did you mean 'W_c'?" in feedback.message
    clip = rv.check_clip(lambda grads, max_norm: (grads["W_xx"], 1.0))
    assert "grads has the keys 'W_aa', 'b_a'" in clip.message, clip
    far = rv.check_clip(lambda grads, max_norm: grads[42])
    assert "KeyError: 42. grads has the keys 'W_aa', 'b_a'." in far.message, far
    other = rv.check_backward_step(lambda *args: {}["x"])  # no dict given: no keys to list
    assert other.message == "Your function raised KeyError: 'x'"


def test_solutions_can_be_switched_off(monkeypatch, capsys):
    monkeypatch.delenv("RNNVIZ_SOLUTIONS", raising=False)
    rv.show_solution("gru_step")
    assert "def gru_step_solution" in capsys.readouterr().out
    for off in ("off", "OFF", " off\n"):
        monkeypatch.setenv("RNNVIZ_SOLUTIONS", off)
        for name in ("gru_step", "vanishing_factor"):
            rv.show_solution(name)
            out = capsys.readouterr().out
            assert "Solutions are off in this release" in out and name in out
            assert "def " not in out and "0.9**49" not in out and "0.005726" not in out
    monkeypatch.setenv("RNNVIZ_SOLUTIONS", "on")
    rv.show_solution("vanishing_factor")
    assert "0.9**49 = 0.00572" in capsys.readouterr().out
    monkeypatch.setenv("RNNVIZ_SOLUTIONS", "of")
    with pytest.raises(ValueError, match="RNNVIZ_SOLUTIONS == 'of', must be 'on' or 'off'"):
        rv.show_solution("clip")
    monkeypatch.setenv("RNNVIZ_SOLUTIONS", "off")
    with pytest.raises(ValueError, match="name == 'x'"):  # a wrong name is still an error
        rv.show_solution("x")
