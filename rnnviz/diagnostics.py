"""Gradient diagnostics: how the gradient changes as it travels backward through time.

With a loss at the last step only, the gradient reaching step k is

    dL/da<k> = (dA<T>/dA<k>)^T dL/da<T>,   dA<T>/dA<k> = prod_{j=k+1..T} diag(g'(z<j>)) W_aa

and since ||diag(g'(z))|| <= gamma and ||W_aa|| = sigma_max(W_aa) (Pascanu, Mikolov, Bengio 2013),

    ||dA<T>/dA<k>|| <= (sigma_max(W_aa) * gamma)^(T-k).

sigma_max * gamma < 1 is therefore *sufficient* for vanishing gradients, and sigma_max * gamma > 1
is *necessary* (not sufficient) for exploding ones. The spectral radius rho(W_aa) <= sigma_max
decides what happens far out for a linear network; saturation (small g') can still make the
gradient vanish when sigma_max > 1.
"""

from dataclasses import dataclass

import numpy as np

from . import budget
from ._blas import one_blas_thread
from ._checks import MAX_T, check_choice, check_float, check_int, check_real
from ._shapes import PARAM_SHAPES, check_cell
from .activations import get_activation
from .cells import backward, forward
from .clipping import global_norm, row_norms
from .output import cross_entropy, loss_and_grads, softmax


def sigma_max(W):
    """The largest singular value of W, the matrix 2-norm ||W||. NaN if W holds NaN, inf if inf."""
    W = _check_matrix(W)
    if not np.isfinite(W).all():
        return float("nan") if np.isnan(W).any() else float("inf")
    return float(np.linalg.norm(W, 2))


def spectral_radius(W):
    """rho(W) = max |lambda_i(W)|, the largest eigenvalue magnitude; rho(W) <= sigma_max(W).

    NaN if W is not finite.
    """
    W = _check_matrix(W, square=True)
    if not np.isfinite(W).all():
        return float("nan")
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def _check_matrix(W, *, square=False):
    W = np.asarray(check_real("W", W), dtype=np.float64)
    if W.ndim != 2 or W.size == 0 or (square and W.shape[0] != W.shape[1]):
        raise ValueError(f"W has shape {W.shape}, must be a non-empty {'square ' * square}matrix")
    return W


def bound(sigma, gamma, T):
    """(sigma * gamma)^(T-k) for k = 1..T: the bound on ||dA<T>/dA<k>||."""
    sigma = check_float("sigma", sigma, allow_zero=True)
    gamma = check_float("gamma", gamma, allow_zero=True)
    T = check_int("T", T, maximum=MAX_T, what="time steps")
    return _bound(sigma * gamma, T)


def _bound(r, T):
    with np.errstate(over="ignore", invalid="ignore"):
        return r ** np.arange(T - 1, -1, -1, dtype=np.float64)


def regime(sigma, gamma, *, tol=1e-6):
    """The regime the bound predicts: "vanishing" (sigma*gamma < 1), "exploding" or "neither".

    Within `tol` of 1 is "neither": a slider set to sigma_max = 1.00 is on the edge, not past it.
    "undefined" when sigma * gamma is NaN (a W_aa holding NaN).
    """
    r = float(sigma) * float(gamma)
    if np.isnan(r):
        return "undefined"
    return "vanishing" if r < 1 - tol else "exploding" if r > 1 + tol else "neither"


@one_blas_thread
def gradient_norms(params, x, y, a0=None, *, activation="tanh", loss_at="last"):
    """||dL/da<k>|| for k = 1..T: the size of the gradient that reaches each step.

    Parameters
    ----------
    x : ndarray of shape (T, n_x) or (T, m, n_x)
    y : int ndarray of shape (T,) or (T, m), labels (-1: not scored)
    loss_at : "last" scores only the last step (the labels elsewhere are ignored); "every" keeps y

    Returns
    -------
    ndarray of shape (T,); for a batch, the norm is taken over all m sequences together.
    """
    check_choice("loss_at", loss_at, ("last", "every"))
    if loss_at == "last":
        y = np.array(y, copy=True)
        if y.ndim:  # a y of the wrong shape is reported by loss_and_grads
            y[:-1] = -1
    _, grads = loss_and_grads(params, x, y, a0, activation=activation)
    return step_norms(grads["a"])


def step_norms(da):
    """The L2 norm of each step's slice of a (T, n_a) or (T, m, n_a) array."""
    return row_norms(np.reshape(da, (len(da), -1)))


@one_blas_thread
def jacobian_products(params, x, a0=None, *, activation="tanh"):
    """dA<T>/dA<k> for k = 1..T as an array of shape (T, n_a, n_a), for one sequence x (T, n_x).

    J<T> = I,  J<k> = J<k+1> diag(g'(z<k+1>)) W_aa.  Entries may overflow to inf: a result too.
    """
    check_cell(params, "rnn", "jacobian_products")
    _, cache = forward(params, x, a0, activation=activation)
    dg, W = _derivatives(cache), params["W_aa"]
    T, n_a = dg.shape
    _check_products("jacobian_products", T, n_a, 0)
    J = np.empty((T, n_a, n_a))
    J[-1] = np.eye(n_a)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(T - 2, -1, -1):
            J[k] = (J[k + 1] * dg[k + 1]) @ W  # J<k+1> diag(g'(z<k+1>)) W_aa, (n_a, n_a)
    return J


@one_blas_thread
def jacobian_norms(params, x, a0=None, *, activation="tanh", at=None):
    """sigma_max(dA<T>/dA<k>) for k = 1..T (or for the 0-based indices `at`), by exact SVD.

    The products are renormalised at every step and the scale is kept as a logarithm, so the
    singular values are exact even where the matrices themselves would overflow; the returned
    value is inf only when the norm itself exceeds the float64 range.
    """
    check_cell(params, "rnn", "jacobian_norms")
    _, cache = forward(params, x, a0, activation=activation)
    dg = _derivatives(cache)
    T = len(dg)
    at = np.arange(T) if at is None else np.asarray(at)
    if at.ndim != 1 or not np.issubdtype(at.dtype, np.integer) or not ((at >= 0) & (at < T)).all():
        raise ValueError(f"at == {at!r}, must be a 1-D array of 0-based steps in 0..{T - 1}")
    _check_products("jacobian_norms", T, n_a=dg.shape[1], svds=len(at))
    log_s, J = _normalised_products(dg, params["W_aa"])
    return _sigma_from(log_s, J, at)


def _sigma_steps(T, sigma_points):
    """The 0-based steps at which explore computes sigma: every step, or about sigma_points."""
    step = max(1, T // sigma_points) if sigma_points else 1
    return np.unique(np.r_[np.arange(0, T, step), T - 1])


def _check_products(name, T, n_a, svds):
    """The budget of the T Jacobian products dA<T>/dA<k> (n_a, n_a) and `svds` SVDs of them."""
    budget.check(
        f"{name} over T = {T:,} steps with n_a = {n_a:,} units (T Jacobian products of "
        f"n_a x n_a numbers)",
        nbytes=8 * T * n_a * n_a * (3 if svds else 1),
        operations=T * (n_a**3 + budget.OPERATIONS_PER_STEP) + svds * budget.cube(n_a),
        smaller="T or n_a",
    )


def _normalised_products(dg, W):
    """J<k> / s<k> with max |entry| 1, and log s<k>, for J<k> = dA<T>/dA<k> (k = 0..T-1).

    J<T> = I and J<k> = J<k+1> diag(g'(z<k+1>)) W_aa, from dg (T, n_a) and W = W_aa (n_a, n_a).
    Rescaling at every step keeps the entries representable however large or small J<k> is.
    """
    T, n_a = dg.shape
    W = np.asarray(W, dtype=np.float64)  # float32 weights too: one dtype for np.dot's fast path
    J = np.empty((T, n_a, n_a))
    scale = np.ones(T)
    J[-1] = np.eye(n_a)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for k in range(T - 2, -1, -1):
            P = np.dot(J[k + 1] * dg[k + 1], W)  # (n_a, n_a) @ (n_a, n_a) -> (n_a, n_a)
            scale[k] = s = np.abs(P).max()
            if not 0 < s < np.inf:
                # 0 (dead relu units, W_aa = 0), NaN (a NaN g') or inf (beyond float64): so is
                # every earlier product. J = 0, or J = I with that scale: sigma_max 0, NaN or inf
                J[: k + 1] = 0.0 if s == 0 else np.eye(n_a)
                scale[: k + 1] = s
                break
            np.divide(P, s, out=J[k])
        return np.cumsum(np.log(scale)[::-1])[::-1], J


def _sigma_from(log_s, J, idx):
    """sigma_max(J[i]) * exp(log_s[i]) for i in idx, by exact SVD of the rescaled products."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        sv = np.linalg.svd(J[idx], compute_uv=False)[:, 0]
        return np.where(sv > 0, np.exp(log_s[idx] + np.log(np.where(sv > 0, sv, 1.0))), 0.0)


def _derivatives(cache):
    """g'(z<t>) of a single-sequence RNN cache, as float64 of shape (T, n_a)."""
    if cache["batched"] and cache["x"].shape[1] != 1:
        raise ValueError("Jacobian products take one sequence: x of shape (T, n_x)")
    with np.errstate(over="ignore", invalid="ignore"):
        dg = cache["activation"].dg(cache["z"], cache["a"])[:, 0]
    return dg.astype(np.float64)


def saturation(params, x, a0=None, *, activation="tanh"):
    """mean_i g'(z<t>_i) / gamma for t = 1..T: 1 means linear, 0 means fully saturated units."""
    check_cell(params, "rnn", "saturation")
    act = get_activation(activation)
    _, cache = forward(params, x, a0, activation=act)
    with np.errstate(over="ignore", invalid="ignore"):
        dg = act.dg(cache["z"], cache["a"])
    return dg.reshape(len(dg), -1).mean(axis=1) / act.gamma


@dataclass(frozen=True)
class GradientFlow:
    """How the gradient of a loss at the last step T travels back through one sequence.

    Arrays have shape (T,) unless said otherwise; step k runs from 1 to T.
    """

    k: np.ndarray  # the steps 1..T
    grad_norm: np.ndarray  # ||dL/da<k>||
    grad_norm_clipped: np.ndarray  # the same after clipping by global norm (= grad_norm if off)
    total_norm: float  # ||g||, the global norm of the parameter gradient, before clipping
    clip_factor: float  # what clipping multiplied the whole gradient by (1: unchanged)
    sigma_max: float  # sigma_max(W_aa)
    spectral_radius: float  # rho(W_aa)
    gamma: float  # the largest slope of the activation
    activation: str  # the activation's name: "tanh", "sigmoid", "relu" or "linear"
    regime: str  # what the bound predicts: "vanishing", "exploding" or "neither"
    bound: np.ndarray  # ||dL/da<T>|| (sigma_max gamma)^(T-k)
    sigma_k: np.ndarray  # the steps k where sigma was computed
    sigma: np.ndarray  # sigma_max(dA<T>/dA<k>) at those steps, shape (len(sigma_k),)
    ratio: float  # ||dL/da<1>|| / ||dL/da<T>||
    first_nonfinite: int | None  # the largest k whose gradient is inf or NaN, or None
    nonfinite: str | None  # "inf", "NaN" or None
    saturation: np.ndarray  # mean g'(z<k>) / gamma: 1 linear, 0 saturated
    loss: float  # the loss at step T


@one_blas_thread
def explore(params, x, y, a0=None, *, activation="tanh", max_norm=None, sigma_points=None):
    """Everything the gradient-flow explorer shows for one setting, from one forward pass.

    The loss is the cross-entropy at the last step of one sequence x (T, n_x) with label y (int;
    None: the class the network rates least likely at step T, which keeps an error to send back).
    `max_norm` clips the parameter gradient by its global norm (None: no clipping); the Jacobian
    norms sigma are computed at every step, or at about `sigma_points` of them. Returns a
    `GradientFlow`. Non-finite weights or gradients are results: the fields they make inf or NaN
    are marked so (`first_nonfinite`, `nonfinite`; `regime` "undefined" for a NaN W_aa).
    """
    check_cell(params, "rnn", "explore")
    act = get_activation(activation)
    if max_norm is not None:
        max_norm = check_float("max_norm", max_norm)
    if sigma_points is not None:
        sigma_points = check_int("sigma_points", sigma_points)
    if isinstance(x, np.ndarray) and x.ndim == 2 and x.size and np.ndim(params["W_aa"]) == 2:
        T = len(x)  # the products' budget before the forward pass, too
        _check_products("explore", T, len(params["W_aa"]), len(_sigma_steps(T, sigma_points)))
    a, cache = forward(params, x, a0, activation=act)
    if cache["batched"]:
        raise ValueError(f"explore takes one sequence x of shape (T, n_x), got {np.shape(x)}")
    n_y = params["W_ya"].shape[0]
    if y is None:  # the least likely class at step T, from this forward pass (as `predict`)
        with np.errstate(over="ignore", invalid="ignore"):
            y = int(np.argmin(softmax(a @ params["W_ya"].T + params["b_y"])[-1]))  # (T, n_y)
    if check_int("y", y, minimum=0) >= n_y:
        raise ValueError(f"y == {y!r}, must be a class label in 0..{n_y - 1}")
    T = len(a)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        logits = a[-1] @ params["W_ya"].T + params["b_y"]  # (n_a,) @ (n_a, n_y) -> (n_y,)
        loss, dlogits, _ = cross_entropy(logits, np.array(y))
        da = np.zeros_like(a)
        da[-1] = dlogits @ params["W_ya"]  # (n_y,) @ (n_y, n_a) -> (n_a,)
        grads = backward(da, cache)
        grads["W_ya"], grads["b_y"] = np.outer(dlogits, a[-1]), dlogits
    grad_norm = step_norms(grads["a"])
    param_grads = {k: grads[k] for k in PARAM_SHAPES["rnn"]}
    total = global_norm(param_grads)
    clip = max_norm is not None and np.isfinite(total) and total > max_norm
    factor = max_norm / total if clip else 1.0  # an inf or NaN gradient cannot be rescaled
    s, g = sigma_max(params["W_aa"]), act.gamma
    bad = ~np.isfinite(grad_norm)
    first_bad = int(np.nonzero(bad)[0].max()) + 1 if bad.any() else None
    dg = _derivatives(cache)
    sigma_k = _sigma_steps(T, sigma_points)
    _check_products("explore", T, len(params["W_aa"]), len(sigma_k))
    log_s, J = _normalised_products(dg, params["W_aa"])
    sigma_vals = _sigma_from(log_s, J, sigma_k)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        ratio = grad_norm[0] / grad_norm[-1] if grad_norm[-1] > 0 else np.nan
        return GradientFlow(
            k=np.arange(1, T + 1),
            grad_norm=grad_norm,
            grad_norm_clipped=grad_norm * factor,
            total_norm=total,
            clip_factor=factor,
            sigma_max=s,
            spectral_radius=spectral_radius(params["W_aa"]),
            gamma=g,
            activation=act.name,
            regime=regime(s, g),
            bound=grad_norm[-1] * _bound(s * g, T),
            sigma_k=sigma_k + 1,
            sigma=sigma_vals,
            ratio=float(ratio),
            first_nonfinite=first_bad,
            nonfinite=None if first_bad is None else "NaN" if np.isnan(grad_norm).any() else "inf",
            saturation=dg.mean(axis=1) / g,
            loss=loss,
        )
