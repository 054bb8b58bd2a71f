"""The three recurrent cells behind one interface: make parameters, run forward, run backward.

    cell     parameters (see the notation table)                          forward, backward
    "rnn"    W_aa, W_ax, b_a                                              rnn.rnn_forward, ...
    "gru"    W_u, W_r, W_c (n_a, n_a + n_x), b_u, b_r, b_c                gated.gru_forward, ...
    "lstm"   W_u, W_f, W_o, W_c (n_a, n_a + n_x), b_u, b_f, b_o, b_c      gated.lstm_forward, ...

and, for every cell, the output layer W_ya (n_y, n_a), b_y (n_y,). `forward` and `backward` run
whichever cell a parameter dict (or a cache) belongs to, recognised by its keys.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from . import budget
from ._checks import MAX_UNITS, check_choice, check_float, check_int, check_seed
from ._shapes import PARAM_SHAPES, cell_name
from .gated import gru_backward, gru_forward, init_gru, init_lstm, lstm_backward, lstm_forward
from .rnn import init_rnn, rnn_backward, rnn_forward

DTYPES = {"float64": np.float64, "float32": np.float32}


class Cell(NamedTuple):
    """How to initialise, run and differentiate one kind of recurrent cell."""

    name: str
    param_shapes: dict
    init: Callable  # (n_x, n_a, rng) -> the cell's own parameters
    forward: Callable  # (params, x, a0) -> (a, cache)
    backward: Callable  # (da, cache) -> grads


CELLS = {
    "rnn": Cell("rnn", PARAM_SHAPES["rnn"], init_rnn, rnn_forward, rnn_backward),
    "gru": Cell("gru", PARAM_SHAPES["gru"], init_gru, gru_forward, gru_backward),
    "lstm": Cell("lstm", PARAM_SHAPES["lstm"], init_lstm, lstm_forward, lstm_backward),
}


def cell_of(params):
    """The `Cell` a parameter dict belongs to, recognised by its keys."""
    return CELLS[cell_name(params)]


def init_params(n_x, n_a, n_y, *, weight_scale=1.0, seed=None, cell="rnn", dtype="float64"):
    """Random parameters for a cell with n_x inputs, n_a hidden units and n_y classes.

    The basic RNN gets W_aa = weight_scale * Q with Q random orthogonal, so sigma_max(W_aa) ==
    weight_scale and every singular value of W_aa equals it; W_ax and W_ya are N(0, 1 / fan_in);
    biases are 0. See `gated` for the GRU's and the LSTM's weights.

    Parameters
    ----------
    n_x, n_a, n_y : int >= 1
    weight_scale : float >= 0, the largest singular value of W_aa ("rnn" cell only)
    seed : int or None
    cell : "rnn", "gru" or "lstm"
    dtype : "float64" (default) or "float32"

    Returns
    -------
    dict with "W_aa" (n_a, n_a), "W_ax" (n_a, n_x), "b_a" (n_a,), "W_ya" (n_y, n_a), "b_y" (n_y,)
    for the basic RNN; the gate weights instead of W_aa, W_ax, b_a for the GRU and the LSTM.
    """
    n_x, n_a, n_y = (
        check_int(k, v, maximum=MAX_UNITS, what="units of a layer")
        for k, v in (("n_x", n_x), ("n_a", n_a), ("n_y", n_y))
    )
    check_float("weight_scale", weight_scale, allow_zero=True)
    check_choice("dtype", dtype, tuple(DTYPES))
    check_choice("cell", cell, tuple(CELLS))
    weights = n_a * (n_a + n_x) * (1 if cell == "rnn" else len(CELLS[cell].param_shapes) // 2)
    budget.check(
        f"init_params with n_x = {n_x:,}, n_a = {n_a:,}, n_y = {n_y:,}",
        nbytes=8 * (4 * weights + 2 * n_a * n_y),
        operations=(budget.cube(n_a) if cell == "rnn" else 0) + 10 * (weights + n_a * n_y),
        smaller="n_a",
    )
    rng = np.random.default_rng(check_seed(seed))
    if cell == "rnn":
        params = init_rnn(n_x, n_a, rng, weight_scale=weight_scale)
    else:
        params = CELLS[cell].init(n_x, n_a, rng)
    params["W_ya"] = rng.standard_normal((n_y, n_a)) / np.sqrt(n_a)
    params["b_y"] = np.zeros(n_y)
    return {k: v.astype(DTYPES[dtype]) for k, v in params.items()}


def forward(params, x, a0=None, *, activation="tanh"):
    """Run whichever cell `params` belongs to; `activation` is the basic RNN's g.

    Returns (a, cache) as `rnn.rnn_forward`: a of shape (T, n_a) or (T, m, n_a).
    """
    cell = cell_of(params)
    if cell.name == "rnn":
        return rnn_forward(params, x, a0, activation=activation)
    if activation != "tanh":  # the gates are sigmoids and the candidate a tanh, by definition
        raise ValueError(
            f"activation == {activation!r}: the {cell.name.upper()} has its own activations "
            "(sigmoid gates, tanh candidate); activation applies to the basic RNN only"
        )
    return cell.forward(params, x, a0)


def backward(da, cache):
    """Backward pass of whichever cell produced `cache`; see `rnn.rnn_backward`."""
    if not isinstance(cache, dict) or cache.get("cell") not in CELLS:
        raise TypeError("cache must be the dict of a forward pass (rnnviz.forward)")
    return CELLS[cache["cell"]].backward(da, cache)
