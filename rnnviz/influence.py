"""Connectivity maps: the lecture's "local influences", measured.

    C[t, k] = ||d y_hat<t> / d x<k>||   (Frobenius norm), 0 for k > t

The lecture's "local influences": in a basic RNN, y_hat<t> is mainly influenced by the inputs
close to step t, because d y_hat<t> / d x<k> carries the product of the Jacobians
diag(g'(z<j>)) W_aa for j = k+1..t, the same product that makes the gradient vanish.
"""

import numpy as np

from . import budget
from ._blas import one_blas_thread
from .cells import backward, cell_of, forward
from .output import softmax


@one_blas_thread
def connectivity(params, x, a0=None, *, activation="tanh"):
    """C[t, k] = ||d y_hat<t> / d x<k>|| (Frobenius) for k <= t, 0 above the diagonal.

    Rows are the output step t, columns the input step k (0-based). For a batch x (T, m, n_x) the
    map is averaged over the m sequences. Works for every cell: for each sequence, the T * n_y rows
    of the output Jacobians d y_hat<t>_i / d a<t> are sent backward together as one batch.
    """
    a, cache = forward(params, x, a0, activation=activation)
    a3 = a if cache["batched"] else a[:, None]
    _check_budget(cell_of(params).name, cache["x"].shape, params["W_ya"].shape)
    with np.errstate(over="ignore", invalid="ignore"):
        rows = output_rows(a3, params)  # d y_hat<t>_i / d a<t>, (T, m, n_y, n_a)
        if cell_of(params).name == "rnn":
            dg = cache["activation"].dg(cache["z"], cache["a"])  # (T, m, n_a)
            W_aa, W_ax = params["W_aa"], params["W_ax"]
            maps = [
                _rnn_connectivity(rows[:, i], dg[:, i], W_aa, W_ax) for i in range(len(rows[0]))
            ]
        else:  # one sequence at a time: its T * n_y copies are batch enough
            x3 = cache["x"]
            a0s = None if a0 is None else np.asarray(a0).reshape(x3.shape[1], -1)
            maps = [
                _generic_connectivity(
                    rows[:, i], params, x3[:, i], None if a0s is None else a0s[i], activation
                )
                for i in range(x3.shape[1])
            ]
        return np.mean(maps, axis=0)


def _check_budget(cell, shape, output_shape):
    """The budget of a map over x of `shape` (T, m, n_x), with W_ya of `output_shape`."""
    (T, m, n_x), (n_y, n_a) = shape, output_shape
    r = max(n_y - 1, 1)  # the rows of each step's output Jacobian (see output_rows)
    nbytes = 8 * T * m * (r * n_a + 2 * n_y * n_y)  # rows, S and its eigenvectors
    nbytes += 8 * T * T * (m + 4)  # the m maps, their mean, the sums and roots behind each
    if cell == "rnn":  # V, the two buffers of rows, the squared norms
        nbytes += 8 * (T * n_a * (n_a + n_x) + 2 * T * r * (n_a + n_x) + T * T * r)
        operations = m * (T * T * r * n_a * (n_a + n_x) // 2 + T * budget.OPERATIONS_PER_STEP)
    else:  # one backward pass of a batch of T * r copies of each sequence
        pass_bytes, pass_operations = budget.pass_cost(cell, T, T * r, n_x, n_a, n_y)
        nbytes += pass_bytes + 8 * T * T * r * (n_a + n_x)
        operations = m * pass_operations
    budget.check(
        f"connectivity of the {cell} over T = {T:,} steps of m = {m:,} sequences with n_a = "
        f"{n_a:,} units and n_y = {n_y:,} classes",
        nbytes=nbytes,
        operations=operations,
        smaller="T, m, n_a or n_y",
    )


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


def _generic_connectivity(rows, params, x, a0, activation):
    """C[t, k] for any cell and one sequence, by one backward pass of all T * r output rows.

    rows : (T, r, n_a);  x : (T, n_x);  a0 : None or (n_a,)
    """
    T, r, n_a = rows.shape
    xb = np.repeat(x[:, None], T * r, axis=1)  # (T, T * r, n_x): one copy per output row
    a0b = None if a0 is None else np.repeat(a0[None], T * r, axis=0)
    _, big = forward(params, xb, a0b, activation=activation)
    da = np.zeros((T, T, r, n_a))
    da[np.arange(T), np.arange(T)] = rows  # row block t enters the backward pass at step t
    dx = backward(da.reshape(T, T * r, n_a), big)["x"]  # (T_k, T_t * r, n_x)
    return np.sqrt((dx * dx).reshape(T, T, -1).sum(axis=-1)).T  # (T_t, T_k)


def output_rows(a3, params):
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
