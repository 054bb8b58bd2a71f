"""Exercises: checks that say what is wrong and where to look, a gradient check, and solutions.

Every check returns a `Feedback`, shown in the notebook as a short message; `feedback.ok` tells
whether the answer is right. A check never raises because an answer is wrong or unfinished:
whatever the student's function raises (SystemExit included, KeyboardInterrupt excepted), an
endless loop (it gets `time_limit` seconds) and an answer too large to hold all become feedback.
A check raises only for its own bad options (a `seed` or `time_limit` it cannot use).
Reference solutions stay out of the notebooks: `show_solution(name)` prints one, unless the
environment variable RNNVIZ_SOLUTIONS is "off" (as in a graded release).
"""

import contextvars
import difflib
import inspect
import math
import numbers
import os
import reprlib
import textwrap
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from ._checks import check_float, check_int, check_seed
from .activations import sigmoid
from .cells import init_params
from .clipping import clip_by_array_norm, global_norm
from .diagnostics import regime
from .output import loss_and_grads

FLOAT32_MAX = float(np.finfo(np.float32).max)
# Seconds one call of a student's function may take. A correct solution needs well under 0.1 s
# (the reference solutions about 0.1 ms; Python loops over every entry about 1 ms); a loaded
# classroom laptop or a first `import` inside the function stays far below 10 s.
TIME_LIMIT = 10.0
# Numbers in one answer: every exercise expects at most 16, so anything larger is refused, by its
# size, before numpy builds a copy of it.
MAX_ANSWER_SIZE = 10_000


class Feedback:
    """The result of a check: `ok` and a message for the student."""

    def __init__(self, ok, message):
        self.ok, self.message = bool(ok), message

    def __repr__(self):
        return ("Correct! " if self.ok else "Not yet. ") + self.message

    def _repr_markdown_(self):
        mark = "**Correct!**" if self.ok else "**Not yet.**"
        return f"{mark} {self.message}"

    def __bool__(self):
        return self.ok


class _Stopped(BaseException):
    """Raised inside a student's function that ran out of time (not an Exception: a student's
    `except Exception` does not swallow it)."""


def _call(fn, *args, time_limit=TIME_LIMIT, keys=None):
    """Run the student's function for at most `time_limit` seconds: (result, None), or (None,
    feedback) when it raised (anything but KeyboardInterrupt) or did not return in time.

    keys : (name, the keys of the dict passed as `name`), to say which keys exist when the
    function raises KeyError.

    It runs in a thread, which works wherever a notebook runs (any OS; a signal timer would need
    the main thread and take SIGALRM from whoever else uses it), in a copy of the caller's context
    (numpy's error settings, the cell that shows its prints). A Python thread cannot be killed:
    when time is up it is asked to stop by an exception raised inside it, which ends a Python loop
    at its next step but not one long call into C (a huge matrix product). The check answers in
    any case; such a thread runs on in the background (a daemon, gone with the kernel).
    """
    if not callable(fn):
        return None, Feedback(
            False,
            f"The check takes your function itself, got {_short(fn)}: write "
            "check_...(my_function), without parentheses after my_function.",
        )
    context, outcome = contextvars.copy_context(), []

    def run():
        try:
            try:
                outcome.append((context.run(fn, *args), None, None))
            except BaseException as e:  # SystemExit, GeneratorExit, ...: the student's too
                outcome.append((None, e, _raised(e, keys)))  # its message read here, in time
        except _Stopped:  # asked to stop just as the function ended
            pass

    thread = threading.Thread(target=run, name="rnnviz-student-function", daemon=True)
    thread.start()
    try:
        thread.join(time_limit)
    finally:  # also when the kernel is interrupted while waiting
        if thread.is_alive():
            _stop(thread)
    if not outcome:
        return None, Feedback(
            False,
            f"Your function did not return within {time_limit:g} s. Look for a loop that never "
            "ends, e.g. a `while` whose condition stays true.",
        )
    result, raised, problem = outcome[0]
    if isinstance(raised, KeyboardInterrupt):  # the student stops the run: not feedback
        raise raised
    return result, problem


def _stop(thread):
    """Ask `thread` to stop: raise _Stopped in it at its next Python step (CPython only)."""
    try:
        import ctypes

        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(_Stopped)
        )
    except (ImportError, AttributeError):  # another Python: the thread runs on, as a daemon
        pass


def _raised(e, keys=None):
    """Feedback for an exception raised by the student's function; never raises.

    keys : (name, keys) of the dict the function was given, named when it raised KeyError.
    """
    if isinstance(e, NotImplementedError):
        return Feedback(False, "The function still raises NotImplementedError: fill it in.")
    try:
        detail = str(e)
    except Exception:  # an exception whose message itself fails
        detail = "(its message cannot be shown)"
    text = f"Your function raised {type(e).__name__}{': ' * bool(detail)}{detail}"
    if isinstance(e, SystemExit):
        text += ". exit() and sys.exit() stop the whole program: `return` the result instead."
    if isinstance(e, KeyError) and keys is not None:
        text += ". " + _keys_hint(e, *keys)
    return Feedback(False, text)


def _keys_hint(e, name, keys):
    """'params has the keys 'W_u', ...: did you mean 'W_c'?' for a KeyError `e`."""
    keys = [str(k) for k in keys]
    text = f"{name} has the keys {', '.join(map(repr, keys))}"
    missing = e.args[0] if len(e.args) == 1 else None
    close = difflib.get_close_matches(missing, keys, n=1) if isinstance(missing, str) else []
    return text + (f": did you mean {close[0]!r}?" if close else ".")


_REPR = reprlib.Repr()
_REPR.maxstring, _REPR.maxother, _REPR.maxlong = 40, 40, 24


def _short(value):
    """A short repr of anything a student may type or return, for a message; never raises."""
    text = _REPR.repr(value.item() if isinstance(value, np.generic) else value)  # np.str_ -> str
    return text if len(text) <= 60 else f"{text[:44]}...{text[-13:]}"


def _real(value):
    """(float(value), None) for one real number, else (None, what `value` is instead)."""
    if isinstance(value, str | bytes):
        return None, f"the text {_short(value)}, not a number: write numbers without quotes"
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        return None, f"{_short(value)}, a complex number: expected a real number"
    try:
        return float(value), None
    except OverflowError:
        return None, f"{_short(value)}, too large for a float (the limit is about 1.8e308)"
    except Exception:  # None inside a list, a dict, a list that numpy kept as one object, ...
        return None, f"{_short(value)} ({type(value).__name__}), not a number"


def _as_real_array(name, value, expected):
    """(`value` as a finite float array, None), or (None, a sentence saying what is wrong).

    Whatever `value` is, this neither raises nor warns: None, `...`, text, a dict, a ragged
    list, complex numbers, an int too large for a float, NaN and infinity all become a sentence;
    so does an answer of more than MAX_ANSWER_SIZE numbers, refused before numpy copies it.
    float32 and float16 arrays keep their dtype, to be compared at their precision; others
    become float64.
    `expected` is the expected shape, for the messages.
    """
    if value is None:
        return None, f"{name} is None: did you forget a `return`?"
    if value is ...:
        return None, f"{name} is `...`: replace it by your code."
    size, shape = _size(value)
    if size > MAX_ANSWER_SIZE:
        has = f"has shape {shape}, {size:,} numbers" if shape else f"has at least {size:,} numbers"
        return None, f"{name} {has}; expected {_shape_text(expected)}."
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # e.g. float() of a one-element array inside a list
        try:
            arr = np.asarray(value)
        except ValueError:
            return None, f"{name} is ragged: its rows have different lengths."
        except MemoryError:
            return None, f"{name} is too large to hold; expected {_shape_text(expected)}."
        except Exception:  # e.g. an object whose __array__ fails
            return None, f"{name} is {_short(value)}, not an array of numbers."
        if arr.dtype.kind in "biuf":  # booleans, integers, floats
            low = arr.dtype.kind == "f" and arr.dtype.itemsize < 8  # float32, float16: kept
            out = arr.astype(arr.dtype.type if low else np.float64)  # a copy, in native order
        else:  # complex numbers, text, Python objects, dates: look at each entry
            out = np.empty(arr.shape)
            for i, entry in np.ndenumerate(arr):
                number, problem = _real(entry)
                if problem:
                    return None, f"{name}{_where(i)} is {problem}."
                out[i] = number
    bad = np.argwhere(~np.isfinite(out))
    if len(bad):
        i = tuple(bad[0])
        return None, f"{name}{_where(i)} is {out[i]}, not a finite number (overflow? 0/0?)."
    return out, None


def _size(value, depth=0):
    """(how many numbers np.asarray(value) would hold, its shape or None), counted without
    building it; a list's count stops once it passes MAX_ANSWER_SIZE."""
    if isinstance(value, list | tuple) and depth < 32:  # numpy's nesting ends at 32 or 64
        total = 0
        for item in value:
            total += _size(item, depth + 1)[0]
            if total > MAX_ANSWER_SIZE:
                break
        return total, None
    if isinstance(value, range):
        return len(value), None
    try:  # an ndarray (a broadcast view of 10**12 numbers, too), a numpy scalar, a tensor
        shape = tuple(int(n) for n in value.shape)
    except Exception:  # a number, a text, a dict, ...: numpy makes one entry of it
        return 1, None
    return math.prod(shape), shape


def _shape_text(shape):
    """'one number' for (), else 'shape (4,)'."""
    return "one number" if shape == () else f"shape {shape}"


def _as_number(name, value):
    """(`value` as a finite float, None) when it is one real number, else (None, a sentence)."""
    arr, problem = _as_real_array(name, value, ())
    if problem is None and arr.size != 1:
        problem = f"{name} should be one number, got {_short(value)}."
    return (None, problem) if problem else (float(arr.flat[0]), None)


def _where(index):
    """'[1, 0]' for an index into an array, '' for a single number."""
    return f"[{', '.join(str(int(j)) for j in index)}]" if index else ""


def _same(got, want):
    """Whether the float array `got` has the shape of `want` and is close to it."""
    with np.errstate(all="ignore"):
        return got.shape == np.shape(want) and bool(np.allclose(got, want))


def _compare(name, got, expected, *, rtol=1e-8):
    """None when the float array `got` matches `expected`, else where and by how much not.

    `got` is compared at the precision of its dtype: to `rtol` (relative to 1 + |expected|) in
    float64, to 100 float32 spacings (about 1e-5) in float32; float16 is refused, its 3 digits
    cannot tell a right formula from a slip.
    """
    if got.shape != np.shape(expected):
        return f"{name} has shape {got.shape}, expected {np.shape(expected)}."
    if got.dtype == np.float16:
        return f"{name} is float16, which keeps 3 significant digits: compute in float64."
    rtol = max(rtol, 100 * float(np.finfo(got.dtype).eps))
    with np.errstate(all="ignore"):  # got - expected may overflow to inf: still a mismatch
        err = np.abs(got - expected)
    if np.all(err <= rtol * (1 + np.abs(expected))):
        return None
    i = np.unravel_index(np.argmax(err), err.shape)
    shown, wanted = _apart(got[i], expected[i])
    note = f" (compared at {got.dtype}'s precision)" * (got.dtype != np.float64)
    return f"{name}{_where(i)} is {shown}, expected {wanted}{note}."


def _apart(got, want):
    """`got` and `want` written with 6 significant digits, or as many more as tell them apart."""
    got, want = float(got), float(want)
    for digits in range(6, 18):
        shown, wanted = f"{got:.{digits}g}", f"{want:.{digits}g}"
        if shown != wanted:
            break
    return shown, wanted


# ---- Notebook 1: one step of backpropagation through time ---------------------------------


def backward_step_solution(da_t, dz_next, a_t, W_aa):
    """One step back in time for a tanh RNN (reference solution)."""
    da_total = da_t + W_aa.T @ dz_next  # from the output at t, and from step t+1 through W_aa
    dz_t = da_total * (1 - a_t**2)  # tanh'(z<t>) = 1 - a<t>^2
    return da_total, dz_t


def check_backward_step(fn, *, seed=0, time_limit=TIME_LIMIT):
    """Check `fn(da_t, dz_next, a_t, W_aa) -> (da_total, dz_t)` for a tanh RNN.

    da_t     delta<t>, the direct part of dL/da<t> (from the output at step t only), (n_a,)
    dz_next  dL/dz<t+1>, (n_a,)
    a_t      a<t> = tanh(z<t>), (n_a,)
    W_aa     (n_a, n_a)
    returns  dL/da<t> (total, through every later step) and dL/dz<t>.
    seed : for the test inputs;  time_limit : seconds `fn` may take, > 0
    """
    rng = np.random.default_rng(check_seed(seed))
    time_limit = check_float("time_limit", time_limit)
    n_a = 4
    da_t, dz_next = rng.standard_normal(n_a), rng.standard_normal(n_a)
    a_t, W_aa = np.tanh(rng.standard_normal(n_a)), rng.standard_normal((n_a, n_a))
    out, problem = _call(
        fn, da_t.copy(), dz_next.copy(), a_t.copy(), W_aa.copy(), time_limit=time_limit
    )
    if problem is not None:
        return problem
    if not isinstance(out, tuple) or len(out) != 2:
        return Feedback(False, "Return two arrays: `return da_total, dz_t`.")
    want_da, want_dz = backward_step_solution(da_t, dz_next, a_t, W_aa)
    first, problem_first = _as_real_array("da_total", out[0], (n_a,))
    second, problem_second = _as_real_array("dz_t", out[1], (n_a,))
    if not (problem_first or problem_second) and _same(first, want_dz) and _same(second, want_da):
        return Feedback(
            False,
            "Your two results look swapped: both are right, but return da_total first, "
            "then dz_t: `return da_total, dz_t`.",
        )
    da_total, problem = _as_real_array("da_total", out[0], (n_a,))
    if problem:
        return Feedback(False, problem)
    if _same(da_total, da_t):
        return Feedback(
            False,
            "da_total equals da_t: add the gradient arriving from step "
            "t+1, which flows back through W_aa: W_aa.T @ dz_next.",
        )
    if _same(da_total, da_t + W_aa @ dz_next):
        return Feedback(
            False,
            "da_total uses W_aa @ dz_next. Going backward, the matrix is "
            "transposed: z<t+1> = W_aa a<t> + ..., so dL/da<t> gets W_aa.T @ dz_next.",
        )
    problem = _compare("da_total", da_total, want_da)
    if problem:
        return Feedback(
            False,
            problem + " Recall dL/da<t> = δ<t> + W_aa^T dL/dz<t+1>, where δ<t> (da_t) is only the "
            "direct part, from the output at step t.",
        )
    dz_t, problem = _as_real_array("dz_t", out[1], (n_a,))
    if problem:
        return Feedback(False, problem)
    if _same(dz_t, da_total):
        return Feedback(False, "dz_t equals da_total: multiply by tanh'(z<t>) = 1 - a<t>**2.")
    if _same(dz_t, da_total * (1 - a_t)):
        return Feedback(False, "tanh'(z) is 1 - tanh(z)**2 = 1 - a_t**2, not 1 - a_t.")
    problem = _compare("dz_t", dz_t, want_dz)
    if problem:
        return Feedback(False, problem + " Recall dL/dz<t> = dL/da<t> * (1 - a<t>^2).")
    return Feedback(
        True,
        "Both gradients match. This one step, repeated from t = T down to 1, "
        "is backpropagation through time.",
    )


def finite_difference_check(params, x, y, *, activation="tanh", eps=1e-6, seed=0, samples=20):
    """Compare `loss_and_grads` with central differences (L(w + eps) - L(w - eps)) / (2 eps).

    For each parameter array, `samples` entries chosen at random are checked. Returns a dict
    name -> largest relative error |numeric - analytic| / max(|numeric| + |analytic|, 1e-12).
    NaN in, NaN out: when a numeric or analytic derivative of an array is NaN or infinite (the
    network diverged, or a parameter is already NaN), that array's error is NaN, never 0.
    The check computes in float64, on a float64 copy of `params`: float32 or integer parameters
    are checked as the same network in float64 (float32 keeps about 7 digits, too few to see a
    change of eps = 1e-6 in the loss; the check is about the gradient's formulas).
    eps : finite, > 0; samples : integer in 1..10,000; seed : for the choice of entries.
    """
    eps = check_float("eps", eps)
    samples = check_int("samples", samples, maximum=10_000, what="entries of each array")
    rng = np.random.default_rng(check_seed(seed))
    if isinstance(params, dict):  # anything else: loss_and_grads says what is wrong with it
        params = {k: _float64(v) for k, v in params.items()}
    _, grads = loss_and_grads(params, x, y, activation=activation)
    errors = {}
    for name, w in params.items():
        worst = 0.0
        for flat in rng.choice(w.size, size=min(samples, w.size), replace=False):
            i = np.unravel_index(flat, w.shape)
            bumped = {k: v.copy() for k, v in params.items()}
            bumped[name][i] = w[i] + eps
            up, _ = loss_and_grads(bumped, x, y, activation=activation)
            bumped[name][i] = w[i] - eps
            down, _ = loss_and_grads(bumped, x, y, activation=activation)
            with np.errstate(all="ignore"):  # inf - inf is NaN, reported as such
                numeric, analytic = float((up - down) / (2 * eps)), float(grads[name][i])
            if not (math.isfinite(numeric) and math.isfinite(analytic)):
                worst = math.nan
                break
            worst = max(worst, abs(numeric - analytic) / max(abs(numeric) + abs(analytic), 1e-12))
        errors[name] = worst
    return errors


def _float64(w):
    """A float64 copy of a real ndarray; anything else as it is, for loss_and_grads to refuse."""
    is_real = isinstance(w, np.ndarray) and w.dtype.kind in "biuf"
    return w.astype(np.float64) if is_real else w


# ---- Numeric questions (notebooks 2 and 3) -------------------------------------------------


def _linear_ratio(scale, T):
    """||dL/da<1>|| / ||dL/da<T>|| for a linear RNN with W_aa = scale * Q: scale^(T-1)."""
    params = init_params(1, 8, 2, weight_scale=scale, seed=0)
    x = np.zeros((T, 1))
    y = np.full(T, -1)
    y[-1] = 0
    _, grads = loss_and_grads(params, x, y, activation="linear")
    norms = np.linalg.norm(grads["a"], axis=1)
    return norms[0] / norms[-1]


@dataclass(frozen=True)
class Question:
    """A numeric question: how an answer is compared with `value()`, a hint, and a solution.

    digits : the question asks for this many significant digits; an answer is right when it
        rounds (half up, as typed) to the value's rounding: for 9.9658 and 3 digits, 9.97, 9.970
        and anything from 9.965 up to (not including) 9.975, but not 10.
    rtol : otherwise, the relative tolerance (0 with `whole`: exactly the whole number).
    solution : the reference answer as a Python expression (numpy as np), for show_solution.
    """

    value: Callable[[], float]
    solution: str
    hint: str
    digits: int | None = None
    rtol: float = 0.0
    whole: bool = False


# The questions of notebooks 02, 03 and 05. Where a notebook only says "a number", 1 % accepts
# what a printout with three significant digits shows (106.7 as 107).
ANSWERS = {
    "vanishing_factor": Question(
        lambda: _linear_ratio(0.9, 50),
        "0.9**49",
        "With W_aa = 0.9 Q, each step back multiplies the gradient's length by 0.9 exactly; "
        "from step 50 back to step 1 there are 49 steps.",
        digits=3,
    ),
    "exploding_factor": Question(
        lambda: _linear_ratio(1.1, 50),
        "1.1**49",
        "Each step back multiplies the length by 1.1; there are 49 steps from 50 to 1.",
        rtol=0.01,
    ),
    "float32_overflow_steps": Question(
        lambda: math.floor(math.log(FLOAT32_MAX) / math.log(2.0)) + 1,
        "int(np.log2(3.4e38)) + 1",
        "float32 holds numbers up to about 3.4e38. How many doublings of 1.0 reach 2^n > 3.4e38?",
        whole=True,
    ),
    "tanh_sigmoid_steps": Question(
        lambda: math.log(1e-6) / math.log(0.25),
        "np.log(1e-6) / np.log(0.25)",
        "For sigmoid, gamma = 1/4, so even with sigma_max(W_aa) = 1 each step can shrink the "
        "gradient by 4. Solve 0.25^n = 1e-6 for n.",
        digits=3,
    ),
    "clip_factor": Question(
        lambda: 5.0 / 50.0,
        "5 / 50",
        "Clipping by global norm multiplies the whole gradient vector by one factor, "
        "max_norm / ||g|| (when ||g|| > max_norm): every array, and every step's gradient, "
        "by the same number. It rescales the gradient; it does not change how the steps' "
        "gradients compare.",
        rtol=0.01,
    ),
}


def check_answer(question, answer):
    """Check a numeric answer to one of `ANSWERS`: to the significant digits the question asks
    for, else to its relative tolerance."""
    if not isinstance(question, str) or question not in ANSWERS:
        kind = ValueError if isinstance(question, str) else TypeError
        raise kind(f"question == {_short(question)}, must be one of {', '.join(ANSWERS)}")
    q = ANSWERS[question]
    if answer is None or answer is ...:
        return Feedback(False, "Replace the `...` by your answer (a number).")
    answer, problem = _as_number("The answer", answer)
    if problem:
        return Feedback(False, problem)
    expected = float(q.value())
    if q.whole and answer != round(answer) and abs(answer - expected) < 1:
        return Feedback(
            False,
            f"{_apart(answer, round(answer))[0]} is close, but a number of steps is a whole "
            "number: which whole number of doublings first goes past the limit?",
        )
    if q.digits:
        right = _rounded(answer, q.digits) == _rounded(expected, q.digits)
    else:
        right = math.isclose(answer, expected, rel_tol=max(q.rtol, 1e-12))
    if right:
        return Feedback(True, f"{expected:.4g} it is.")
    asked = q.digits or 3
    digits = _significant_digits(answer)
    if digits < asked and answer == float(f"{expected:.{digits}g}"):
        return Feedback(
            False,
            f"Close: {answer:g} is the answer rounded to {digits} significant "
            f"digit{'s' * (digits > 1)}. Give {asked} significant digits.",
        )
    near = q.rtol or (10.0 ** (1 - q.digits) if q.digits else 0.0)  # one unit in the last digit
    if q.digits and math.isclose(answer, expected, rel_tol=near):
        return Feedback(
            False,
            f"{answer:.{max(digits, q.digits)}g} is close, but not the answer to {q.digits} "
            f"significant digits: round the digits after the {_ordinal(q.digits)} (half up), "
            "do not cut them off, and check the last one you keep.",
        )
    if expected != 0 and math.isclose(answer, 1 / expected, rel_tol=max(near, 1e-12)):
        upside_down = f"{answer:.4g} is the reciprocal of the answer: upside down?"
        return Feedback(False, f"{upside_down} {q.hint}")
    direction = "too large" if answer > expected else "too small"
    return Feedback(False, f"{answer:.4g} is {direction}. {q.hint}")


def _rounded(x, digits):
    """`x` rounded to `digits` significant digits, half up, as typed: 9.965 -> 9.97, 10 -> 10."""
    typed = Decimal(repr(float(x)))  # the shortest decimal that is x: 9.965, not 9.96499...
    if typed == 0:
        return typed
    unit = Decimal(1).scaleb(typed.adjusted() - digits + 1)
    return typed.quantize(unit, rounding=ROUND_HALF_UP)


def _ordinal(n):
    """1 -> 'first', 2 -> 'second', ...; '4th' beyond."""
    return ("first", "second", "third")[n - 1] if n <= 3 else f"{n}th"


def _significant_digits(x):
    """How many significant digits a typed number has: 0.006 -> 1, 0.0057 -> 2, 5.70e-3 -> 2."""
    mantissa = f"{abs(x):.15g}".split("e")[0].replace(".", "").lstrip("0").rstrip("0")
    return max(len(mantissa), 1)


# ---- Notebook 3: sigma_max > 1 and yet the gradient vanishes -------------------------------


def nonnormal_solution():
    """A 2 x 2 W_aa with sigma_max > 1 and spectral radius < 1 (reference solution)."""
    return np.array([[0.5, 2.0], [0.0, 0.5]])


def check_nonnormal(W_aa):
    """Check a 2 x 2 matrix with sigma_max(W_aa) > 1 whose powers still shrink (spectral
    radius < 1)."""
    if W_aa is None or W_aa is ...:
        return Feedback(False, "Replace the `...` by a 2 x 2 numpy array.")
    W, problem = _as_real_array("W_aa", W_aa, (2, 2))
    if problem:
        return Feedback(False, problem)
    W = W.astype(np.float64)  # a typed matrix: its norms in float64, whatever its dtype
    if W.shape != (2, 2):
        return Feedback(
            False,
            f"W_aa has shape {W.shape}: the exercise asks for a 2 x 2 matrix, two rows of two "
            "numbers, e.g. np.array([[a, b], [c, d]]).",
        )
    largest = float(np.max(np.abs(W)))
    try:
        if largest > 1e100:  # numpy's SVD would fail, or LAPACK would print errors
            raise np.linalg.LinAlgError
        with np.errstate(all="ignore"):  # W_aa^60 may overflow: then it has not shrunk
            s = float(np.linalg.norm(W, 2))
            rho = float(np.max(np.abs(np.linalg.eigvals(W))))
            W_60 = np.linalg.matrix_power(W, 60)
            power = float(np.linalg.norm(W_60, 2)) if np.isfinite(W_60).all() else math.inf
    except np.linalg.LinAlgError:
        return Feedback(
            False,
            "numpy cannot reliably compute sigma_max and the eigenvalues of this W_aa (its "
            f"largest entry is {largest:.3g}). Use entries of moderate size, like 0.5 and 2.",
        )
    # a linear RNN: gamma = 1, so the bound's sigma_max * gamma is sigma_max; the words are the
    # course's (diagnostics.regime): within 1e-6 of 1 is "neither"
    bound = regime(s, 1.0)
    if bound == "vanishing":
        return Feedback(
            False,
            f"sigma_max(W_aa) = {_beside_one(s)} < 1: the bound (sigma_max * gamma, with "
            "gamma = 1 for a linear RNN) already says the gradient vanishes. The exercise asks "
            "for sigma_max > 1: make one entry large, e.g. off the diagonal.",
        )
    if bound == "neither":
        return Feedback(
            False,
            f"sigma_max(W_aa) = {'1' if s == 1 else f'{s:.9g}, within 1e-6 of 1'}: sigma_max * "
            "gamma = 1 (gamma = 1 for a linear RNN), the edge where the bound says neither "
            "vanishing nor exploding. The exercise asks for sigma_max > 1: make one entry "
            "large, e.g. off the diagonal.",
        )
    s_text = _beside_one(s)
    if rho >= 1:
        return Feedback(
            False,
            f"sigma_max = {s_text} > 1 but the spectral radius is {rho:.3g} "
            ">= 1, so powers of W_aa do not shrink. Try a triangular matrix with "
            "small diagonal entries: its eigenvalues are the diagonal.",
        )
    if power >= 0.1:
        return Feedback(
            False,
            f"sigma_max = {s_text} > 1 and the spectral radius {rho:.3g} < 1, "
            f"so powers of W_aa do shrink in the end, but ||W_aa^60|| = {power:.2g} "
            "has not shrunk much yet. Make the diagonal entries smaller so that the "
            "vanishing shows within 60 steps.",
        )
    return Feedback(
        True,
        f"sigma_max = {s_text} > 1, spectral radius = {rho:.3g} < 1, and "
        f"||W_aa^60|| = {power:.2g}: a linear RNN's gradient vanishes over 60 steps "
        "even though sigma_max > 1. The condition sigma_max > 1 is necessary for "
        "exploding, not sufficient.",
    )


def _beside_one(x):
    """`x` with 3 significant digits, or as many more as tell it from 1: 1.0004 -> '1.0004'."""
    for digits in range(3, 18):
        text = f"{x:.{digits}g}"
        if x == 1 or float(text) != 1:
            return text
    return text


# ---- Notebook 4: clipping by global norm --------------------------------------------------


def clip_solution(grads, max_norm):
    """Clip a dict of gradients by their global norm (reference solution)."""
    total = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    if total > max_norm:
        return {k: g * (max_norm / total) for k, g in grads.items()}, total
    return {k: g.copy() for k, g in grads.items()}, total


def _changed(grads, original):
    """Whether the dict `grads`, or an array in it, differs from `original`, a copy of each."""
    try:
        return grads.keys() != original.keys() or any(
            not np.array_equal(grads[k], v) for k, v in original.items()
        )
    except Exception:  # an entry replaced by something numpy cannot compare
        return True


def _clipped_array_by_array(grads, clipped):
    """Whether `clipped` is `grads` clipped array by array (each by its own norm), which here
    differs from clipping by the global norm."""
    by_array, by_global = clip_by_array_norm(grads, 5.0), clip_solution(grads, 5.0)[0]
    got = {k: _as_real_array(k, clipped[k], grads[k].shape)[0] for k in grads}
    return all(g is not None and _same(g, by_array[k]) for k, g in got.items()) and not all(
        _same(by_array[k], by_global[k]) for k in grads
    )


def check_clip(fn, *, seed=0, time_limit=TIME_LIMIT):
    """Check `fn(grads, max_norm) -> (clipped, total_norm)`, clipping by the global norm.

    seed : for the test gradients;  time_limit : seconds each of the two calls of `fn` may take
    """
    rng = np.random.default_rng(check_seed(seed))
    time_limit = check_float("time_limit", time_limit)
    big = {"W_aa": rng.standard_normal((3, 3)) * 10, "b_a": rng.standard_normal(3) * 10}
    small = {k: v / 1000 for k, v in big.items()}
    for grads, label in ((big, "a large gradient"), (small, "a small gradient")):
        original = {k: v.copy() for k, v in grads.items()}
        out, problem = _call(fn, grads, 5.0, time_limit=time_limit, keys=("grads", grads))
        if problem is not None:
            return problem
        if not isinstance(out, tuple) or len(out) != 2 or not isinstance(out[0], dict):
            return Feedback(False, "Return the clipped dict and the norm: `return clipped, total`.")
        clipped, total = out
        if _changed(grads, original):
            return Feedback(
                False,
                "Your function changed the input arrays in place (e.g. with "
                "*=). Build new arrays instead: the caller may still need the old ones.",
            )
        if clipped.keys() != grads.keys():
            keys, want = (", ".join(sorted(map(_short, d))) or "none" for d in (clipped, grads))
            return Feedback(False, f"The clipped dict has keys {keys}, expected {want}.")
        if _clipped_array_by_array(grads, clipped):
            return Feedback(
                False,
                "Each array was clipped by its own norm (array by array, like Keras' clipnorm): "
                "W_aa and b_a shrink by different factors, which turns the update. Clip by the "
                "global norm: one total_norm = sqrt(sum over arrays of sum(g**2)) and one factor, "
                "max_norm / total_norm, for every array.",
            )
        total, problem = _as_number("total_norm", total)
        if problem:
            return Feedback(False, f"For {label}: {problem}")
        want = global_norm(grads)
        if not np.isclose(total, want):
            shown, wanted = _apart(total, want)
            per_array = [float(np.linalg.norm(v)) for v in grads.values()]
            if any(np.isclose(total, p) for p in per_array):
                return Feedback(
                    False,
                    "total_norm is the norm of one array. The global norm "
                    "takes every array: sqrt(sum over arrays of sum(g**2)).",
                )
            return Feedback(
                False,
                f"For {label} total_norm is {shown}, expected "
                f"{wanted} = sqrt(sum over arrays of sum(g**2)).",
            )
        expected, _ = clip_solution(grads, 5.0)
        for k in grads:
            got, problem = _as_real_array(f"clipped[{k!r}]", clipped[k], grads[k].shape)
            if problem:
                return Feedback(False, f"For {label}: {problem}")
            if _same(got, np.clip(grads[k], -5.0, 5.0)) and not _same(got, expected[k]):
                return Feedback(
                    False,
                    "That is clipping by value (each entry into [-5, 5]), "
                    "which changes the direction. Rescale every array by "
                    "max_norm / total_norm instead.",
                )
            problem = _compare(f"clipped[{k!r}]", got, expected[k])
            if problem:
                hint = (
                    "Below the threshold nothing should change."
                    if label.endswith("small gradient")
                    else "Above the threshold scale by max_norm / total_norm."
                )
                return Feedback(False, f"For {label}: {problem} {hint}")
    return Feedback(
        True,
        "Large gradients are scaled down to length 5 with their direction "
        "kept; small ones pass unchanged; the input is left alone.",
    )


# ---- Notebook 6: one GRU step -------------------------------------------------------------


def gru_step_solution(a_prev, x_t, params):
    """One GRU step, c<t> = a<t>, in the lecture's notation (reference solution)."""

    def sigma(z):
        return 1 / (1 + np.exp(-z))

    concat = np.concatenate([a_prev, x_t])
    gamma_r = sigma(params["W_r"] @ concat + params["b_r"])
    gamma_u = sigma(params["W_u"] @ concat + params["b_u"])
    c_tilde = np.tanh(params["W_c"] @ np.concatenate([gamma_r * a_prev, x_t]) + params["b_c"])
    return gamma_u * c_tilde + (1 - gamma_u) * a_prev


def _gru(a_prev, x_t, params, *, order="ax", candidate="gamma_r", no_bias="", swap=False):
    """One GRU step, written with the slips students make most: the stacking `order` "xa"; the
    `candidate` computed from a<t-1> ("none"), from Gamma_u * a<t-1> ("gamma_u") or with Gamma_r
    after W_c ("after"); the bias `no_bias` ("b_c", ...) left out; the update's roles `swap`ped."""

    def stack(a, x):
        return np.concatenate([a, x] if order == "ax" else [x, a])

    def bias(name):
        return 0.0 if name == no_bias else params[name]

    gamma_r = sigmoid(params["W_r"] @ stack(a_prev, x_t) + bias("b_r"))
    gamma_u = sigmoid(params["W_u"] @ stack(a_prev, x_t) + bias("b_u"))
    kept = {"gamma_r": gamma_r * a_prev, "gamma_u": gamma_u * a_prev}.get(candidate, a_prev)
    z_c = params["W_c"] @ stack(kept, x_t)  # (n_a, n_a + n_x) @ (n_a + n_x,) -> (n_a,)
    c_tilde = np.tanh((gamma_r * z_c if candidate == "after" else z_c) + bias("b_c"))
    if swap:
        return (1 - gamma_u) * c_tilde + gamma_u * a_prev
    return gamma_u * c_tilde + (1 - gamma_u) * a_prev


# (a slip, as keywords of `_gru`; what the student reads)
_GRU_SLIPS = [
    (
        {"swap": True},
        "The update gate's roles are swapped: c<t> = Gamma_u * c~<t> + (1 - Gamma_u) * c<t-1>, "
        "so Gamma_u near 1 means 'update'.",
    ),
    (
        {"order": "xa"},
        "You stacked [x<t>, a<t-1>]: the weights expect [a<t-1>, x<t>], that is "
        "np.concatenate([a_prev, x_t]), in all three products.",
    ),
    (
        {"candidate": "none"},
        "Gamma_r is missing: the candidate is c~<t> = tanh(W_c [Gamma_r * a<t-1>, x<t>] + b_c), "
        "with Gamma_r multiplying a<t-1> before W_c.",
    ),
    (
        {"candidate": "gamma_u"},
        "The candidate uses the update gate: c~<t> = tanh(W_c [Gamma_r * a<t-1>, x<t>] + b_c) "
        "takes Gamma_r (from W_r and b_r); Gamma_u only mixes c~<t> and c<t-1> in the last line.",
    ),
    (
        {"candidate": "after"},
        "Gamma_r multiplies W_c's product instead of a<t-1>: the candidate is c~<t> = tanh(W_c "
        "[Gamma_r * a<t-1>, x<t>] + b_c), with Gamma_r * a_prev inside the concatenation.",
    ),
    (
        {"no_bias": "b_u"},
        "b_u is missing: Gamma_u = sigma(W_u [a<t-1>, x<t>] + b_u) adds b_u inside the sigmoid.",
    ),
    (
        {"no_bias": "b_r"},
        "b_r is missing: Gamma_r = sigma(W_r [a<t-1>, x<t>] + b_r) adds b_r inside the sigmoid.",
    ),
    (
        {"no_bias": "b_c"},
        "b_c is missing: c~<t> = tanh(W_c [Gamma_r * a<t-1>, x<t>] + b_c) adds b_c inside the "
        "tanh.",
    ),
]


def check_gru_step(fn, *, seed=0, time_limit=TIME_LIMIT):
    """Check `fn(a_prev, x_t, params) -> a_t`, one GRU step for a single sequence.

    seed : for the test inputs;  time_limit : seconds `fn` may take, > 0
    """
    rng = np.random.default_rng(check_seed(seed))
    time_limit = check_float("time_limit", time_limit)
    n_x, n_a = 3, 4
    params = {k: rng.standard_normal((n_a, n_a + n_x)) for k in ("W_u", "W_r", "W_c")}
    params |= {k: rng.standard_normal(n_a) for k in ("b_u", "b_r", "b_c")}
    a_prev, x_t = rng.standard_normal(n_a), rng.standard_normal(n_x)
    copies = {k: v.copy() for k, v in params.items()}
    out, problem = _call(
        fn, a_prev.copy(), x_t.copy(), copies, time_limit=time_limit, keys=("params", params)
    )
    if problem is not None:
        return problem
    want = gru_step_solution(a_prev, x_t, params)
    if isinstance(out, tuple) and any(
        e is None or isinstance(e, list | tuple | np.ndarray) for e in out
    ):
        items = [_as_real_array("a_t", e, (n_a,))[0] for e in out[:3]]  # None: not an array
        right = [i for i, e in enumerate(items) if e is not None and _same(e, want)]
        place = ("first", "second", "third")[right[0]] if right else ""
        found = f" (its {place} item is the right a<t>)" if right else ""
        n = len(out)
        return Feedback(
            False,
            f"Your function returns a tuple of {n} item{'s' * (n != 1)}: return one array, a<t> "
            f"(for the GRU it is also c<t>), not a tuple{found}: `return a_t`.",
        )
    a_t, problem = _as_real_array("a_t", out, (n_a,))
    if problem:
        return Feedback(False, problem)
    for slip, message in _GRU_SLIPS:
        if _same(a_t, _gru(a_prev, x_t, params, **slip)):
            return Feedback(False, message)
    problem = _compare("a_t", a_t, want)
    if problem:
        return Feedback(
            False,
            problem + " Compare each line with the GRU equations of section 1: Gamma_r and "
            "Gamma_u from [a<t-1>, x<t>], then c~<t> from [Gamma_r * a<t-1>, x<t>], then "
            "c<t> = Gamma_u * c~<t> + (1 - Gamma_u) * c<t-1>.",
        )
    return Feedback(
        True,
        "Your GRU step matches. When Gamma_u is near 0, a<t> is almost "
        "a<t-1>: the memory, and the gradient, pass through unchanged.",
    )


SOLUTIONS = {
    "backward_step": backward_step_solution,
    "nonnormal": nonnormal_solution,
    "clip": clip_solution,
    "gru_step": gru_step_solution,
}


def show_solution(name):
    """Print the reference solution of exercise `name` (for instructors and after trying).

    A graded release turns solutions off: with the environment variable RNNVIZ_SOLUTIONS=off
    (its notebooks set it first), this says so and shows none.
    """
    if not isinstance(name, str):
        choices = ", ".join([*SOLUTIONS, *ANSWERS])
        raise TypeError(f"name == {_short(name)}, must be a string, one of {choices}")
    if name not in ANSWERS and name not in SOLUTIONS:
        choices = ", ".join([*SOLUTIONS, *ANSWERS])
        raise ValueError(f"name == {name!r}, must be one of {choices}")
    if not solutions_on():
        print(
            f"Solutions are off in this release ({SOLUTIONS_SWITCH}=off): no solution of {name!r} "
            "to show. Run the exercise's check for feedback, or ask your instructor."
        )
        return
    if name in ANSWERS:
        q = ANSWERS[name]
        print(f"{name}: {q.solution} = {q.value():.6g}\n{q.hint}")
        return
    print(textwrap.dedent(inspect.getsource(SOLUTIONS[name])))


SOLUTIONS_SWITCH = "RNNVIZ_SOLUTIONS"


def solutions_on():
    """Whether `show_solution` shows solutions: the environment variable RNNVIZ_SOLUTIONS is
    "on" (or unset) or "off", read at each call; any other value is an error that names it."""
    value = os.environ.get(SOLUTIONS_SWITCH, "on")
    if value.strip().lower() in ("on", ""):
        return True
    if value.strip().lower() == "off":
        return False
    raise ValueError(f"{SOLUTIONS_SWITCH} == {value!r}, must be 'on' or 'off'")
