"""What the notebooks on exploding gradients and clipping compute beyond the core package.

    first_nonfinite_step(a)          the first step t whose a<t> holds inf or NaN
    nudge(params, size, seed)        the parameters multiplied by (1 + size * noise)
    outcome(history)                 how a training run ended, in words, not digits
    parting_step(history, reference) the first step where two runs' losses differ by > 1%
    agreement_with_nearby_noun(...)  the agreement task with a nearby noun that usually agrees
    nonnormal_matrix(...)            W_aa with sigma_max > 1 and spectral radius < 1
    one_unit_rnn(w, b)               the loss of a one-unit RNN over its weights: the "cliff"
    descend_one_unit(...)            gradient descent on it, with or without clipping
    weight_gradient_by_step(...)     each step's share of dL/dW_aa and ||dL/da<k>||
    angle(g, h)                      the angle between two gradients (dicts of arrays), degrees
    plot_cliff(...), plot_norm_histogram(...)   their figures
    plot_runs(histories, ...)        `figures.plot_training` in STYLES, the line styles shared
                                     with plot_norm_histogram

The one-unit RNN (Pascanu, Mikolov and Bengio 2013, "On the difficulty of training recurrent
neural networks", section 3) has n_x = 0 inputs, n_a = 1 and n_y = 2 classes:

    a<t> = tanh(w a<t-1> + b),   t = 1..T,   a<0> given
    y_hat<T> = softmax(W_ya a<T>),  W_ya = (v, -v)^T,   L = -log y_hat<T>[label]

so L = log(1 + exp(-2 v a<T>)) for label 0 ("a<T> > 0") and log(1 + exp(2 v a<T>)) for label 1.
"""

import numpy as np
import plotly.graph_objects as go

from .._checks import check_choice, check_float, check_int, check_seed
from ..activations import get_activation
from ..cells import forward
from ..clipping import global_norm
from ..figures import plot_training
from ..figures.style import COLORS, SMALL, html, layout, log_ticks
from ..output import loss_and_grads
from ..rnn import random_orthogonal
from ..tasks import AGREEMENT_VOCAB, SINGULAR, agreement_tokens, one_hot

# (colour, dash, marker) per line, in order: plot_runs and plot_norm_histogram use the same ones,
# so that a threshold and the run trained with it look alike in both figures.
STYLES = [
    ("vermillion", "dash", "x"),
    ("blue", "dot", "circle"),
    ("green", "dashdot", "diamond"),
    ("purple", "longdash", "square"),
    ("black", "solid", "triangle-down"),
    ("orange", "longdashdot", "star"),
]

_NOUN_IDS = np.array([AGREEMENT_VOCAB.index(w) for w in AGREEMENT_VOCAB[1:7]])  # 3 sg, 3 pl


def first_nonfinite_step(a):
    """The first step t (1-based) at which a<t> holds an inf or NaN entry, or None.

    a : ndarray of shape (T, ...), e.g. the hidden states a<1> .. a<T> from `forward`
    """
    a = np.asarray(a)
    bad = ~np.isfinite(a.reshape(len(a), -1)).all(axis=1)
    return int(np.argmax(bad)) + 1 if bad.any() else None


def nudge(params, size, *, seed=None):
    """A copy of `params` with every entry multiplied by (1 + size * noise), noise ~ N(0, 1).

    With `size` near the rounding error (1e-16 for float64, 1e-7 for float32) this is the
    difference another CPU's arithmetic makes: in the exploding regime it grows like the gradient.
    """
    size = check_float("size", size, allow_zero=True)
    rng = np.random.default_rng(check_seed(seed))
    return {k: (v * (1 + size * rng.standard_normal(np.shape(v)))).astype(v.dtype) for k, v in
            params.items()}  # fmt: skip


CHANCE_LOSS = float(np.log(2))  # the cross-entropy of a coin toss between "was" and "were"


def outcome(history, *, learned_below=0.1):
    """How a run of `rv.train` ended: "NaN at step s", "learned" or "at chance", in words.

    Learned: final loss below `learned_below`. At chance: final loss within 0.15 of log 2, the
    loss of a coin toss. A run stopped by a finite blow-up (a loss above rv.DIVERGED_LOSS, or an
    update that overflowed the parameters) "blew up at step s". The words are what a lesson
    states; the digits behind them can differ from machine to machine in a run that once
    exploded.
    """
    if history["diverged_at"] is not None:
        message = history.get("message", "")
        finite = "DIVERGED_LOSS" in message or "overflowed the parameters" in message
        return f"{'blew up' if finite else 'NaN'} at step {history['diverged_at']}"
    final = float(history["loss"][-1])
    if final < learned_below:
        return f"no NaN, learned the task (final loss below {learned_below:g})"
    if abs(final - CHANCE_LOSS) < 0.15:
        return "no NaN, at chance (final loss near log 2 = 0.69)"
    return f"no NaN, final loss {final:.2g}"


def parting_step(history, reference, *, tolerance=0.01):
    """The first step at which `history`'s loss is more than `tolerance` (relative) away from
    `reference`'s, or not a number where the other one is; None if they agree at every step
    both ran.

    history, reference : dicts from `rv.train`, with a "loss" per step
    """
    loss, ref = np.asarray(history["loss"]), np.asarray(reference["loss"])
    n = min(len(loss), len(ref))
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        close = np.abs(loss[:n] / ref[:n] - 1) <= tolerance  # False where either is NaN
    apart = np.flatnonzero(~close)
    return int(apart[0]) if apart.size else None


def agreement_with_nearby_noun(m, gap, *, agree=0.8, near=3, seed=None):
    """The agreement task with a second noun `near` words before the end, like "the fish".

    The clause word `near` steps before the last one is replaced by a noun whose number equals
    the subject's with probability `agree`. A network that only looks at nearby words can reach
    accuracy `agree` by copying that noun; only the subject `gap` + 1 words back is always right.

    Returns
    -------
    x : ndarray of shape (T, m, n_x) one-hot, T = gap + 3, n_x = len(AGREEMENT_VOCAB)
    y : int ndarray of shape (T, m): -1 except at the last step, 0 ("was") or 1 ("were")
    agrees : bool ndarray of shape (m,): True where the nearby noun has the subject's number
    """
    gap = check_int("gap", gap, minimum=1)
    near = check_int("near", near)
    if near > gap:
        raise ValueError(f"near == {near}, must be <= gap == {gap} (a word inside the clause)")
    agree = check_float("agree", agree, allow_zero=True, maximum=1.0)
    tokens, number = agreement_tokens(m, gap, seed=seed)
    rng = np.random.default_rng((0 if seed is None else seed, 7))
    agrees = rng.random(tokens.shape[1]) < agree
    cue_number = np.where(agrees, number, 1 - number)
    tokens[-near] = _NOUN_IDS[cue_number * len(SINGULAR) + rng.integers(0, 3, len(agrees))]
    y = np.full(tokens.shape, -1)
    y[-1] = number
    return one_hot(tokens, len(AGREEMENT_VOCAB)), y, agrees


def nonnormal_matrix(n, *, sigma_max=1.5, spectral_radius=0.5, seed=None):
    """A random n x n W with ||W||_2 = sigma_max and eigenvalues of modulus <= spectral_radius.

    W = Q (D + s U) Q^T with Q random orthogonal, D diagonal (the eigenvalues, spread evenly
    over [-spectral_radius, spectral_radius]), U strictly upper triangular and s >= 0 found by
    bisection so that sigma_max(W) = sigma_max. Needs sigma_max >= spectral_radius.
    """
    n = check_int("n", n, minimum=2)
    sigma = check_float("sigma_max", sigma_max)
    rho = check_float("spectral_radius", spectral_radius)
    if sigma < rho:
        raise ValueError(f"sigma_max == {sigma}, must be >= spectral_radius == {rho}")
    rng = np.random.default_rng(check_seed(seed))
    D = np.diag(rho * np.linspace(-1.0, 1.0, n))
    U = np.triu(rng.standard_normal((n, n)), 1)
    lo, hi = 0.0, 1.0
    while np.linalg.norm(D + hi * U, 2) < sigma:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.linalg.norm(D + mid * U, 2) < sigma else (lo, mid)
    Q = random_orthogonal(n, rng)
    return Q @ (D + hi * U) @ Q.T  # (n, n) @ (n, n) @ (n, n) -> (n, n)


def one_unit_rnn(w, b, *, T=50, a0=0.5, v=2.0, label=1):
    """Loss and gradients of the one-unit RNN (see the module docstring) for arrays of w and b.

    Forward-mode derivatives, carried along the loop for every (w, b) at once:
        da<t>/dw = (1 - a<t>^2) (a<t-1> + w da<t-1>/dw),  da<t>/db = (1 - a<t>^2) (1 + w da<t-1>/db)

    Parameters
    ----------
    w, b : float or ndarrays (broadcast together), the recurrent weight and the bias
    T : int, steps;  a0 : the initial state a<0>;  v : the output weight;  label : 0 or 1

    Returns
    -------
    dict with "loss", "dw" (dL/dw), "db" (dL/db) and "a_T", each of the broadcast shape
    """
    T = check_int("T", T)
    check_choice("label", label, (0, 1))
    w, b = np.broadcast_arrays(np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64))
    a = np.full(w.shape, float(a0))
    da_dw, da_db = np.zeros(w.shape), np.zeros(w.shape)
    for _ in range(T):
        a_prev = a
        a = np.tanh(w * a_prev + b)
        slope = 1.0 - a * a  # tanh'(z<t>)
        da_dw = slope * (a_prev + w * da_dw)
        da_db = slope * (1.0 + w * da_db)
    sign = 1.0 if label == 0 else -1.0
    u = 2.0 * v * sign * a  # log y_hat[label] - log y_hat[other]
    loss = np.logaddexp(0.0, -u)
    dL_da = -2.0 * v * sign * np.exp(-np.logaddexp(0.0, u))  # -2 v sign / (1 + exp(u))
    return {"loss": loss, "dw": dL_da * da_dw, "db": dL_da * da_db, "a_T": a}


def descend_one_unit(w0, b, *, learning_rate, steps, clip_threshold=None, **rnn_options):
    """Gradient descent on w alone for `one_unit_rnn`: w <- w - learning_rate * clip(dL/dw).

    With `clip_threshold` c, the gradient is rescaled to length c when |dL/dw| > c (clipping by
    norm; for one number it keeps the sign). Returns ndarrays w (steps + 1,) and loss (steps + 1,).
    """
    steps = check_int("steps", steps)
    learning_rate = check_float("learning_rate", learning_rate)
    if clip_threshold is not None:
        clip_threshold = check_float("clip_threshold", clip_threshold)
    ws, losses = [float(w0)], []
    for _ in range(steps):
        r = one_unit_rnn(ws[-1], b, **rnn_options)
        g = float(r["dw"])
        if clip_threshold is not None and abs(g) > clip_threshold:
            g *= clip_threshold / abs(g)
        losses.append(float(r["loss"]))
        ws.append(ws[-1] - learning_rate * g)
    losses.append(float(one_unit_rnn(ws[-1], b, **rnn_options)["loss"]))
    return np.array(ws), np.array(losses)


def weight_gradient_by_step(params, x, y, a0=None, *, activation="tanh"):
    """Each step's term of dL/dW_aa = sum_k dL/dz<k> a<k-1>^T, and ||dL/da<k>||, for one sequence.

    Parameters
    ----------
    params : dict from `init_params` (basic RNN)
    x : ndarray of shape (T, n_x);  y : int ndarray of shape (T,) (-1: not scored)

    Returns
    -------
    dict with "W_aa_terms" (T,) the norms ||dL/dz<k> a<k-1>^T||, "grad_norm" (T,) ||dL/da<k>||,
    and "grads" (the gradients of `loss_and_grads`, whose "W_aa" is the sum of the terms)
    """
    act = get_activation(activation)
    _, grads = loss_and_grads(params, x, y, a0, activation=act)
    a, cache = forward(params, x, a0, activation=act)
    if cache["batched"]:
        raise ValueError(f"x must be one sequence of shape (T, n_x), got {np.shape(x)}")
    dz = grads["a"] * act.dg(cache["z"][:, 0], a)  # dL/dz<k> = dL/da<k> * g'(z<k>), (T, n_a)
    a_prev = np.concatenate([cache["a0"], a[:-1]])  # a<0> .. a<T-1>, (T, n_a)
    # ||u v^T||_F = ||u|| ||v|| for the outer product of two vectors
    terms = np.linalg.norm(dz, axis=1) * np.linalg.norm(a_prev, axis=1)
    return {"W_aa_terms": terms, "grad_norm": np.linalg.norm(grads["a"], axis=1), "grads": grads}


def angle(g, h):
    """The angle in degrees between two gradients, dicts of arrays flattened into one vector."""
    if not isinstance(g, dict) or not isinstance(h, dict) or sorted(g) != sorted(h):
        raise ValueError("g and h must be dicts of arrays with the same keys")
    u = np.concatenate([np.ravel(g[k]) for k in sorted(g)]).astype(np.float64)
    v = np.concatenate([np.ravel(h[k]) for k in sorted(g)]).astype(np.float64)
    cos = float(u @ v) / (global_norm(g) * global_norm(h))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


# --- figures ---------------------------------------------------------------------------------


def plot_cliff(w, loss, paths, *, wall=None, title="The cliff"):
    """The loss of the one-unit RNN over w (log axis), with gradient-descent paths drawn on it.

    w, loss : ndarrays (n,), the curve
    paths : dict label -> (w_path, loss_path), at most two; each path's end is labelled
    wall : float or None, where to mark the wall with a vertical line
    """
    fig = go.Figure()
    fig.add_scatter(
        x=w, y=loss, mode="lines", name="loss L(w)", line={"color": COLORS["black"], "width": 3},
        hovertemplate="w = %{x:.4f}<br>L = %{y:.3g}<extra></extra>", legendrank=1,
    )  # fmt: skip
    styles = [("vermillion", "x", "dash", 12), ("blue", "circle-open", "dot", 16)]
    notes = []
    # drawn in reverse, so that the first path's markers lie on top where the paths coincide
    for rank, ((label, (pw, pl)), (color, symbol, dash, size)) in reversed(
        list(enumerate(zip(paths.items(), styles, strict=False)))
    ):
        fig.add_scatter(
            x=pw, y=pl, mode="lines+markers", name=label, legendrank=2 + rank,
            line={"color": COLORS[color], "width": 2, "dash": dash},
            marker={"symbol": symbol, "size": size, "color": COLORS[color], "line": {"width": 2}},
            hovertemplate=f"{label}<br>w = %{{x:.4f}}<br>L = %{{y:.3g}}<extra></extra>",
        )  # fmt: skip
        notes.append(
            {"x": pw[-1], "y": np.log10(pl[-1]), "text": f"{label}: ends at w = {pw[-1]:.2f}",
             "showarrow": True, "arrowhead": 2, "arrowwidth": 2, "arrowcolor": COLORS[color],
             "ax": 40 if rank else 60, "ay": 60 if rank else -50, "bgcolor": "white",
             "bordercolor": COLORS[color], "font": {"size": SMALL, "color": "#222"}}
        )  # fmt: skip
    shapes = []
    if wall is not None:
        shapes.append(
            {"type": "line", "x0": wall, "x1": wall, "yref": "paper", "y0": 0, "y1": 1,
             "line": {"color": COLORS["purple"], "width": 2, "dash": "longdash"}}
        )  # fmt: skip
        notes.append(
            {"x": wall, "y": 1.02, "yref": "paper", "text": f"wall, w = {wall:.2f}",
             "showarrow": False, "xanchor": "left", "font": {"size": SMALL}}
        )  # fmt: skip
    layout(fig, title=title, height=560, shapes=shapes, annotations=notes)
    fig.update_layout(legend={"orientation": "h", "y": -0.22, "x": 0}, margin={"b": 150})
    fig.update_xaxes(title_text="recurrent weight w")
    positive = np.asarray(loss)[np.asarray(loss) > 0]
    ticks, labels = log_ticks(positive.min(), positive.max())
    fig.update_yaxes(
        title_text=html("loss at step T  (log scale)"), type="log", tickvals=ticks, ticktext=labels
    )
    return fig


def plot_norm_histogram(grad_norm, markers, *, title="Gradient norms of a stable run"):
    """A histogram of ||g|| per step (log axis), with vertical lines at `markers` {label: value}.

    The i-th marker is drawn in STYLES[i], like the i-th run of `plot_runs`.
    """
    g = np.asarray(grad_norm, dtype=np.float64)
    g = g[np.isfinite(g) & (g > 0)]
    fig = go.Figure()
    fig.add_histogram(
        x=np.log10(g), nbinsx=20, name="training steps",
        marker={"color": COLORS["sky"], "line": {"color": "#222", "width": 1}},
        hovertemplate="log10 ||g|| = %{x}<br>%{y} steps<extra></extra>",
    )  # fmt: skip
    for i, (label, value) in enumerate(markers.items()):
        color, dash, _ = STYLES[i % len(STYLES)]
        fig.add_scatter(
            x=[np.log10(value)] * 2, y=[0, 1], yaxis="y2", mode="lines",
            name=f"{label}: {value:.3g}",
            line={"color": COLORS[color], "width": 4, "dash": dash},
        )  # fmt: skip
    layout(fig, title=title, height=480)
    fig.update_layout(
        yaxis2={"overlaying": "y", "range": [0, 1], "visible": False},
        legend={"orientation": "h", "y": -0.25, "x": 0, "font": {"size": SMALL}},
        margin={"b": 150},
        bargap=0.05,
    )
    every = np.log10(np.r_[g, list(markers.values())])
    lo, hi = np.floor(every.min()), np.ceil(every.max())
    ticks = np.arange(lo, hi + 0.5, 0.5 if hi - lo <= 3 else 1.0)
    fig.update_xaxes(
        title_text="gradient norm ||g|| per step  (log scale)",
        range=[every.min() - 0.3, every.max() + 0.3],
        tickvals=ticks,
        ticktext=[f"{10**t:.2g}" if 10**t < 100 else f"{10**t:.0f}" for t in ticks],
    )
    fig.update_yaxes(title_text="number of steps")
    return fig


def plot_runs(histories, *, title, loss_range=None, norm_range=None):
    """`figures.plot_training` in this module's STYLES, with the y-ranges given (see there).

    histories : dict label -> history from `rv.train`; the i-th run is drawn in STYLES[i]
    """
    return plot_training(
        histories, title=title, styles=STYLES, loss_range=loss_range, norm_range=norm_range
    )
