"""Gradient clipping: three ways to keep an exploding gradient from wrecking the parameters.

    by value:         g_i  <- min(max(g_i, -max_value), max_value)       for every entry
    by global norm:   g    <- g * max_norm / ||g||   if ||g|| > max_norm   (one norm, all arrays)
    by array norm:    g_k  <- g_k * max_norm / ||g_k|| if ||g_k|| > max_norm (each array alone;
                      Keras' `clipnorm`)

Only clipping by global norm keeps the direction of the whole update. None of them mutate the
input dict; each returns new arrays.
"""

import numpy as np

from ._checks import check_float, check_real


def _check_grads(grads):
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of arrays, got {type(grads).__name__}")
    return {k: check_real(f"grads[{k!r}]", v) for k, v in grads.items()}


def _rescale(grads, max_norm, n):
    """g * max_norm / n, also when n is inf only because ||g|| exceeds float64's range."""
    if np.isfinite(n):
        factor = max_norm / n
        if factor >= np.finfo(np.float64).tiny:
            return {k: v * factor for k, v in grads.items()}
        # a subnormal factor has lost digits (1e-6 / 3e306 keeps about 5): divide first
        return {k: (v / n) * max_norm for k, v in grads.items()}
    # Every entry is finite but the norm overflows: divide by the largest entry first, so the
    # norm of what is left lies in [1, sqrt(size)].
    scale = max(float(np.max(np.abs(v), initial=0.0)) for v in grads.values())
    scaled = {k: v / scale for k, v in grads.items()}
    return {k: v * (max_norm / global_norm(scaled)) for k, v in scaled.items()}


def _finite(v):
    return bool(np.isfinite(v).all())


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
    total_norm : float, the global norm before clipping: inf when it exceeds float64's range
        (the arrays are still rescaled correctly if every entry is finite). When an entry is inf
        or NaN the arrays come back unchanged: rescaling cannot repair them, the caller must
        report it.
    """
    grads = _check_grads(grads)
    max_norm = check_float("max_norm", max_norm)
    total_norm = global_norm(grads)
    if total_norm > max_norm and all(_finite(v) for v in grads.values()):
        return _rescale(grads, max_norm, total_norm), total_norm
    return {k: v.copy() for k, v in grads.items()}, total_norm


def clip_by_array_norm(grads, max_norm):
    """Rescale each array g_k on its own by max_norm / ||g_k|| when ||g_k|| > max_norm.

    This is Keras' `clipnorm`. Like clipping by value it may change the update's direction,
    because different arrays get different factors. Arrays holding inf or NaN come back
    unchanged.
    """
    grads = _check_grads(grads)
    max_norm = check_float("max_norm", max_norm)
    out = {}
    for k, v in grads.items():
        n = norm(v)
        out[k] = _rescale({k: v}, max_norm, n)[k] if n > max_norm and _finite(v) else v.copy()
    return out
