"""The basic RNN, forward and backward through time (the output layer is in `output`).

    a<t>     = g(z<t>),   z<t> = W_aa a<t-1> + W_ax x<t> + b_a

Backward through time (L the loss, da<t> the gradient arriving from the output at step t):

    dL/da<t> = da<t> + W_aa^T dL/dz<t+1>        (the total gradient at step t)
    dL/dz<t> = dL/da<t> * g'(z<t>)
    dL/dW_aa = sum_t dL/dz<t> a<t-1>^T,  dL/dW_ax = sum_t dL/dz<t> x<t>^T,  dL/db_a = sum_t dL/dz<t>

Everything that does not depend on the previous step (the input projections W_ax x<t>, the
derivatives g'(z<t>), the weight gradients) is computed for all t at once, outside the loop; the
backward loop carries only dL/dz<t>, and the total dL/da<t> is formed afterwards for all t. In the
loops, np.dot on a contiguous matrix: at these sizes the call overhead, not the arithmetic, is the
cost, and np.dot has less of it than the @ operator.
"""

import numpy as np

from . import budget
from ._checks import MAX_UNITS, check_float, check_int
from ._shapes import (
    PARAM_SHAPES,
    check_cache,
    check_cell,
    check_da,
    frozen_params,
    prepare_inputs,
    read_only,
    unbatch,
)
from .activations import get_activation


def random_orthogonal(n, rng):
    """A random n x n orthogonal matrix Q (uniform over the orthogonal group): Q^T Q = I."""
    n = check_int("n", n, maximum=MAX_UNITS, what="units of a layer")
    budget.check(f"random_orthogonal({n:,})", nbytes=8 * 4 * n * n, operations=budget.cube(n),
                 smaller="n")  # fmt: skip
    q, r = np.linalg.qr(rng.standard_normal((n, n)))  # (n, n), (n, n)
    return q * np.sign(np.diag(r))


def init_rnn(n_x, n_a, rng, *, weight_scale=1.0):
    """W_aa = weight_scale * Q (Q random orthogonal), W_ax ~ N(0, 1 / n_x), b_a = 0.

    sigma_max(W_aa) == weight_scale, and every singular value of W_aa equals it. Used by
    `init_params(..., cell="rnn")`, which adds the output layer W_ya, b_y.
    """
    weight_scale = check_float("weight_scale", weight_scale, allow_zero=True)
    return {
        "W_aa": weight_scale * random_orthogonal(n_a, rng),
        "W_ax": rng.standard_normal((n_a, n_x)) / np.sqrt(n_x),
        "b_a": np.zeros(n_a),
    }


def rnn_forward(params, x, a0=None, *, activation="tanh"):
    """Run the RNN over a sequence: a<t> = g(W_aa a<t-1> + W_ax x<t> + b_a) for t = 1..T.

    Parameters
    ----------
    params : dict from `init_params`
    x : ndarray of shape (T, n_x), or (T, m, n_x) for a batch of m sequences
    a0 : ndarray of shape (n_a,) or (m, n_a), default zeros
    activation : "tanh", "sigmoid", "relu" or "linear"

    Returns
    -------
    a : ndarray of shape (T, n_a) or (T, m, n_a), the hidden states a<1> .. a<T>
    cache : dict, everything `rnn_backward` needs
    """
    act = get_activation(activation)
    check_cell(params, "rnn", "rnn_forward")
    x3, a0, batched = prepare_inputs(params, PARAM_SHAPES["rnn"], x, a0)
    W_aa_T = np.ascontiguousarray(params["W_aa"].T)
    with np.errstate(over="ignore", invalid="ignore"):
        z = x3 @ params["W_ax"].T + params["b_a"]  # (T, m, n_x) @ (n_x, n_a) -> (T, m, n_a)
        a = np.empty_like(z)
        a_prev = a0
        for z_t, a_t in zip(z, a, strict=True):  # z<t>, a<t> for t = 1..T, in place
            z_t += np.dot(a_prev, W_aa_T)  # (m, n_a) @ (n_a, n_a) -> (m, n_a)
            a_t[...] = a_prev = act.g(z_t)
    cache = {
        "params": frozen_params(params, PARAM_SHAPES["rnn"]),
        "x": x3,
        "a0": a0,
        "z": z,
        "a": a,
        "activation": act,
        "batched": batched,
        "cell": "rnn",
    }
    return read_only(a if batched else a[:, 0]), cache


def rnn_backward(da, cache):
    """Backpropagation through time for `rnn_forward`.

    Parameters
    ----------
    da : ndarray shaped like a, (T, n_a) or (T, m, n_a): dL/da<t> from outside the recurrence
    cache : from `rnn_forward`

    Returns
    -------
    dict of gradients: "W_aa", "W_ax", "b_a" (parameter shapes), "x" (shape of x),
    "a0" (shape of a0) and "a" (shape of a), the total dL/da<t> through all later steps.
    """
    check_cache(cache, "rnn", "rnn_backward")
    z, a, x, a0 = cache["z"], cache["a"], cache["x"], cache["a0"]
    W_aa = cache["params"]["W_aa"]
    da = check_da(da, cache)
    with np.errstate(over="ignore", invalid="ignore"):
        dg = cache["activation"].dg(z, a)  # g'(z<t>) for every t, (T, m, n_a)
        dz = np.empty_like(z)
        dz_next = np.zeros_like(a0)
        for t in range(len(z) - 1, -1, -1):
            # dL/dz<t> = (da<t> + W_aa^T dL/dz<t+1>) * g'(z<t>); (m, n_a) @ (n_a, n_a) -> (m, n_a)
            dz_next = np.multiply(da[t] + np.dot(dz_next, W_aa), dg[t], out=dz[t])
        da_total = da.copy()  # dL/da<t> = da<t> + W_aa^T dL/dz<t+1>, for all t at once
        da_total[:-1] += dz[1:] @ W_aa  # (T-1, m, n_a) @ (n_a, n_a) -> (T-1, m, n_a)
        a_prev = np.concatenate([a0[None], a[:-1]])  # a<0> .. a<T-1>, (T, m, n_a)
        n_a, n_x = W_aa.shape[0], x.shape[-1]
        dz2 = dz.reshape(-1, n_a)
        grads = {
            "W_aa": dz2.T @ a_prev.reshape(-1, n_a),  # (n_a, T*m) @ (T*m, n_a) -> (n_a, n_a)
            "W_ax": dz2.T @ x.reshape(-1, n_x),  # (n_a, T*m) @ (T*m, n_x) -> (n_a, n_x)
            "b_a": dz2.sum(axis=0),
            "x": dz @ cache["params"]["W_ax"],  # (T, m, n_a) @ (n_a, n_x) -> (T, m, n_x)
            "a0": dz[0] @ W_aa,  # (m, n_a) @ (n_a, n_a) -> (m, n_a)
            "a": da_total,
        }
    return unbatch(grads, cache["batched"])
