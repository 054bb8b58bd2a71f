"""Gated cells, the GRU and the LSTM: forward and backward through time.

Every gate weight acts on the concatenation [a<t-1>, x<t>] and has shape (n_a, n_a + n_x): its
first n_a columns multiply a<t-1>, the last n_x columns multiply x<t>. sigma is the logistic
function and * the elementwise product.

GRU, the gated recurrent unit (Cho et al. 2014):

    Gamma_r = sigma(W_r [a<t-1>, x<t>] + b_r)              reset ("relevance") gate
    Gamma_u = sigma(W_u [a<t-1>, x<t>] + b_u)              update gate
    c~<t>   = tanh(W_c [Gamma_r * a<t-1>, x<t>] + b_c)     candidate
    c<t>    = Gamma_u * c~<t> + (1 - Gamma_u) * c<t-1>,    a<t> = c<t>

LSTM, long short-term memory (Hochreiter and Schmidhuber 1997; forget gate: Gers et al. 2000):

    Gamma_u, Gamma_f, Gamma_o = sigma(W_{u,f,o} [a<t-1>, x<t>] + b_{u,f,o})
    c~<t>   = tanh(W_c [a<t-1>, x<t>] + b_c)
    c<t>    = Gamma_u * c~<t> + Gamma_f * c<t-1>,          a<t> = Gamma_o * tanh(c<t>)

Why the gradient survives: one step back, dL/dc<t-1> receives dL/dc<t> * (1 - Gamma_u) (GRU) or
dL/dc<t> * Gamma_f (LSTM) directly, with no weight matrix and no tanh' on the way. A gate held at
"keep" (Gamma_u ~ 0, Gamma_f ~ 1) passes the gradient back almost unchanged, where the basic RNN
multiplies it by diag(g'(z<t>)) W_aa at every step.

Implementation: the k gate weights are stacked into an array of shape (k, n_a, n_a + n_x), in
the order (u, r, c) for the GRU and (u, f, o, c) for the LSTM, and split into the columns acting
on a<t-1> (W_a, (k, n_a, n_a)) and on x<t> (W_x, (k, n_a, n_x)); the gates are kept gate-first,
(k, T, m, n_a), so that `u, f, o, c_tilde = gates`. The input part W_x x<t> + b of every gate is
computed for all t in one product before the loop, the weight gradients in one product after it;
each step does one product with W_a (two for the GRU, whose candidate needs Gamma_r first).
"""

import numpy as np

from . import budget
from ._checks import MAX_UNITS, check_float, check_int
from ._shapes import (
    GRU_GATES,
    LSTM_GATES,
    PARAM_SHAPES,
    check_cache,
    check_cell,
    check_da,
    frozen_params,
    prepare_inputs,
    read_only,
    unbatch,
)
from .activations import sigmoid


def _init_gates(gates, n_x, n_a, rng):
    """W_* ~ N(0, 1 / (n_a + n_x)) (scaled by the fan-in n_a + n_x), biases 0."""
    n_x, n_a = (check_int(k, v, maximum=MAX_UNITS, what="units of a layer")
                for k, v in (("n_x", n_x), ("n_a", n_a)))  # fmt: skip
    budget.check(f"the gates' weights with n_x = {n_x:,}, n_a = {n_a:,}",
                 nbytes=8 * 2 * len(gates) * n_a * (n_a + n_x),
                 operations=10 * len(gates) * n_a * (n_a + n_x), smaller="n_a")  # fmt: skip
    params = {}
    for g in gates:
        params[f"W_{g}"] = rng.standard_normal((n_a, n_a + n_x)) / np.sqrt(n_a + n_x)
        params[f"b_{g}"] = np.zeros(n_a)
    return params


def init_gru(n_x, n_a, rng):
    """GRU weights W_u, W_r, W_c ~ N(0, 1 / (n_a + n_x)) of shape (n_a, n_a + n_x), biases 0.

    Used by `init_params(..., cell="gru")`, which adds the output layer W_ya, b_y.
    """
    return _init_gates(GRU_GATES, n_x, n_a, rng)


def init_lstm(n_x, n_a, rng, *, forget_bias=1.0):
    """LSTM weights W_u, W_f, W_o, W_c ~ N(0, 1 / (n_a + n_x)), shape (n_a, n_a + n_x).

    Biases are 0 except b_f = forget_bias (default 1.0): Gamma_f starts near sigma(1) ~ 0.73
    instead of 0.5, so an untrained cell keeps more of c<t-1> and more of dL/dc<t> reaches
    earlier steps (Jozefowicz, Zaremba and Sutskever 2015). `init_params(..., cell="lstm")` uses
    the default; for another value set `params["b_f"][:] = value` afterwards.
    """
    forget_bias = check_float("forget_bias", forget_bias, positive=False)
    params = _init_gates(LSTM_GATES, n_x, n_a, rng)
    params["b_f"] += forget_bias
    return params


def _stack(params, gates, n_a):
    """W_a (k, n_a, n_a), W_x (k, n_a, n_x) and b (k, 1, n_a): the k gates' weights, stacked."""
    W = np.stack([params[f"W_{g}"] for g in gates])  # (k, n_a, n_a + n_x)
    b = np.stack([params[f"b_{g}"] for g in gates])[:, None]  # (k, 1, n_a)
    return W[:, :, :n_a], W[:, :, n_a:], b


def _input_part(x3, W_x, b):
    """W_x x<t> + b for every gate, step and sequence: x3 (T, m, n_x) -> (k, T, m, n_a)."""
    T, m, n_x = x3.shape
    z = x3.reshape(-1, n_x) @ W_x.transpose(0, 2, 1)  # (T*m, n_x) @ (k, n_x, n_a) -> (k, T*m, n_a)
    return (z + b).reshape(len(W_x), T, m, -1)


def gru_forward(params, x, a0=None):
    """Run the GRU over a sequence (equations in the module docstring), t = 1..T.

    Parameters
    ----------
    params : dict from `init_params(..., cell="gru")`
    x : ndarray of shape (T, n_x), or (T, m, n_x) for a batch of m sequences
    a0 : ndarray of shape (n_a,) or (m, n_a), default zeros (a<0> = c<0>)

    Returns
    -------
    a : ndarray of shape (T, n_a) or (T, m, n_a), the hidden states a<1> .. a<T> (= c<t>)
    cache : dict, everything `gru_backward` needs
    """
    check_cell(params, "gru", "gru_forward")
    x3, a0, batched = prepare_inputs(params, PARAM_SHAPES["gru"], x, a0)
    n_a = a0.shape[1]
    W_a, W_x, b = _stack(params, GRU_GATES, n_a)
    W_ur_T, W_c_T = W_a[:2].transpose(0, 2, 1).copy(), W_a[2].T.copy()  # (2, n_a, n_a), (n_a, n_a)
    with np.errstate(over="ignore", invalid="ignore"):
        gates = _input_part(x3, W_x, b)  # W_x x<t> + b, becomes Gamma_u, Gamma_r, c~<t>
        u, r, c_tilde = gates  # each (T, m, n_a)
        a = np.empty_like(c_tilde)
        a_prev = a0
        for t in range(len(a)):
            ur = gates[:2, t]
            ur[:] = sigmoid(ur + a_prev @ W_ur_T)  # (m, n_a) @ (2, n_a, n_a) -> (2, m, n_a)
            c_tilde[t] = np.tanh(c_tilde[t] + (r[t] * a_prev) @ W_c_T)  # (m, n_a) @ (n_a, n_a)
            a[t] = a_prev = u[t] * c_tilde[t] + (1.0 - u[t]) * a_prev
    cache = {
        "params": frozen_params(params, PARAM_SHAPES["gru"]),
        "x": x3,
        "a0": a0,
        "gates": gates,
        "a": a,
        "batched": batched,
        "cell": "gru",
    }
    return read_only(a if batched else a[:, 0]), cache


def gru_backward(da, cache):
    """Backpropagation through time for `gru_forward`.

    With dA = dL/da<t> (total) and a = a<t-1>, backward through the step, line by line:

        dL/dz_c       = dA * Gamma_u * (1 - c~<t>^2)
        dL/dz_u       = dA * (c~<t> - a) * Gamma_u (1 - Gamma_u)
        dL/d(Gamma_r * a) = W_c,a^T dL/dz_c
        dL/dz_r       = dL/d(Gamma_r * a) * a * Gamma_r (1 - Gamma_r)
        dL/da<t-1>    = da<t-1> + dA * (1 - Gamma_u) + dL/d(Gamma_r * a) * Gamma_r
                        + W_u,a^T dL/dz_u + W_r,a^T dL/dz_r

    z_u, z_r, z_c are the pre-activations and W_*,a the columns of W_* acting on a<t-1>.

    Parameters
    ----------
    da : ndarray shaped like a, (T, n_a) or (T, m, n_a): dL/da<t> from outside the recurrence
    cache : from `gru_forward`

    Returns
    -------
    dict of gradients: "W_u", "b_u", "W_r", "b_r", "W_c", "b_c" (parameter shapes), "x" (shape
    of x), "a0" (shape of a0) and "a" (shape of a), the total dL/da<t> through all later steps.
    """
    check_cache(cache, "gru", "gru_backward")
    da = check_da(da, cache)
    gates, a, x3, a0 = cache["gates"], cache["a"], cache["x"], cache["a0"]
    n_a = a0.shape[1]
    W_a, W_x, _ = _stack(cache["params"], GRU_GATES, n_a)
    a_prev = np.concatenate([a0[None], a[:-1]])  # a<0> .. a<T-1>, (T, m, n_a)
    u, r, c_tilde = gates
    with np.errstate(over="ignore", invalid="ignore"):
        dz = np.empty_like(gates)
        dz_u, dz_r, dz_c = dz  # dL/dz_u, dL/dz_r, dL/dz_c, each (T, m, n_a)
        da_total = np.empty_like(a)
        da_next = np.zeros_like(a0)  # the part of dL/da<t> that comes back from step t+1
        for t in range(len(a) - 1, -1, -1):
            dA = da_total[t] = da[t] + da_next
            ut, rt, ct, at = u[t], r[t], c_tilde[t], a_prev[t]
            dz_c[t] = dA * ut * (1.0 - ct * ct)
            dz_u[t] = dA * (ct - at) * ut * (1.0 - ut)
            d_ra = dz_c[t] @ W_a[2]  # (m, n_a) @ (n_a, n_a) -> (m, n_a)
            dz_r[t] = d_ra * at * rt * (1.0 - rt)
            da_next = dA * (1.0 - ut) + d_ra * rt
            da_next += dz_u[t] @ W_a[0] + dz_r[t] @ W_a[1]  # (m, n_a) @ (n_a, n_a) -> (m, n_a)
        T, m, n_x = x3.shape
        dz3 = dz.reshape(3, T * m, n_a)
        ax = np.concatenate([a_prev, x3], axis=-1).reshape(T * m, -1)  # [a<t-1>, x<t>]
        rax = np.concatenate([r * a_prev, x3], axis=-1).reshape(T * m, -1)  # [Gamma_r * a, x]
        dW_ur = dz3[:2].transpose(0, 2, 1) @ ax  # (2, n_a, T*m) @ (T*m, n_a + n_x)
        dW_c = dz3[2].T @ rax  # (n_a, T*m) @ (T*m, n_a + n_x) -> (n_a, n_a + n_x)
        grads = _split(np.concatenate([dW_ur, dW_c[None]]), dz3.sum(axis=1), GRU_GATES)
        dx = (dz3 @ W_x).sum(axis=0)  # (3, T*m, n_a) @ (3, n_a, n_x) -> (3, T*m, n_x) -> sum
        grads |= {"x": dx.reshape(T, m, n_x), "a0": da_next, "a": da_total}
    return unbatch(grads, cache["batched"])


def lstm_forward(params, x, a0=None, c0=None):
    """Run the LSTM over a sequence (equations in the module docstring), t = 1..T.

    Parameters
    ----------
    params : dict from `init_params(..., cell="lstm")`
    x : ndarray of shape (T, n_x), or (T, m, n_x) for a batch of m sequences
    a0, c0 : ndarrays of shape (n_a,) or (m, n_a), default zeros

    Returns
    -------
    a : ndarray of shape (T, n_a) or (T, m, n_a), the hidden states a<1> .. a<T>
    cache : dict, everything `lstm_backward` needs; cache["c"] (T, m, n_a) holds c<1> .. c<T>
    """
    check_cell(params, "lstm", "lstm_forward")
    x3, a0, batched = prepare_inputs(params, PARAM_SHAPES["lstm"], x, a0)
    _, c0, _ = prepare_inputs(params, PARAM_SHAPES["lstm"], x, c0, name="c0")
    n_a = a0.shape[1]
    W_a, W_x, b = _stack(params, LSTM_GATES, n_a)
    W_a_T = W_a.transpose(0, 2, 1).copy()  # (4, n_a, n_a)
    with np.errstate(over="ignore", invalid="ignore"):
        gates = _input_part(x3, W_x, b)  # W_x x<t> + b, becomes Gamma_u, Gamma_f, Gamma_o, c~<t>
        u, f, o, c_tilde = gates  # each (T, m, n_a)
        a = np.empty_like(c_tilde)
        c, tanh_c = np.empty_like(a), np.empty_like(a)
        a_prev, c_prev = a0, c0
        for t in range(len(a)):
            z = gates[:, t]
            z += a_prev @ W_a_T  # (m, n_a) @ (4, n_a, n_a) -> (4, m, n_a)
            z[:3] = sigmoid(z[:3])
            z[3] = np.tanh(z[3])
            c[t] = c_prev = u[t] * c_tilde[t] + f[t] * c_prev
            tanh_c[t] = np.tanh(c_prev)
            a[t] = a_prev = o[t] * tanh_c[t]
    cache = {
        "params": frozen_params(params, PARAM_SHAPES["lstm"]),
        "x": x3,
        "a0": a0,
        "c0": c0,
        "gates": gates,
        "a": a,
        "c": c,
        "tanh_c": tanh_c,
        "batched": batched,
        "cell": "lstm",
    }
    return read_only(a if batched else a[:, 0]), cache


def lstm_backward(da, cache):
    """Backpropagation through time for `lstm_forward`.

    With dA = dL/da<t> and dC = dL/dc<t> (totals), backward through the step, line by line:

        dC            = dL/dc<t+1> * Gamma_f<t+1> + dA * Gamma_o * (1 - tanh(c<t>)^2)
        dL/dz_u       = dC * c~<t> * Gamma_u (1 - Gamma_u)
        dL/dz_f       = dC * c<t-1> * Gamma_f (1 - Gamma_f)
        dL/dz_o       = dA * tanh(c<t>) * Gamma_o (1 - Gamma_o)
        dL/dz_c       = dC * Gamma_u * (1 - c~<t>^2)
        dL/da<t-1>    = da<t-1> + W_u,a^T dL/dz_u + W_f,a^T dL/dz_f + W_o,a^T dL/dz_o
                        + W_c,a^T dL/dz_c

    z_* are the pre-activations and W_*,a the columns of W_* acting on a<t-1>.

    Parameters
    ----------
    da : ndarray shaped like a, (T, n_a) or (T, m, n_a): dL/da<t> from outside the recurrence
    cache : from `lstm_forward`

    Returns
    -------
    dict of gradients: "W_u", "b_u", "W_f", "b_f", "W_o", "b_o", "W_c", "b_c" (parameter
    shapes), "x" (shape of x), "a0" and "c0" (shape of a0), and the totals "a" = dL/da<t> and
    "c" = dL/dc<t> through all later steps (shape of a).
    """
    check_cache(cache, "lstm", "lstm_backward")
    da = check_da(da, cache)
    gates, a, c, tanh_c = cache["gates"], cache["a"], cache["c"], cache["tanh_c"]
    x3, a0, c0 = cache["x"], cache["a0"], cache["c0"]
    n_a = a0.shape[1]
    W_a, W_x, _ = _stack(cache["params"], LSTM_GATES, n_a)
    a_prev = np.concatenate([a0[None], a[:-1]])  # a<0> .. a<T-1>, (T, m, n_a)
    c_prev = np.concatenate([c0[None], c[:-1]])  # c<0> .. c<T-1>
    u, f, o, c_tilde = gates
    with np.errstate(over="ignore", invalid="ignore"):
        dz = np.empty_like(gates)
        dz_u, dz_f, dz_o, dz_c = dz  # dL/dz_u, dL/dz_f, dL/dz_o, dL/dz_c, each (T, m, n_a)
        da_total, dc_total = np.empty_like(a), np.empty_like(a)
        da_next, dc_next = np.zeros_like(a0), np.zeros_like(c0)  # what comes back from t+1
        for t in range(len(a) - 1, -1, -1):
            ut, ft, ot, ct, th = u[t], f[t], o[t], c_tilde[t], tanh_c[t]
            dA = da_total[t] = da[t] + da_next
            dC = dc_total[t] = dc_next + dA * ot * (1.0 - th * th)
            dz_u[t] = dC * ct * ut * (1.0 - ut)
            dz_f[t] = dC * c_prev[t] * ft * (1.0 - ft)
            dz_o[t] = dA * th * ot * (1.0 - ot)
            dz_c[t] = dC * ut * (1.0 - ct * ct)
            da_next = (dz[:, t] @ W_a).sum(axis=0)  # (4, m, n_a) @ (4, n_a, n_a) -> (4, m, n_a)
            dc_next = dC * ft
        T, m, n_x = x3.shape
        dz3 = dz.reshape(4, T * m, n_a)
        ax = np.concatenate([a_prev, x3], axis=-1).reshape(T * m, -1)  # [a<t-1>, x<t>]
        dW = dz3.transpose(0, 2, 1) @ ax  # (4, n_a, T*m) @ (T*m, n_a + n_x) -> (4, n_a, n_a + n_x)
        grads = _split(dW, dz3.sum(axis=1), LSTM_GATES)
        dx = (dz3 @ W_x).sum(axis=0)  # (4, T*m, n_a) @ (4, n_a, n_x) -> (4, T*m, n_x) -> sum
        grads |= {"x": dx.reshape(T, m, n_x), "a0": da_next, "c0": dc_next}
        grads |= {"a": da_total, "c": dc_total}
    return unbatch(grads, cache["batched"])


def _split(dW, db, gates):
    """Stacked gradients dW (k, n_a, n_a + n_x) and db (k, n_a) as "W_*", "b_*" for each gate."""
    grads = {}
    for i, g in enumerate(gates):
        grads[f"W_{g}"], grads[f"b_{g}"] = dW[i], db[i]
    return grads
