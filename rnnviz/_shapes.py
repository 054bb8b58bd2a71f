"""The shapes every cell shares: parameter dicts, sequences, gradients and caches.

A parameter dict is checked against its cell's table of shapes, {name: ("n_a", "n_x"), ...};
a sequence x is (T, n_x) or a batch (T, m, n_x). The cells compute with batches only: a single
sequence enters as a batch of one (`prepare_inputs`) and leaves as one (`unbatch`).
"""

import numpy as np

from . import budget
from ._checks import MAX_BATCH, MAX_T, check_array, check_int, check_real

GRU_GATES = ("u", "r", "c")
LSTM_GATES = ("u", "f", "o", "c")
_OUTPUT = {"W_ya": ("n_y", "n_a"), "b_y": ("n_y",)}


def _gated(gates):
    shapes = {}
    for g in gates:
        shapes[f"W_{g}"], shapes[f"b_{g}"] = ("n_a", "n_a+n_x"), ("n_a",)
    return shapes | _OUTPUT


# Each cell's parameters: name -> shape, in the size names of the notation table.
PARAM_SHAPES = {
    "rnn": {"W_aa": ("n_a", "n_a"), "W_ax": ("n_a", "n_x"), "b_a": ("n_a",)} | _OUTPUT,
    "gru": _gated(GRU_GATES),
    "lstm": _gated(LSTM_GATES),
}


def cell_name(params):
    """ "rnn", "gru" or "lstm": the cell a parameter dict belongs to, recognised by its keys."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays, got {type(params).__name__}")
    for name, shapes in PARAM_SHAPES.items():
        if all(k in params for k in shapes):
            return name
    raise ValueError(
        f"params has keys {sorted(params)}; expected those of init_params (W_aa, W_ax, b_a, ...)"
    )


def check_cell(params, name, function):
    """Raise ValueError naming both cells unless `params` belong to the cell `name`."""
    found = cell_name(params)
    if found != name:
        raise ValueError(
            f"params are those of the {found!r} cell, {function} needs init_params(..., "
            f"cell={name!r})"
        )


def check_params(params, shapes):
    """Check a parameter dict against `shapes`; return (n_x, n_a, n_y, dtype)."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays, got {type(params).__name__}")
    missing = [k for k in shapes if k not in params]
    if missing:
        raise ValueError(f"params is missing {', '.join(missing)}")
    for k in shapes:
        if not isinstance(params[k], np.ndarray):
            raise TypeError(f"params[{k!r}] must be an ndarray, got {type(params[k]).__name__}")
        check_real(f"params[{k!r}]", params[k])
    for k in ("W_ya", "W_ax" if "W_ax" in shapes else "W_c"):
        if params[k].ndim != 2:
            raise ValueError(f"params[{k!r}] has shape {params[k].shape}, must be 2-D (to, from)")
    n_y, n_a = params["W_ya"].shape
    n_x = params["W_ax"].shape[1] if "W_ax" in shapes else params["W_c"].shape[1] - n_a
    sizes = {"n_x": n_x, "n_a": n_a, "n_y": n_y, "n_a+n_x": n_a + n_x}
    for k in shapes:
        shape = tuple(sizes[s] if isinstance(s, str) else s for s in shapes[k])
        if np.shape(params[k]) != shape:
            raise ValueError(f"params[{k!r}] has shape {np.shape(params[k])}, expected {shape}")
    # at least float32: integer weights typed by hand compute in float64
    return n_x, n_a, n_y, np.result_type(np.float32, *(params[k] for k in shapes))


def prepare_inputs(params, shapes, x, a0, name="a0"):
    """Check x (T, n_x) or (T, m, n_x) and a0, and the budget of a forward and backward pass;
    return them as 3-D/2-D arrays of their own (later changes to the caller's arrays change
    nothing here) and `batched`."""
    n_x, n_a, n_y, dtype = check_params(params, shapes)
    shape = np.shape(x) if isinstance(x, np.ndarray) else None
    if shape is not None and len(shape) in (2, 3) and all(shape):  # the budget before any copy
        _check_pass(shapes, shape, n_x, n_a, n_y, dtype)
    x = check_array("x", x, ndims=(2, 3), last=n_x, dtype=dtype)
    batched = x.ndim == 3
    m = x.shape[1] if batched else 1
    _check_pass(shapes, x.shape, n_x, n_a, n_y, dtype)
    x3 = np.array(x if batched else x[:, None, :], dtype=dtype)  # (T, m, n_x), a copy
    if a0 is None:
        a0 = np.zeros((m, n_a), dtype=dtype)
    else:
        a0 = check_array(name, a0, ndims=(2,) if batched else (1,), last=n_a, dtype=dtype)
        if batched and a0.shape[0] != m:
            raise ValueError(f"{name} has shape {a0.shape}, expected ({m}, {n_a})")
        a0 = np.array(a0.reshape(m, n_a))
    return x3, a0, batched


def _check_pass(shapes, shape, n_x, n_a, n_y, dtype):
    """The budget of one forward and backward pass over x of `shape`."""
    cell = next(name for name, s in PARAM_SHAPES.items() if s is shapes)
    T, m = shape[0], shape[1] if len(shape) == 3 else 1
    check_int("T (len(x))", T, maximum=MAX_T, what="time steps")
    check_int("m (x.shape[1])", m, maximum=MAX_BATCH, what="sequences in a batch")
    nbytes, operations = budget.pass_cost(cell, T, m, n_x, n_a, n_y, np.dtype(dtype).itemsize)
    budget.check(
        f"a forward and backward pass of the {cell} over T = {T:,} steps of m = {m:,} "
        f"sequences with n_a = {n_a:,} units",
        nbytes=nbytes,
        operations=operations,
        smaller="T, m or n_a",
    )


def read_only(a):
    """A read-only view of the cache's states, for the caller: changing it raises instead of
    changing what the backward pass computes (and costs no copy)."""
    view = a.view()
    view.flags.writeable = False
    return view


def frozen_params(params, shapes):
    """The cell's parameters as read-only copies, for a cache: changing the caller's dict or
    arrays after the forward pass cannot change what the backward pass computes."""
    out = {}
    for k in shapes:
        out[k] = np.array(params[k])
        out[k].flags.writeable = False
    return out


def check_cache(cache, name, function):
    """Raise unless `cache` is the cache of the forward pass of the cell `name`."""
    if not isinstance(cache, dict):
        raise TypeError(f"cache must be the dict from {name}_forward, got {type(cache).__name__}")
    if cache.get("cell") != name:
        raise ValueError(
            f"cache['cell'] == {cache.get('cell')!r}, {function} needs the cache of {name}_forward"
        )


def check_da(da, cache):
    """da shaped like the forward pass's a, as a (T, m, n_a) array of its dtype."""
    shape = cache["a"].shape if cache["batched"] else cache["a"][:, 0].shape
    da = np.asarray(check_real("da", da), dtype=cache["a"].dtype)
    if da.shape != shape:
        raise ValueError(f"da has shape {da.shape}, must match a: {shape}")
    return da.reshape(cache["a"].shape)


def unbatch(grads, batched):
    """Drop the batch axis of one sequence's gradients (x, a0, a, and the LSTM's c0, c)."""
    if not batched:
        grads["x"], grads["a0"], grads["a"] = grads["x"][:, 0], grads["a0"][0], grads["a"][:, 0]
        for k in ("c0", "c"):
            if k in grads:
                grads[k] = grads[k][:, 0] if k == "c" else grads[k][0]
    return grads
