"""Limits that hold: the budget refuses a call before it allocates, and a call inside the budget
stays inside it (peak memory measured with tracemalloc); nothing a call returns or is given can
change a later result; dtypes and array kinds rnnviz cannot honour are refused by name; threads
leave BLAS as they found it; a live view never shows a setting it did not compute."""

import re
import threading
import time
import tracemalloc

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import rnnviz as rv
from rnnviz.widgets import GradientFlowExplorer

CELLS = ("rnn", "gru", "lstm")


def zeros(*shape):
    """An array of zeros of any size with no memory behind it (a broadcast view)."""
    return np.broadcast_to(np.zeros(1), shape)


def peak(call):
    """(peak bytes allocated while `call` runs, its result), by tracemalloc."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = call()
        return tracemalloc.get_traced_memory()[1] - base, result
    finally:
        tracemalloc.stop()


def refused_quickly(call, match):
    """The call raises BudgetError matching `match`, within 2 s and 10 MB (nothing computed)."""
    start = time.perf_counter()
    used, error = peak(lambda: _raised(call))
    assert isinstance(error, rv.BudgetError), error
    assert re.search(match, str(error)), str(error)
    assert time.perf_counter() - start < 2.0
    assert used < 10 * 2**20, used
    return str(error)


def _raised(call):
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the caller checks which
        return error
    return None


def gib(message):
    return float(re.search(r"about ([\d.]+) GiB at once", message).group(1))


# --- the budget refuses, before allocating -------------------------------------------------------


def test_the_examples_that_asked_for_gigabytes_are_refused_before_allocating():
    big = rv.init_params(4, 512, 2, seed=0)
    message = refused_quickly(lambda: rv.explore(big, np.zeros((10_000, 4)), 0), "explore")
    assert gib(message) >= 10_000 * 512 * 512 * 8 / 2**30  # the Jacobian products alone
    wide_out = rv.init_params(1, 1, 4096, seed=0)
    message = refused_quickly(lambda: rv.predict(wide_out, zeros(10_000, 1000, 1)), "m = 1,000")
    assert gib(message) >= 10_000 * 1000 * 4096 * 8 / 2**30  # y_hat alone
    many_classes = rv.init_params(2, 8, 4096, seed=0)
    refused_quickly(lambda: rv.connectivity(many_classes, np.zeros((30, 2))), "n_y = 4,096")
    gru = rv.init_params(2, 8, 2, cell="gru", seed=0)
    refused_quickly(lambda: rv.connectivity(gru, np.zeros((2000, 2))), "connectivity of the gru")
    lstm = rv.init_params(4, 32, 2, cell="lstm", seed=0)  # T * m * n_a = 2**25: 256 MiB each
    x, y = zeros(1024, 1024, 4), np.zeros((1024, 1024), dtype=int)
    message = refused_quickly(lambda: rv.loss_and_grads(lstm, x, y), "lstm")
    assert gib(message) >= 10 * 2**25 * 8 / 2**30


def test_work_is_bounded_too():
    params = rv.init_params(2, 4, 2, seed=0)
    x, y = rv.adding(8, 10, seed=0)
    message = refused_quickly(lambda: rv.train(params, x, y, steps=10**12), r"steps")
    assert "operations" in message and "hours" in message
    refused_quickly(lambda: rv.init_params(4, 4096, 2), r"init_params .* n_a = 4,096")
    refused_quickly(lambda: rv.adding(100_000, 10_000), "adding task")
    rng = np.random.default_rng(0)
    refused_quickly(lambda: rv.random_orthogonal(4000, rng), r"random_orthogonal\(4,000\)")
    with pytest.raises(ValueError, match="n_a == 100000, must be <= 4,096"):
        rv.init_lstm(3, 100_000, rng)
    refused_quickly(lambda: rv.experiments.sweep(["rnn", "lstm"], [10, 40], range(10**4)),
                    "a sweep of 40,000 training runs")  # fmt: skip


def test_the_budget_is_one_setting_the_user_can_raise_for_a_block():
    params = rv.init_params(2, 8, 2, seed=0)
    x = np.zeros((200, 40, 2))  # a forward and backward pass: about 6 MiB
    with rv.set_budget(memory=2**20):
        assert rv.get_budget()["memory"] == 2**20
        with pytest.raises(rv.BudgetError, match=r"rnnviz.set_budget\(memory=...\)"):
            rv.forward(params, x)
    assert rv.get_budget()["memory"] == 2**30  # restored at the end of the block
    rv.forward(params, x)
    with pytest.raises(TypeError, match="memory"):
        rv.set_budget(memory="lots")
    with pytest.raises(ValueError, match="operations == 0"):
        rv.set_budget(operations=0)


# --- at the edge of the budget, the call stays inside it -----------------------------------------

BUDGET = 48 * 2**20  # small, so each edge is found in a few seconds


def at_edge(make, lo=1, hi=1 << 16):
    """The largest size s in [lo, hi) whose call make(s)() the budget accepts, with the peak
    memory and time of that call. Refused sizes fail before allocating, so bisection is cheap
    on their side; accepted ones run."""
    best = None
    while lo < hi:
        mid = (lo + hi) // 2
        start = time.perf_counter()
        used, error = peak(lambda mid=mid: _raised(make(mid)))
        if isinstance(error, rv.BudgetError):
            hi = mid
        else:
            assert error is None, error
            best = (mid, used, time.perf_counter() - start)
            lo = mid + 1
    assert best is not None and best[0] > 1, "no size fits the budget"
    return best


EDGE_CALLS = {
    # name: size -> call, over the batch size m (or the length T where there is no batch)
    **{
        f"loss_and_grads {cell}": lambda m, cell=cell: (
            lambda: rv.loss_and_grads(
                rv.init_params(8, 64, 10, cell=cell, seed=0),
                np.ones((100, m, 8)),
                np.ones((100, m), dtype=int),
            )
        )
        for cell in CELLS
    },
    "predict lstm": lambda m: (
        lambda: rv.predict(rv.init_params(8, 64, 10, cell="lstm", seed=0), np.ones((100, m, 8)))
    ),
    "explore": lambda T: (
        lambda: rv.explore(rv.init_params(4, 96, 4, seed=0), np.ones((T, 4)), None)
    ),
    "connectivity rnn": lambda T: (
        lambda: rv.connectivity(rv.init_params(4, 32, 10, seed=0), np.ones((T, 4)))
    ),
    "connectivity gru": lambda T: (
        lambda: rv.connectivity(rv.init_params(4, 16, 3, cell="gru", seed=0), np.ones((T, 4)))
    ),
    "train gru": lambda m: (
        lambda: rv.train(
            rv.init_params(8, 32, 2, cell="gru", seed=0),
            np.ones((50, 4, 8)),
            np.ones((50, 4), dtype=int),
            steps=2,
            batch_size=m,
        )
    ),
}


@pytest.mark.parametrize("name", list(EDGE_CALLS))
def test_a_call_at_the_edge_of_the_budget_stays_inside_it(name):
    with rv.set_budget(memory=BUDGET, operations=10**12):
        size, used, _ = at_edge(EDGE_CALLS[name], hi=4096)
    # inside the budget, and the estimate not so loose that it refuses calls that fit easily
    assert used <= BUDGET, f"{name} at size {size}: {used / 2**20:.1f} MiB"
    assert used >= BUDGET / 8, f"{name} at size {size}: only {used / 2**20:.1f} MiB"


# --- nothing returned or given changes a later result ----------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_changing_what_forward_returned_or_was_given_changes_nothing(cell):
    params = rv.init_params(3, 5, 4, cell=cell, seed=0)
    x = np.random.default_rng(0).standard_normal((6, 2, 3))
    a, cache = rv.forward(params, x)
    da = np.random.default_rng(1).standard_normal(a.shape)
    before = rv.backward(da, cache)
    with pytest.raises(ValueError, match="read-only"):
        a *= 0  # the returned states are the cache's, read-only
    x *= 3  # the input
    for v in params.values():  # the parameters, in place
        v *= 2
    params.clear()
    after = rv.backward(da, cache)
    for k in before:
        np.testing.assert_array_equal(before[k], after[k], err_msg=k)
    with pytest.raises(ValueError, match="read-only"):
        cache["params"][next(iter(cache["params"]))][...] = 0


def test_train_returns_its_own_arrays_even_when_it_stops_at_once():
    params = rv.init_params(2, 4, 2, seed=0)
    params["W_ya"][:] = np.nan  # diverges at step 0: the parameters come back as they were
    x, y = rv.adding(8, 10, seed=0)
    out, history = rv.train(params, x, y, steps=3)
    assert history["diverged_at"] == 0
    assert all(out[k] is not params[k] and not np.shares_memory(out[k], params[k]) for k in out)


# --- what rnnviz cannot honour is refused by name ---------------------------------------------


def test_matrix_and_masked_arrays_and_a_gated_cells_activation_are_refused_by_name():
    params = rv.init_params(4, 5, 3, seed=0)
    x = np.zeros((6, 4))
    with pytest.raises(TypeError, match=r"params\['W_aa'\] is an np.matrix"):
        rv.forward(params | {"W_aa": np.asmatrix(params["W_aa"])}, x)
    with pytest.raises(TypeError, match="x is an np.matrix"):
        rv.forward(params, np.asmatrix(x))
    masked = np.ma.masked_array(np.ones(3), mask=[0, 1, 0])
    with pytest.raises(TypeError, match=r"x is a masked array"):
        rv.forward(params, np.ma.masked_array(x))
    with pytest.raises(TypeError, match=r"grads\['g'\] is a masked array"):
        rv.global_norm({"g": masked})
    with pytest.raises(TypeError, match="logits is a masked array"):
        rv.softmax(masked)
    y = np.ma.masked_array(np.zeros(6, dtype=int), mask=[1, 0, 0, 0, 0, 0])
    with pytest.raises(TypeError, match="y is a masked array"):
        rv.loss_and_grads(params, x, y)
    a, cache = rv.forward(params, x)
    with pytest.raises(TypeError, match="da is a masked array"):
        rv.backward(np.ma.masked_array(np.ones_like(a)), cache)
    for cell in ("gru", "lstm"):
        gated = rv.init_params(4, 5, 3, cell=cell, seed=0)
        for activation in ("bogus", "relu"):
            with pytest.raises(ValueError, match=f"activation == '{activation}'"):
                rv.forward(gated, x, activation=activation)
        rv.forward(gated, x, activation="tanh")  # what the gated cells use: accepted


# --- threads ---------------------------------------------------------------------------------


def blas_threads():
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_threads_leave_blas_as_they_found_it():
    params = rv.init_params(3, 16, 2, seed=0)
    x = np.random.default_rng(0).standard_normal((40, 3))
    y = np.zeros(40, dtype=int)
    errors = []

    def work(i):
        try:
            for _ in range(30):
                if i % 2:
                    rv.gradient_norms(params, x, y)
                else:
                    rv.explore(params, x, 0)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        assert before and all(n == 2 for n in before)
        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert blas_threads() == before


# --- a live view never shows a setting it did not compute -------------------------------------


def test_a_setting_that_cannot_be_computed_is_refused_and_the_controls_go_back():
    view = GradientFlowExplorer(T=20, n_a=8)
    shown = dict(view.setting)
    view.setting = {**view.setting, "T": 5000}  # not a value of the T control
    assert view.setting == shown
    assert view.result["setting"] == shown
    assert "T == 5000" in view.error
    view.set(T=30)
    assert view.error == "" and view.result["setting"]["T"] == 30
    with pytest.raises(ValueError, match="T == 5000"):
        view.set(T=5000)
    assert view.setting["T"] == 30


def test_a_live_view_driven_from_two_threads_ends_where_its_last_move_put_it():
    view = GradientFlowExplorer(T=20, n_a=8)
    errors = []

    def move(values):
        try:
            for v in values:
                view.set(T=v)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [
        threading.Thread(target=move, args=(range(10, 60, 2),)),
        threading.Thread(target=move, args=(range(11, 61, 2),)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert view.result["setting"] == view.setting
    assert view.flow.k[-1] == view.setting["T"]
