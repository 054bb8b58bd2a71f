"""The output layer and its loss: y_hat<t> = softmax(W_ya a<t> + b_y), cross-entropy.

    L = -(1 / N) sum over scored (t, i) of log y_hat<t>_i[y<t>_i],   N the number of scored entries
    dL/d(W_ya a<t> + b_y) = (y_hat<t> - onehot(y<t>)) / N at scored entries, 0 elsewhere

A label of -1 means "not scored at this step". The loss is computed from log-probabilities
(logits minus their log-sum-exp), so it stays finite where a probability underflows to 0.
"""

import numpy as np

from ._checks import check_real
from .cells import backward, forward


def softmax(logits):
    """softmax(u)_i = exp(u_i - max u) / sum_j exp(u_j - max u), over the last axis."""
    logits = check_real("logits", logits)
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def predict(params, x, a0=None, *, activation="tanh"):
    """y_hat<t> = softmax(W_ya a<t> + b_y), of shape (T, n_y) or (T, m, n_y), for any cell."""
    a, _ = forward(params, x, a0, activation=activation)
    with np.errstate(over="ignore", invalid="ignore"):
        return softmax(a @ params["W_ya"].T + params["b_y"])  # (.., n_a) @ (n_a, n_y)


def cross_entropy(logits, y):
    """The mean cross-entropy of softmax(logits) against labels y, its gradient and y_hat.

    logits : (..., n_y);  y : int array of shape logits.shape[:-1], -1 where not scored
    Returns (loss, dL/dlogits of the shape of logits, y_hat). Overflow gives inf or NaN, not a
    warning: a diverging network is a result to show.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        log_y_hat = logits - logits.max(axis=-1, keepdims=True)
        log_y_hat -= np.log(np.exp(log_y_hat).sum(axis=-1, keepdims=True))
        scored = y >= 0
        n = scored.sum()
        picked = np.take_along_axis(log_y_hat, np.maximum(y, 0)[..., None], axis=-1)[..., 0]
        loss = -float(picked[scored].sum()) / n
        y_hat = np.exp(log_y_hat)
        onehot = np.zeros_like(log_y_hat)
        np.put_along_axis(onehot, np.maximum(y, 0)[..., None], 1.0, axis=-1)
        dlogits = (y_hat - onehot) * scored[..., None] / float(n)  # (y_hat - y) / N
    return loss, dlogits, y_hat


def loss_and_grads(params, x, y, a0=None, *, activation="tanh"):
    """Mean cross-entropy of y_hat<t> against labels y, and the gradients of every parameter.

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
    with np.errstate(over="ignore", invalid="ignore"):
        logits = a @ W_ya.T + params["b_y"]  # (T, [m,] n_a) @ (n_a, n_y) -> (T, [m,] n_y)
        loss, dlogits, y_hat = cross_entropy(logits, y)
        flat_dl, flat_a = dlogits.reshape(-1, n_y), a.reshape(-1, a.shape[-1])
        grads = backward(dlogits @ W_ya, cache)  # (.., n_y) @ (n_y, n_a) -> (.., n_a)
        grads["W_ya"] = flat_dl.T @ flat_a  # (n_y, T*m) @ (T*m, n_a) -> (n_y, n_a)
        grads["b_y"] = flat_dl.sum(axis=0)
    grads.pop("x"), grads.pop("a0"), grads.pop("c0", None), grads.pop("c", None)
    return loss, grads, y_hat


def check_labels(y, shape, n_y):
    """Check integer labels y of `shape` with values in -1..n_y-1 and at least one scored."""
    y = check_real("y", y)
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
