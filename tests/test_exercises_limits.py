"""Tests of the limits of rnnviz.exercises: whatever a student's function raises (SystemExit too),
an endless loop, an answer too large to hold, float32 results, and the checks' own options."""

import re
import threading
import time
import warnings

import numpy as np
import pytest

import rnnviz as rv
from rnnviz import exercises as ex

CHECKS = (rv.check_backward_step, rv.check_clip, rv.check_gru_step)
SOLUTIONS = (ex.backward_step_solution, ex.clip_solution, ex.gru_step_solution)
HUGE = np.broadcast_to(0.1, (10**6, 10**6))  # 10**12 numbers, 8 TB if numpy ever copied it


def feedback_of(check, *args, **kwargs):
    """`check(...)`, which must return a Feedback without raising or warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        feedback = check(*args, **kwargs)
    assert isinstance(feedback, ex.Feedback), feedback
    return feedback


class Custom(BaseException):
    pass


@pytest.mark.parametrize("kind", [SystemExit, GeneratorExit, Custom])
@pytest.mark.parametrize("check", CHECKS)
def test_a_base_exception_from_the_student_becomes_feedback(check, kind):
    def fn(*_):
        raise kind("stop")

    feedback = feedback_of(check, fn)
    assert not feedback.ok
    assert f"Your function raised {kind.__name__}: stop" in feedback.message, feedback


def test_exit_is_explained_and_an_empty_message_leaves_no_colon():
    def fn(*_):
        raise SystemExit

    feedback = feedback_of(rv.check_gru_step, fn)
    assert feedback.message.startswith("Your function raised SystemExit. exit() and sys.exit()")


def test_keyboard_interrupt_is_not_feedback():
    def fn(*_):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rv.check_gru_step(fn)


def _student_threads():
    return [t for t in threading.enumerate() if t.name == "rnnviz-student-function"]


@pytest.mark.parametrize("check", CHECKS)
def test_an_endless_loop_gets_feedback_when_time_is_up(check):
    def endless(*_):
        n = 0
        while True:
            n += 1

    answers = []  # the check runs in a thread of its own here, so that a hang fails the test
    waiting = threading.Thread(
        target=lambda: answers.append(feedback_of(check, endless, time_limit=0.5)), daemon=True
    )
    waiting.start()
    waiting.join(2)
    assert answers, "the check did not return within 2 s"
    feedback = answers[0]
    assert not feedback.ok and "did not return within 0.5 s" in feedback.message, feedback
    deadline = time.perf_counter() + 2  # the loop was asked to stop: it ends at its next step
    while _student_threads() and time.perf_counter() < deadline:
        time.sleep(0.01)
    assert not _student_threads()


def test_a_slow_but_finished_function_is_checked():
    def slow(*args):
        time.sleep(0.05)
        return ex.gru_step_solution(*args)

    assert feedback_of(rv.check_gru_step, slow, time_limit=1).ok


@pytest.mark.parametrize("check", CHECKS)
def test_bad_options_are_the_callers_error(check):
    for seed, error, message in (
        (-1, ValueError, "seed == -1, must be >= 0"),
        (1.5, TypeError, "seed == 1.5, must be an integer"),
        ("0", TypeError, "seed == '0', must be an integer"),
    ):
        with pytest.raises(error, match=re.escape(message)):
            check(ex.backward_step_solution, seed=seed)
    for limit, error, message in (
        (0, ValueError, "time_limit == 0.0, must be > 0"),
        (float("inf"), ValueError, "time_limit == inf, must be finite"),
        ("1", TypeError, "time_limit == '1', must be a real number"),
    ):
        with pytest.raises(error, match=re.escape(message)):
            check(ex.backward_step_solution, time_limit=limit)


def test_a_huge_answer_is_refused_by_its_size():
    size = "has shape (1000000, 1000000), 1,000,000,000,000 numbers"
    cases = {
        f"The answer {size}; expected one number.": (rv.check_answer, "clip_factor", HUGE),
        f"W_aa {size}; expected shape (2, 2).": (rv.check_nonnormal, HUGE),
        f"a_t {size}; expected shape (4,).": (rv.check_gru_step, lambda *args: HUGE),
        f"da_total {size}; expected shape (4,).": (
            rv.check_backward_step,
            lambda *args: (HUGE, np.zeros(4)),
        ),
        f"clipped['W_aa'] {size}; expected shape (3, 3).": (
            rv.check_clip,
            lambda g, m: ({"W_aa": HUGE, "b_a": g["b_a"]}, ex.global_norm(g)),
        ),
        "The answer has at least 1,000,000,000,000 numbers; expected one number.": (
            rv.check_answer,
            "clip_factor",
            [HUGE],
        ),
        "The answer has at least 10,001 numbers; expected one number.": (
            rv.check_answer,
            "clip_factor",
            [0.1] * 10**6,
        ),
        "W_aa has at least 1,000,000,000,000 numbers; expected shape (2, 2).": (
            rv.check_nonnormal,
            range(10**12),
        ),
    }
    for phrase, (check, *args) in cases.items():
        feedback = feedback_of(check, *args)
        assert not feedback.ok and phrase in feedback.message, (phrase, feedback)


def test_finite_difference_check_is_honest_for_float32_and_integer_params():
    x = np.random.default_rng(0).standard_normal((5, 4, 3))
    y = np.random.default_rng(1).integers(0, 2, (5, 4))
    single = rv.init_params(3, 5, 2, seed=0, dtype="float32")
    whole = {k: np.round(v * 2).astype(np.int64) for k, v in single.items()}
    for params in (single, whole):
        dtypes = {k: v.dtype for k, v in params.items()}
        errors = rv.finite_difference_check(params, x, y)
        assert max(errors.values()) < 1e-6, errors
        assert {k: v.dtype for k, v in params.items()} == dtypes  # the caller's params unchanged


def _in_float(dtype, solution):
    return lambda *args: tuple(np.asarray(v, dtype=dtype) for v in solution(*args))


def test_float32_results_are_compared_at_float32_precision():
    assert feedback_of(rv.check_backward_step, _in_float(np.float32, ex.backward_step_solution)).ok

    def clip_in_float32(grads, max_norm):
        clipped, total = ex.clip_solution(grads, max_norm)
        return {k: v.astype(np.float32) for k, v in clipped.items()}, np.float32(total)

    assert feedback_of(rv.check_clip, clip_in_float32).ok
    assert feedback_of(rv.check_gru_step, lambda *a: ex.gru_step_solution(*a).astype(np.float32)).ok


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("offset", [1e-3, 1e-4, 1e-6, 1e-7])
def test_a_mismatch_never_shows_two_equal_numbers(dtype, offset):
    def off(*args):
        da_total, dz_t = ex.backward_step_solution(*args)
        return np.asarray(da_total + offset, dtype=dtype), dz_t

    feedback = feedback_of(rv.check_backward_step, off)
    if dtype == np.float32 and offset < 1e-4:  # within float32's precision: right
        assert feedback.ok, feedback
        return
    assert not feedback.ok, feedback
    number = r"(-?[0-9][0-9.e+-]*)"
    found = re.search(f"da_total\\[\\d\\] is {number}, expected {number}", feedback.message)
    assert found, feedback
    shown, expected = (text.rstrip(".") for text in found.groups())
    assert shown != expected, feedback
    assert ("float32's precision" in feedback.message) == (dtype == np.float32)


def test_float16_results_are_sent_back_to_float64():
    feedback = feedback_of(rv.check_backward_step, _in_float(np.float16, ex.backward_step_solution))
    assert not feedback.ok and "da_total is float16" in feedback.message, feedback


def test_a_whole_number_slip_shows_the_digits_that_differ():
    feedback = feedback_of(rv.check_answer, "float32_overflow_steps", 128 - 1e-9)
    assert feedback.message.startswith("127.999999999 is close"), feedback


def test_a_function_called_instead_of_passed_gets_feedback():
    feedback = feedback_of(rv.check_gru_step, (1.0, 2.0))
    assert not feedback.ok and "without parentheses" in feedback.message, feedback


def test_a_name_that_is_not_text_is_a_type_error():
    with pytest.raises(TypeError, match=r"question == \['clip_factor'\], must be one of"):
        rv.check_answer(["clip_factor"], 0.1)
    with pytest.raises(TypeError, match=r"name == \['clip'\], must be a string"):
        rv.show_solution(["clip"])
