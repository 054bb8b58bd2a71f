"""Gradient clipping: three ways to keep an exploding gradient from wrecking the parameters.

    by value:         g_i  <- min(max(g_i, -max_value), max_value)       for every entry
    by global norm:   g    <- g * max_norm / ||g||   if ||g|| > max_norm   (one norm, all arrays)
    by array norm:    g_k  <- g_k * max_norm / ||g_k|| if ||g_k|| > max_norm (each array alone;
                      Keras' `clipnorm`)

Only clipping by global norm keeps the direction of the whole update. None of them mutate the
input dict; each returns new arrays.
"""

import numpy as np

from ._checks import check_float


def _check_grads(grads):
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of arrays, got {type(grads).__name__}")
    grads = {k: np.asarray(v) for k, v in grads.items()}
    for k, v in grads.items():
        if not np.issubdtype(v.dtype, np.number):
            raise TypeError(f"grads[{k!r}] must hold numbers, got dtype {v.dtype}")
    return grads


def norm(array):
    """The L2 norm sqrt(sum x_i^2), computed so that it overflows only if the result does."""
    array = np.asarray(array, dtype=np.float64)
    if array.size == 0:
        return 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        scale = float(np.max(np.abs(array)))
        if not np.isfinite(scale):
            return float("nan") if np.isnan(array).any() else float("inf")
        if scale == 0.0:
            return 0.0
        r = array / scale
        return scale * float(np.sqrt(np.vdot(r, r).real))


def row_norms(X):
    """The L2 norm of each row of a 2-D array, like `norm` row by row, in one vectorised pass."""
    X = np.asarray(X, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        scale = np.abs(X).max(axis=1)
        safe = np.where((scale > 0) & np.isfinite(scale), scale, 1.0)
        n = safe * np.sqrt(np.einsum("ij,ij->i", X / safe[:, None], X / safe[:, None]))
        n = np.where(np.isfinite(scale), n, np.inf)
        return np.where(np.isnan(X).any(axis=1), np.nan, n)


def global_norm(grads):
    """||g|| over all arrays of the dict together: sqrt(sum_k ||g_k||^2)."""
    grads = _check_grads(grads)
    return norm(np.array([norm(v) for v in grads.values()]))


def clip_by_value(grads, max_value):
    """Clip every entry of every array into [-max_value, max_value]. Changes the direction."""
    grads = _check_grads(grads)
    max_value = check_float("max_value", max_value)
    return {k: np.clip(v, -max_value, max_value) for k, v in grads.items()}


def clip_by_global_norm(grads, max_norm):
    """Rescale all arrays by max_norm / ||g|| when the global norm ||g|| exceeds max_norm.

    Returns
    -------
    clipped : dict of new arrays
    total_norm : float, the global norm before clipping. When it is not finite (inf or NaN) the
        arrays come back unchanged: rescaling cannot repair them, the caller must report it.
    """
    grads = _check_grads(grads)
    max_norm = check_float("max_norm", max_norm)
    total_norm = global_norm(grads)
    if np.isfinite(total_norm) and total_norm > max_norm:
        factor = max_norm / total_norm
        return {k: v * factor for k, v in grads.items()}, total_norm
    return {k: v.copy() for k, v in grads.items()}, total_norm


def clip_by_array_norm(grads, max_norm):
    """Rescale each array g_k on its own by max_norm / ||g_k|| when ||g_k|| > max_norm.

    This is Keras' `clipnorm`. Like clipping by value it may change the update's direction,
    because different arrays get different factors. Non-finite arrays come back unchanged.
    """
    grads = _check_grads(grads)
    max_norm = check_float("max_norm", max_norm)
    out = {}
    for k, v in grads.items():
        n = norm(v)
        out[k] = v * (max_norm / n) if np.isfinite(n) and n > max_norm else v.copy()
    return out
