"""Computations and figures for the lessons on backpropagation through time and vanishing gradients.

- `plot_unrolled_rnn`: the unrolled network as a graph, forward arrows and backward arrows.
- `gradient_errors`: a gradient of one parameter array (yours, or a buggy one) against central
  differences of the loss, entry by entry.
- `untied_gradient_norms`: the same network with a different matrix at every step, a deep
  feedforward network in disguise: a<t> = g(W<t> a<t-1> + W_ax x<t> + b_a).
- `state_influence`: ||da<t>/dx<k>||, how far each input moves a later hidden state.
- `plot_curves`: a few gradient-norm curves on one log axis.
- `plot_connectivity_marked`: a connectivity map with one input column outlined and labelled.
- `nearest_noun_accuracy`: how well "copy the number of the nearest noun" does on `agreement`.
- `train_runs`, `run_accuracies`, `success_flags`: train on the agreement task over several
  seeds and gaps with SGD or Adam (`experiments`), and count the runs that succeed.
"""

import numpy as np
import plotly.graph_objects as go

from .. import experiments
from .._checks import check_choice, check_int
from .._shapes import PARAM_SHAPES, prepare_inputs
from ..activations import get_activation
from ..cells import forward
from ..diagnostics import step_norms
from ..experiments import success_flags as success_flags  # the notebook counts with it
from ..figures import plot_connectivity
from ..figures.style import COLORS, DASHES, FONT, SERIES, SMALL, SYMBOLS, html
from ..output import loss_and_grads, softmax
from ..tasks import AGREEMENT_VOCAB, PLURAL, SINGULAR

TOP = 100  # top margin (px): the title sits below plotly's mode bar, which takes the top ~35 px
# the lesson's runs: a tanh RNN with 16 units, minibatches of 16, 100 steps, in float64
SETUP = {"n_a": 16, "batch_size": 16, "steps": 100}
OPTIMIZER_SETTINGS = {
    "sgd": {"optimizer": "sgd", "learning_rate": 0.1, "momentum": 0.9},
    "adam": {"optimizer": "adam", "learning_rate": 0.01},
}


# --- the unrolled graph ----------------------------------------------------------------------


def plot_unrolled_rnn(
    T=4, *, title="The unrolled RNN: forward left to right, backward right to left"
):
    """The computation graph a<0> -> a<1> -> ... -> a<T>, with x<t> below and y_hat<t> above.

    Solid black arrows: the forward pass, labelled with the weight they use (W_ax, W_aa, W_ya).
    Dashed vermillion arrows below the chain: the backward pass, right to left, where step t-1
    receives W_aa^T dL/dz<t> from step t (W_aaᵀ in the figure: T is also the sequence length).
    """
    T = check_int("T", T, minimum=1)
    FORWARD = _escape("forward pass: a<t> = g(W_aa a<t-1> + W_ax x<t> + b_a)")
    BACKWARD = _escape("backward pass: dL/da<t-1> receives W_aaᵀ dL/dz<t>")
    if T > 8:
        raise ValueError(f"T == {T}, must be <= 8 for a readable drawing")
    fig = go.Figure()
    forward = {"color": "#333", "width": 3, "dash": "solid"}
    backward = {"color": COLORS["vermillion"], "width": 3, "dash": "dash"}
    labels = []
    for t in range(1, T + 1):
        _add_arrow(fig, (t, 0.3), (t, 0.7), forward, FORWARD, show=t == 1)
        _add_arrow(fig, (t, 1.3), (t, 1.7), forward, FORWARD)
        _add_arrow(fig, (t - 0.8, 1.08), (t - 0.2, 1.08), forward, FORWARD)
        _add_arrow(fig, (t - 0.2, 0.86), (t - 0.8, 0.86), backward, BACKWARD, show=t == 1)
        labels += [(t + 0.06, 0.5, "W_ax", "left"), (t + 0.06, 1.5, "W_ya", "left"),
                   (t - 0.5, 1.2, "W_aa", "center")]  # fmt: skip
    nodes = {"a<0>": (0, 1)} | {
        f"{name}<{t}>": (t, row)
        for t in range(1, T + 1)
        for name, row in (("x", 0), ("a", 1), ("ŷ", 2))
    }
    xs, ys = zip(*nodes.values(), strict=True)
    fig.add_scatter(
        x=xs, y=ys, mode="markers+text", text=[_escape(n) for n in nodes], textfont={"size": 18},
        marker={"size": 54, "color": "#f2f2f2", "line": {"color": "#333", "width": 2},
                "symbol": ["square" if n.startswith("a") else "circle" for n in nodes]},
        hoverinfo="skip", showlegend=False,
    )  # fmt: skip
    annotations = [
        {"x": x, "y": y, "text": text, "showarrow": False, "xanchor": anchor,
         "font": {"size": SMALL, "color": "#333"}}
        for x, y, text, anchor in labels
    ]  # fmt: skip
    fig.update_layout(
        template="plotly_white", font=FONT, height=470, annotations=annotations,
        margin={"l": 20, "r": 20, "t": TOP, "b": 20}, hovermode=False,
        title={"text": html(title), "x": 0.0, "font": {"size": 20}},
        legend={"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top", "font": {"size": SMALL}},
    )  # fmt: skip
    fig.update_xaxes(visible=False, range=[-0.5, T + 0.6])
    fig.update_yaxes(visible=False, range=[-0.4, 2.4])
    return fig


def _escape(text):
    """Angle brackets as HTML entities, for plotly's pseudo-HTML: a<0> -> a&lt;0&gt;."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _add_arrow(fig, start, end, line, name, *, show=False):
    """A straight arrow from `start` to `end` (data coordinates), dashed or solid."""
    fig.add_scatter(
        x=[start[0], end[0]], y=[start[1], end[1]], mode="lines+markers", line=line, name=name,
        marker={"symbol": ["circle", "arrow"], "size": [0, 16], "angleref": "previous",
                "color": line["color"]},
        showlegend=show, legendgroup=name, hoverinfo="skip",
    )  # fmt: skip


# --- a deep network with a new matrix at every layer -----------------------------------------


def gradient_errors(params, x, y, name, grad, *, eps=1e-6):
    """|numeric - grad| / (|numeric| + |grad|) for every entry of dL/d params[name].

    numeric = (L(w + eps) - L(w - eps)) / (2 eps), one entry w of params[name] at a time, with
    L from `loss_and_grads(params, x, y)`. Returns an array of the shape of params[name]; an
    entry where both are 0 gets 0.
    """
    if name not in params:
        raise ValueError(f"name == {name!r}, must be one of {', '.join(params)}")
    grad = np.asarray(grad, dtype=np.float64)
    if grad.shape != params[name].shape:
        raise ValueError(f"grad has shape {grad.shape}, params[{name!r}] {params[name].shape}")
    numeric = np.empty_like(grad)
    for i in np.ndindex(grad.shape):
        bumped = {k: v.copy() for k, v in params.items()}
        bumped[name][i] += eps
        up, _ = loss_and_grads(bumped, x, y)
        bumped[name][i] -= 2 * eps
        down, _ = loss_and_grads(bumped, x, y)
        numeric[i] = (up - down) / (2 * eps)
    scale = np.abs(numeric) + np.abs(grad)
    return np.abs(numeric - grad) / np.where(scale > 0, scale, 1.0)


def untied_gradient_norms(params, weights, x, y, a0=None, *, activation="tanh"):
    """||dL/da<k>|| for k = 1..T when step t uses its own matrix weights[t-1] instead of W_aa.

        a<t> = g(W<t> a<t-1> + W_ax x<t> + b_a),  L = -log y_hat<T>[y],  y_hat<T> = softmax(...)
        dL/da<t-1> = W<t>^T (dL/da<t> * g'(z<t>))

    With every weights[t] equal to W_aa this is `gradient_norms` of the RNN (loss at the last
    step); with independent matrices it is a T-layer feedforward network whose layers also
    receive the inputs x<t>.

    Parameters
    ----------
    params : dict from `init_params` (W_aa is not used)
    weights : ndarray of shape (T, n_a, n_a), the matrix of each step
    x : ndarray of shape (T, n_x), one sequence
    y : int, the label scored at the last step
    """
    act = get_activation(activation)
    x3, a_prev, _ = prepare_inputs(params, PARAM_SHAPES["rnn"], x, a0)
    weights = np.asarray(weights, dtype=np.float64)
    T, n_a = len(x3), a_prev.shape[-1]
    if x3.shape[1] != 1:
        raise ValueError(f"x has shape {np.shape(x)}, must be one sequence (T, n_x)")
    if weights.shape != (T, n_a, n_a):
        raise ValueError(f"weights has shape {weights.shape}, expected {(T, n_a, n_a)}")
    z = x3[:, 0] @ params["W_ax"].T + params["b_a"]  # (T, n_x) @ (n_x, n_a) -> (T, n_a)
    a = np.empty_like(z)
    a_prev = a_prev[0]
    for t in range(T):
        z[t] += weights[t] @ a_prev  # (n_a, n_a) @ (n_a,) -> (n_a,)
        a[t] = a_prev = act.g(z[t])
    y_hat = softmax(params["W_ya"] @ a[-1] + params["b_y"])  # (n_y, n_a) @ (n_a,) -> (n_y,)
    dlogits = y_hat - np.eye(len(y_hat))[y]
    da = np.empty_like(a)
    da[-1] = params["W_ya"].T @ dlogits  # (n_a, n_y) @ (n_y,) -> (n_a,)
    dg = act.dg(z, a)
    for t in range(T - 1, 0, -1):
        da[t - 1] = weights[t].T @ (da[t] * dg[t])  # (n_a, n_a) @ (n_a,) -> (n_a,)
    return step_norms(da)


def state_influence(params, x, t, a0=None, *, activation="tanh"):
    """||d a<t> / d x<k>|| (Frobenius) for k = 1..t: how much each input moves the state a<t>.

        d a<t> / d x<k> = D<t> W_aa D<t-1> W_aa ... D<k> W_ax,   D<j> = diag(g'(z<j>))

    Compare with `connectivity`, which measures the output y_hat<t> = softmax(W_ya a<t> + b_y):
    an input can move a<t> a lot in directions that W_ya hardly reads.

    x : ndarray of shape (T, n_x), one sequence; t : int, 1 <= t <= T. Returns shape (t,).
    """
    act = get_activation(activation)
    a, cache = forward(params, x, a0, activation=act)
    if cache["cell"] != "rnn" or cache["batched"]:
        raise ValueError("state_influence takes a basic RNN's params and one sequence (T, n_x)")
    t = check_int("t", t)
    if t > len(a):
        raise ValueError(f"t == {t}, must be <= T = {len(a)}")
    dg = act.dg(cache["z"][:t, 0], a[:t])  # (t, n_a): g'(z<j>) per step
    M = np.diag(dg[t - 1])  # d a<t> / d z<t>
    out = np.empty(t)
    for k in range(t, 0, -1):
        out[k - 1] = np.linalg.norm(M @ params["W_ax"])  # (n_a, n_a) @ (n_a, n_x) -> (n_a, n_x)
        if k > 1:
            M = M @ params["W_aa"] * dg[k - 2]  # M W_aa D<k-1>: (n_a, n_a) -> (n_a, n_a)
    return out


def plot_curves(curves, *, title, xaxis_title="time step k", yaxis_title="||dL/da<k>||"):
    """Several curves on one log axis, each told apart by colour, dash and marker.

    curves : dict label -> (x, y), y > 0 (zeros, inf and NaN are left out)
    """
    if not isinstance(curves, dict) or not curves:
        raise ValueError(f"curves must be a non-empty dict label -> (x, y), got {curves!r}")
    fig = go.Figure()
    for i, (label, (xs, ys)) in enumerate(curves.items()):
        ys = np.asarray(ys, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            ys = np.where(np.isfinite(ys) & (ys > 0), ys, np.nan)
        fig.add_scatter(
            x=np.asarray(xs), y=ys, name=_escape(label), mode="lines+markers",
            line={"color": COLORS[SERIES[i % len(SERIES)]], "dash": DASHES[i % len(DASHES)],
                  "width": 3},
            marker={"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 7},
            hovertemplate=f"{_escape(label)}<br>%{{x}}: %{{y:.3g}}<extra></extra>",
        )  # fmt: skip
    fig.update_layout(
        template="plotly_white", font=FONT, height=570, hoverlabel={"font": {"size": SMALL}},
        title={"text": _escape(title), "x": 0.0, "font": {"size": 20}},
        legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top", "font": {"size": SMALL}},
        margin={"l": 100, "r": 30, "t": TOP, "b": 150},
    )  # fmt: skip
    fig.update_xaxes(title_text=_escape(xaxis_title), tickfont={"size": SMALL}, showline=True,
                     linecolor="#444", mirror=True)  # fmt: skip
    fig.update_yaxes(title_text=_escape(yaxis_title) + "<br>(log scale)", type="log",
                     exponentformat="power", tickfont={"size": SMALL}, showline=True,
                     linecolor="#444", mirror=True)  # fmt: skip
    return fig


def plot_connectivity_marked(C, *, title, column, label):
    """`plots.plot_connectivity(C)` with input column `column` (1-based k) outlined and labelled.

    A dashed outline runs down column k, from the diagonal (t = k) to the last row, drawn in
    white over a black one so that it shows on dark and bright cells alike; `label` sits in the
    blank upper triangle with an arrow to the top of the column. The top margin leaves room for
    plotly's mode bar above the title.
    """
    T = len(C)
    k = check_int("column", column, minimum=1)
    if k > T:
        raise ValueError(f"column == {k}, must be <= T = {T}")
    fig = plot_connectivity(C, title=title)
    for color, width in (("black", 5), ("white", 2)):
        fig.add_shape(
            type="rect", x0=k - 0.5, x1=k + 0.5, y0=k - 0.5, y1=T + 0.5,
            line={"color": color, "width": width, "dash": "solid" if color == "black" else "dash"},
        )  # fmt: skip
    fig.add_annotation(
        x=k, y=k - 0.5, text=_escape(label), showarrow=True, arrowhead=2, arrowwidth=2,
        ax=60, ay=30, xanchor="left", font={"size": SMALL, "color": "#222"},
        bgcolor="rgba(255,255,255,0.9)",
    )  # fmt: skip
    fig.update_layout(margin={"t": TOP})
    fig.update_xaxes(range=[0.5, T + 0.5])
    fig.update_yaxes(autorange=False, range=[T + 0.5, 0.5])  # row 1 at the top, as before
    return fig


# --- the agreement task ----------------------------------------------------------------------

_NOUN_NUMBER = {AGREEMENT_VOCAB.index(w): 0 for w in SINGULAR} | {
    AGREEMENT_VOCAB.index(w): 1 for w in PLURAL
}


def nearest_noun_accuracy(x, y):
    """Accuracy of answering with the number of the last noun before the verb (local memory).

    x : one-hot sentences (T, m, n_x) from `agreement`; y : labels (T, m), scored at the end.
    """
    tokens = np.asarray(x).argmax(axis=-1)  # (T, m)
    number = np.vectorize(lambda k: _NOUN_NUMBER.get(int(k), -1))(tokens)  # -1: not a noun
    last = np.array([col[col >= 0][-1] for col in number.T])  # the nearest noun to the verb
    return float((last == np.asarray(y)[-1]).mean())


def train_runs(gaps, seeds, *, optimizer="sgd", **options):
    """The basic RNN trained on `agreement(gap)` for every gap and seed (`experiments.sweep`).

    W_aa starts orthogonal (weight_scale 1) and the gradient is clipped by its global norm at 1;
    optimizer "sgd" uses momentum 0.9 and learning rate 0.1, "adam" learning rate 0.01.
    Returns a dict gap -> list of (params, test accuracy), one pair per seed, in order.
    """
    check_choice("optimizer", optimizer, tuple(OPTIMIZER_SETTINGS))
    setup = SETUP | OPTIMIZER_SETTINGS[optimizer] | options
    return experiments.sweep(["rnn"], gaps, seeds, **setup)["rnn"]


def run_accuracies(runs):
    """The test accuracies of `train_runs` output: a dict gap -> list of accuracies per seed."""
    return experiments.accuracies({"rnn": runs})["rnn"]
