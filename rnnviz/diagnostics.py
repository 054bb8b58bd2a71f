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

import numpy as np

from ._checks import check_choice, check_float, check_int
from ._shapes import PARAM_SHAPES
from .activations import get_activation
from .cells import backward, cell_of, forward
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
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.size == 0 or (square and W.shape[0] != W.shape[1]):
        raise ValueError(f"W has shape {W.shape}, must be a non-empty {'square ' * square}matrix")
    return W


def bound(sigma, gamma, T):
    """(sigma * gamma)^(T-k) for k = 1..T: the bound on ||dA<T>/dA<k>||."""
    sigma = check_float("sigma", sigma, allow_zero=True)
    gamma = check_float("gamma", gamma, allow_zero=True)
    T = check_int("T", T)
    with np.errstate(over="ignore"):
        return (sigma * gamma) ** np.arange(T - 1, -1, -1, dtype=np.float64)


def regime(sigma, gamma, *, tol=1e-9):
    """The regime the bound predicts: "vanishing" (sigma*gamma < 1), "exploding" or "neither"."""
    r = float(sigma) * float(gamma)
    return "vanishing" if r < 1 - tol else "exploding" if r > 1 + tol else "neither"


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


def jacobian_products(params, x, a0=None, *, activation="tanh"):
    """dA<T>/dA<k> for k = 1..T as an array of shape (T, n_a, n_a), for one sequence x (T, n_x).

    J<T> = I,  J<k> = J<k+1> diag(g'(z<k+1>)) W_aa.  Entries may overflow to inf: a result too.
    """
    _, cache = forward(params, x, a0, activation=activation)
    dg, W = _derivatives(cache), params["W_aa"]
    T, n_a = dg.shape
    J = np.empty((T, n_a, n_a))
    J[-1] = np.eye(n_a)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(T - 2, -1, -1):
            J[k] = (J[k + 1] * dg[k + 1]) @ W  # J<k+1> diag(g'(z<k+1>)) W_aa, (n_a, n_a)
    return J


def jacobian_norms(params, x, a0=None, *, activation="tanh", at=None):
    """sigma_max(dA<T>/dA<k>) for k = 1..T (or for the 0-based indices `at`), by exact SVD.

    The products are renormalised at every step and the scale is kept as a logarithm, so the
    singular values are exact even where the matrices themselves would overflow; the returned
    value is inf only when the norm itself exceeds the float64 range.
    """
    _, cache = forward(params, x, a0, activation=activation)
    dg = _derivatives(cache)
    T = len(dg)
    at = np.arange(T) if at is None else np.asarray(at)
    if at.ndim != 1 or not np.issubdtype(at.dtype, np.integer) or not ((at >= 0) & (at < T)).all():
        raise ValueError(f"at == {at!r}, must be a 1-D array of 0-based steps in 0..{T - 1}")
    log_s, J = _normalised_products(dg, params["W_aa"])
    return _sigma_from(log_s, J, at)


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
    act = get_activation(activation)
    _, cache = forward(params, x, a0, activation=act)
    with np.errstate(over="ignore", invalid="ignore"):
        dg = act.dg(cache["z"], cache["a"])
    return dg.reshape(len(dg), -1).mean(axis=1) / act.gamma


def connectivity(params, x, a0=None, *, activation="tanh"):
    """C[t, k] = ||d y_hat<t> / d x<k>|| (Frobenius) for k <= t, 0 above the diagonal.

    Rows are the output step t, columns the input step k (0-based). For a batch x (T, m, n_x) the
    map is averaged over the m sequences. Works for every cell: the T * n_y rows of the output
    Jacobians d y_hat<t>_i / d a<t> are sent backward together as one batch.
    """
    a, cache = forward(params, x, a0, activation=activation)
    a3 = a if cache["batched"] else a[:, None]
    with np.errstate(over="ignore", invalid="ignore"):
        rows = _output_rows(a3, params)  # d y_hat<t>_i / d a<t>, (T, m, n_y, n_a)
        if cell_of(params).name == "rnn":
            dg = cache["activation"].dg(cache["z"], cache["a"])  # (T, m, n_a)
            maps = [
                _rnn_connectivity(rows[:, i], dg[:, i], params["W_aa"], params["W_ax"])
                for i in range(rows.shape[1])
            ]
            return np.mean(maps, axis=0)
        return _generic_connectivity(rows, params, x, a0, cache).mean(axis=-1)


def _rnn_connectivity(rows, dg, W_aa, W_ax):
    """C[t, k] for the basic RNN and one sequence, backpropagating all T * r output rows at once.

    With E<t,k> = d y_hat<t> / d a<k> (E<t,t> = rows<t>) and V<k> = diag(g'(z<k>)) [W_aa, W_ax],
    one product per step k gives both the rows to carry on and the ones to measure:

        E<t,k> V<k> = [E<t,k-1>, d y_hat<t> / d x<k>]      for every t >= k.

    rows : (T, r, n_a);  dg : (T, n_a);  W_aa : (n_a, n_a);  W_ax : (n_a, n_x).
    """
    T, r, n_a = rows.shape
    W = np.concatenate([W_aa, W_ax], axis=1, dtype=np.float64)  # (n_a, n_a + n_x)
    V = np.asarray(dg, dtype=np.float64)[:, :, None] * W  # (T, n_a, n_a + n_x)
    # Two buffers of rows [E<t,k>, d y_hat<t> / d x<k+1>]: step k reads the rows t >= k of one
    # and writes the other. Row block t starts as rows<t>, and nothing writes it before step t.
    buffers = [np.zeros((T * r, W.shape[1])) for _ in range(2)]
    for buffer in buffers:
        buffer[:, :n_a] = rows.reshape(T * r, n_a)
    sq = np.zeros((T, T * r))  # sq[k, (t, j)] = ||row j of d y_hat<t> / d x<k>||^2
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(T - 1, -1, -1):
            E, out = buffers[k % 2][k * r :, :n_a], buffers[1 - k % 2][k * r :]
            G = np.dot(E, V[k], out=out)  # (rows, n_a) @ (n_a, n_a + n_x) -> (rows, n_a + n_x)
            np.einsum("ij,ij->i", G[:, n_a:], G[:, n_a:], out=sq[k, k * r :])
        return np.sqrt(sq.reshape(T, T, r).sum(axis=-1)).T  # (T_t, T_k)


def _generic_connectivity(rows, params, x, a0, cache):
    """C[t, k, m] for any cell, by one batched backward pass of all T * n_y output rows."""
    T, m, n_y, n_a = rows.shape
    x3 = cache["x"]
    xb = np.broadcast_to(x3[:, :, None], (T, m, T * n_y, x3.shape[-1])).reshape(T, -1, x3.shape[-1])
    a0b = None if a0 is None else np.repeat(np.asarray(a0).reshape(m, -1), T * n_y, axis=0)
    _, big = forward(params, xb, a0b, activation=cache.get("activation", "tanh"))
    da = np.zeros((T, m, T, n_y, n_a))
    da[np.arange(T), :, np.arange(T)] = rows
    dx = backward(da.reshape(T, m * T * n_y, n_a), big)["x"]  # (T_k, m*T_t*n_y, n_x)
    dx = dx.reshape(T, m, T, n_y, -1)
    return np.sqrt((dx * dx).sum(axis=(-2, -1))).transpose(2, 0, 1)  # (T_t, T_k, m)


def explore(
    params,
    x,
    y,
    a0=None,
    *,
    activation="tanh",
    max_norm=None,
    sigma_points=None,
    with_connectivity=True,
):
    """Everything the gradient-flow explorer shows for one setting, from one forward pass.

    The loss is the cross-entropy at the last step of one sequence x (T, n_x) with label y (int).

    Returns a dict with
      k (T,) the steps 1..T; grad_norm (T,) ||dL/da<k>||; grad_norm_clipped (T,) the same after
      clipping the parameter gradient by global norm (equal when max_norm is None); total_norm,
      clip_factor; sigma_max, spectral_radius, gamma, regime; bound (T,) ||dL/da<T>|| *
      (sigma_max * gamma)^(T-k); sigma_k, sigma (the indices and values of sigma_max(dA<T>/dA<k>),
      at every step or at about `sigma_points` of them); ratio ||dL/da<1>|| / ||dL/da<T>||;
      first_nonfinite (the largest k whose gradient is inf or NaN, or None) and nonfinite ("inf",
      "NaN" or None); saturation (T,); connectivity (T, T), or None when `with_connectivity`
      is False (it is the costliest part, and a view that does not show it can skip it); loss.
    """
    act = get_activation(activation)
    if max_norm is not None:
        max_norm = check_float("max_norm", max_norm)
    if sigma_points is not None:
        sigma_points = check_int("sigma_points", sigma_points)
    a, cache = forward(params, x, a0, activation=act)
    if cache["batched"]:
        raise ValueError(f"explore takes one sequence x of shape (T, n_x), got {np.shape(x)}")
    n_y = params["W_ya"].shape[0]
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
    factor = (
        max_norm / total
        if max_norm is not None and np.isfinite(total) and total > max_norm
        else 1.0
    )
    s, g = sigma_max(params["W_aa"]), act.gamma
    bad = ~np.isfinite(grad_norm)
    first_bad = int(np.nonzero(bad)[0].max()) + 1 if bad.any() else None
    dg = _derivatives(cache)
    log_s, J = _normalised_products(dg, params["W_aa"])
    step = max(1, T // sigma_points) if sigma_points else 1
    sigma_k = np.unique(np.r_[np.arange(0, T, step), T - 1])
    sigma_vals = _sigma_from(log_s, J, sigma_k)
    C = None
    if with_connectivity:
        rows = _output_rows(a[:, None], params)  # d y_hat<t> / d a<t>, (T, 1, r, n_a)
        C = _rnn_connectivity(rows[:, 0], dg, params["W_aa"], params["W_ax"])
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        ratio = grad_norm[0] / grad_norm[-1] if grad_norm[-1] > 0 else np.nan
        return {
            "k": np.arange(1, T + 1),
            "grad_norm": grad_norm,
            "grad_norm_clipped": grad_norm * factor,
            "total_norm": total,
            "clip_factor": factor,
            "sigma_max": s,
            "spectral_radius": spectral_radius(params["W_aa"]),
            "gamma": g,
            "regime": regime(s, g),
            "bound": grad_norm[-1] * bound(s, g, T),
            "sigma_k": sigma_k + 1,
            "sigma": sigma_vals,
            "ratio": float(ratio),
            "first_nonfinite": first_bad,
            "nonfinite": None
            if first_bad is None
            else ("NaN" if np.isnan(grad_norm).any() else "inf"),
            "saturation": dg.mean(axis=1) / g,
            "connectivity": C,
            "loss": loss,
        }


def _output_rows(a3, params):
    """Rows R<t> with ||R<t> V|| = ||(d y_hat<t> / d a<t>) V|| for any V, one fewer than n_y.

    d y_hat<t> / d a<t> = S<t> W_ya with S = diag(y_hat) - y_hat y_hat^T, symmetric with S 1 = 0.
    Writing S = U diag(lam) U^T and dropping the zero eigenvalue leaves n_y - 1 rows
    lam_i u_i^T W_ya that give the same Frobenius norms with less work.
    a3 : (T, m, n_a) -> (T, m, max(n_y - 1, 1), n_a)
    """
    n_y = params["W_ya"].shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        y_hat = softmax(a3 @ params["W_ya"].T + params["b_y"])  # (T, m, n_a) @ (n_a, n_y)
        S = y_hat[..., :, None] * (np.eye(n_y) - y_hat[..., None, :])  # (T, m, n_y, n_y)
        if n_y == 1 or not np.isfinite(S).all():
            return S @ params["W_ya"]  # (T, m, n_y, n_y) @ (n_y, n_a) -> (T, m, n_y, n_a)
        lam, U = np.linalg.eigh(S)  # ascending: lam[..., 0] is the zero eigenvalue
        R = lam[..., 1:, None] * np.swapaxes(U, -1, -2)[..., 1:, :]  # (T, m, n_y - 1, n_y)
        return R @ params["W_ya"]  # (T, m, n_y - 1, n_y) @ (n_y, n_a) -> (T, m, n_y - 1, n_a)
