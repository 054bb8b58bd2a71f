"""The basic RNN, forward and backward through time, with a softmax output and its loss.

    a<t>     = g(z<t>),   z<t> = W_aa a<t-1> + W_ax x<t> + b_a
    y_hat<t> = softmax(W_ya a<t> + b_y)

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

from ._checks import check_array, check_choice, check_float, check_int
from .activations import get_activation

PARAM_SHAPES = {
    "W_aa": ("n_a", "n_a"),
    "W_ax": ("n_a", "n_x"),
    "b_a": ("n_a",),
    "W_ya": ("n_y", "n_a"),
    "b_y": ("n_y",),
}
DTYPES = {"float64": np.float64, "float32": np.float32}


def random_orthogonal(n, rng):
    """A random n x n orthogonal matrix Q (uniform over the orthogonal group): Q^T Q = I."""
    n = check_int("n", n)
    q, r = np.linalg.qr(rng.standard_normal((n, n)))  # (n, n), (n, n)
    return q * np.sign(np.diag(r))


def init_params(n_x, n_a, n_y, *, weight_scale=1.0, seed=None, cell="rnn", dtype="float64"):
    """Random parameters for an RNN with n_x inputs, n_a hidden units and n_y classes.

    W_aa = weight_scale * Q with Q random orthogonal, so sigma_max(W_aa) == weight_scale and every
    singular value of W_aa equals weight_scale. W_ax and W_ya are N(0, 1 / fan_in); biases are 0.

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
    for the basic RNN; see `rnnviz.gated` for the GRU and LSTM keys.
    """
    n_x, n_a, n_y = (check_int(k, v) for k, v in (("n_x", n_x), ("n_a", n_a), ("n_y", n_y)))
    weight_scale = check_float("weight_scale", weight_scale, allow_zero=True)
    check_choice("dtype", dtype, tuple(DTYPES))
    check_choice("cell", cell, tuple(CELLS))
    rng = np.random.default_rng(seed)
    if cell == "rnn":
        params = {
            "W_aa": weight_scale * random_orthogonal(n_a, rng),
            "W_ax": rng.standard_normal((n_a, n_x)) / np.sqrt(n_x),
            "b_a": np.zeros(n_a),
        }
    else:
        params = CELLS[cell].init(n_x, n_a, rng)
    params["W_ya"] = rng.standard_normal((n_y, n_a)) / np.sqrt(n_a)
    params["b_y"] = np.zeros(n_y)
    return {k: v.astype(DTYPES[dtype]) for k, v in params.items()}


def check_params(params, keys=None):
    """Check a parameter dict and return (n_x, n_a, n_y, dtype)."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays, got {type(params).__name__}")
    keys = keys or PARAM_SHAPES
    missing = [k for k in keys if k not in params]
    if missing:
        raise ValueError(f"params is missing {', '.join(missing)}")
    for k in keys:
        if not isinstance(params[k], np.ndarray):
            raise TypeError(f"params[{k!r}] must be an ndarray, got {type(params[k]).__name__}")
    for k in ("W_ya", "W_ax" if "W_ax" in params else "W_c"):
        if params[k].ndim != 2:
            raise ValueError(f"params[{k!r}] has shape {params[k].shape}, must be 2-D (to, from)")
    n_y, n_a = params["W_ya"].shape
    n_x = params["W_ax"].shape[1] if "W_ax" in params else params["W_c"].shape[1] - n_a
    sizes = {"n_x": n_x, "n_a": n_a, "n_y": n_y, "n_a+n_x": n_a + n_x}
    for k in keys:
        shape = tuple(sizes[s] if isinstance(s, str) else s for s in keys[k])
        if np.shape(params[k]) != shape:
            raise ValueError(f"params[{k!r}] has shape {np.shape(params[k])}, expected {shape}")
    # at least float32: integer weights typed by hand compute in float64
    return n_x, n_a, n_y, np.result_type(np.float32, *(params[k] for k in keys))


def prepare_inputs(params, x, a0, name="a0"):
    """Check x (T, n_x) or (T, m, n_x) and a0; return them as 3-D/2-D arrays and `batched`."""
    n_x, n_a, _, dtype = check_params(params, cell_of(params).param_shapes)
    x = check_array("x", x, ndims=(2, 3), last=n_x, dtype=dtype)
    batched = x.ndim == 3
    x3 = x if batched else x[:, None, :]  # (T, m, n_x)
    m = x3.shape[1]
    if a0 is None:
        a0 = np.zeros((m, n_a), dtype=dtype)
    else:
        a0 = check_array(name, a0, ndims=(2,) if batched else (1,), last=n_a, dtype=dtype)
        if batched and a0.shape[0] != m:
            raise ValueError(f"{name} has shape {a0.shape}, expected ({m}, {n_a})")
        a0 = a0.reshape(m, n_a)
    return x3, a0, batched


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
    x3, a0, batched = prepare_inputs(params, x, a0)
    W_aa_T = np.ascontiguousarray(params["W_aa"].T)
    with np.errstate(over="ignore", invalid="ignore"):
        z = x3 @ params["W_ax"].T + params["b_a"]  # (T, m, n_x) @ (n_x, n_a) -> (T, m, n_a)
        a = np.empty_like(z)
        a_prev = a0
        for z_t, a_t in zip(z, a, strict=True):  # z<t>, a<t> for t = 1..T, in place
            z_t += np.dot(a_prev, W_aa_T)  # (m, n_a) @ (n_a, n_a) -> (m, n_a)
            a_t[...] = a_prev = act.g(z_t)
    cache = {
        "params": params,
        "x": x3,
        "a0": a0,
        "z": z,
        "a": a,
        "activation": act,
        "batched": batched,
        "cell": "rnn",
    }
    return (a if batched else a[:, 0]), cache


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
    z, a, x, a0 = cache["z"], cache["a"], cache["x"], cache["a0"]
    W_aa = cache["params"]["W_aa"]
    da = _check_da(da, cache)
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
    return _unbatch(grads, cache["batched"])


def _check_da(da, cache):
    shape = cache["a"].shape if cache["batched"] else cache["a"][:, 0].shape
    da = np.asarray(da, dtype=cache["a"].dtype)
    if da.shape != shape:
        raise ValueError(f"da has shape {da.shape}, must match a: {shape}")
    return da.reshape(cache["a"].shape)


def _unbatch(grads, batched):
    if not batched:
        grads["x"], grads["a0"], grads["a"] = grads["x"][:, 0], grads["a0"][0], grads["a"][:, 0]
        for k in ("c0", "c"):
            if k in grads:
                grads[k] = grads[k][:, 0] if k == "c" else grads[k][0]
    return grads


def softmax(logits):
    """softmax(u)_i = exp(u_i - max u) / sum_j exp(u_j - max u), over the last axis."""
    logits = np.asarray(logits)
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def predict(params, x, a0=None, *, activation="tanh"):
    """y_hat<t> = softmax(W_ya a<t> + b_y), of shape (T, n_y) or (T, m, n_y)."""
    a, _ = forward(params, x, a0, activation=activation)
    with np.errstate(over="ignore", invalid="ignore"):
        return softmax(a @ params["W_ya"].T + params["b_y"])  # (.., n_a) @ (n_a, n_y)


def forward(params, x, a0=None, *, activation="tanh"):
    """Run whichever cell `params` belongs to ("rnn", "gru" or "lstm"); see `rnn_forward`."""
    cell = cell_of(params)
    if cell.name == "rnn":
        return rnn_forward(params, x, a0, activation=activation)
    return cell.forward(params, x, a0)


def backward(da, cache):
    """Backward pass of whichever cell produced `cache`."""
    return CELLS[cache["cell"]].backward(da, cache)


def loss_and_grads(params, x, y, a0=None, *, activation="tanh"):
    """Mean cross-entropy of y_hat<t> = softmax(W_ya a<t> + b_y) against labels y, and gradients.

    L = -(1 / N) sum over scored (t, i) of log y_hat<t>_i[y<t>_i], N the number of scored entries.
    dL/d(W_ya a<t> + b_y) = (y_hat<t> - onehot(y<t>)) / N at scored entries, 0 elsewhere.

    Parameters
    ----------
    params : dict from `init_params` (any cell)
    x : ndarray of shape (T, n_x) or (T, m, n_x)
    y : int ndarray of shape (T,) or (T, m): class labels in 0..n_y-1, or -1 for "not scored"
    a0 : optional initial state
    activation : for the basic RNN

    Returns
    -------
    loss : float
    grads : dict keyed like params, plus "a" (the total dL/da<t>, shape of a)
    """
    loss, grads, _ = loss_grads_and_predictions(params, x, y, a0, activation=activation)
    return loss, grads


def loss_grads_and_predictions(params, x, y, a0=None, *, activation="tanh"):
    """`loss_and_grads`, and also y_hat (T, [m,] n_y), from the same forward pass."""
    n_y = params["W_ya"].shape[0] if isinstance(params, dict) and "W_ya" in params else None
    a, cache = forward(params, x, a0, activation=activation)
    y = check_labels(y, a.shape[:-1], n_y)
    W_ya = params["W_ya"]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        logits = a @ W_ya.T + params["b_y"]  # (T, [m,] n_a) @ (n_a, n_y) -> (T, [m,] n_y)
        log_y_hat = logits - logits.max(axis=-1, keepdims=True)
        log_y_hat -= np.log(np.exp(log_y_hat).sum(axis=-1, keepdims=True))
        scored = y >= 0
        n = scored.sum()
        picked = np.take_along_axis(log_y_hat, np.maximum(y, 0)[..., None], axis=-1)[..., 0]
        loss = -float(picked[scored].sum()) / n
        onehot = np.zeros_like(log_y_hat)
        np.put_along_axis(onehot, np.maximum(y, 0)[..., None], 1.0, axis=-1)
        dlogits = (np.exp(log_y_hat) - onehot) * scored[..., None] / float(n)  # (y_hat - y) / N
        flat_dl, flat_a = dlogits.reshape(-1, n_y), a.reshape(-1, a.shape[-1])
        grads = backward(dlogits @ W_ya, cache)  # (.., n_y) @ (n_y, n_a) -> (.., n_a)
        grads["W_ya"] = flat_dl.T @ flat_a  # (n_y, T*m) @ (T*m, n_a) -> (n_y, n_a)
        grads["b_y"] = flat_dl.sum(axis=0)
    grads.pop("x"), grads.pop("a0"), grads.pop("c0", None), grads.pop("c", None)
    return loss, grads, np.exp(log_y_hat)


def check_labels(y, shape, n_y):
    """Check integer labels y of `shape` with values in -1..n_y-1 and at least one scored."""
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
    if y.shape != tuple(shape):
        raise ValueError(
            f"y has shape {y.shape}, must be {tuple(shape)} (the shape of x minus n_x)"
        )
    bad = (y < -1) | (y >= n_y)
    if bad.any():
        raise ValueError(
            f"y contains {y[bad].flat[0]}, labels must be in 0..{n_y - 1} (or -1 for not scored)"
        )
    if not (y >= 0).any():
        raise ValueError("y has no scored entry: every label is -1")
    return y


class Cell:
    """How to initialise, run and differentiate one kind of recurrent cell."""

    def __init__(self, name, param_shapes, init=None, forward=None, backward=None):
        self.name, self.param_shapes = name, param_shapes
        self.init, self.forward, self.backward = init, forward, backward


CELLS = {"rnn": Cell("rnn", PARAM_SHAPES, backward=rnn_backward)}


def cell_of(params):
    """The `Cell` a parameter dict belongs to, recognised by its keys."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays, got {type(params).__name__}")
    for cell in CELLS.values():
        if all(k in params for k in cell.param_shapes):
            return cell
    raise ValueError(
        f"params has keys {sorted(params)}; expected those of init_params (W_aa, W_ax, b_a, ...)"
    )


# The gated cells build on the functions above, so they are imported, and registered, last.
from .gated import GRU, LSTM  # noqa: E402

CELLS |= {"gru": GRU, "lstm": LSTM}
