"""Computations, figures and a widget for the lesson on gated units: RNN, GRU and LSTM side by side.

- `initial_params`: parameters of a basic RNN, a GRU or an LSTM, with the gate biases that decide
  how much a gated cell keeps at the start (GRU: b_u, LSTM: b_f), as `experiments` makes them.
- `keep_factors`: the factor by which one step of the direct path c<t-1> -> c<t> multiplies the
  gradient, (1 - Gamma_u) for the GRU and Gamma_f for the LSTM, averaged over units and inputs.
- `path_gradient_norms`: ||dL/da<k>|| and, for the LSTM, ||dL/dc<k>||, loss at the last step.
- `cell_gradients`, `CellExplorer` (drawn by widgets/static/cells.js), `reach`: the three
  cells' gradients on one log axis, for agreement sentences of length T.
- `sweep`, `run_accuracies`, `success_table`: the agreement task trained over several seeds and
  gaps, for each cell (`experiments`, with this lesson's SETUP).
- `plot_connectivity_maps`: connectivity maps of several networks side by side, one colour scale.
- `answer_changes`, `plot_answer_changes`: change one word of each sentence; how often does the
  trained network's verb change? An intervention, where connectivity is a derivative.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import experiments
from .._checks import check_float, check_int
from .._format import power_of_ten
from ..cells import backward, cell_of, forward
from ..diagnostics import step_norms
from ..experiments import NAMES, SUCCESS, accuracies, success_flags
from ..figures.style import COLORS, SMALL, html, layout
from ..output import predict, softmax
from ..tasks import AGREEMENT_VOCAB, SINGULAR, agreement
from ..views import CELLS as CELLS_VIEW
from ..views import f64
from ..widgets.live import LiveView, module_source

CELLS = tuple(NAMES)  # "rnn", "gru", "lstm"
N_X = len(AGREEMENT_VOCAB)  # one-hot words

# The set-up of the lesson's training runs (see the notebook for why each choice).
SETUP = experiments.SETUP | {"update_bias": -3.0, "forget_bias": 3.0, "dtype": "float32"}


# --- parameters and gates --------------------------------------------------------------------


def keep_factors(params, x):
    """The keep factor of each step of the direct path, shape (T, m, n_a) (or (T, n_a)).

    GRU: dc<t>/dc<t-1> along the path that skips every weight is 1 - Gamma_u<t>;
    LSTM: it is Gamma_f<t>. A factor near 1 passes c<t-1>, and the gradient, on unchanged.
    The basic RNN has no such path (ValueError).
    """
    name = cell_of(params).name
    if name == "rnn":
        raise ValueError("the basic RNN has no gate: keep factors exist for 'gru' and 'lstm'")
    _, cache = forward(params, x)
    gates = cache["gates"]  # gate-first: GRU (u, r, c~), LSTM (u, f, o, c~), each (T, m, n_a)
    keep = 1.0 - gates[0] if name == "gru" else gates[1]
    return keep if cache["batched"] else keep[:, 0]


# --- the gradient through time, per path ----------------------------------------------------


def path_gradient_norms(params, x, y):
    """||dL/da<k>|| and ||dL/dc<k>|| (LSTM) for k = 1..T, cross-entropy at the last step only.

    Parameters
    ----------
    params : dict from `init_params` (any cell)
    x : ndarray of shape (T, n_x), or (T, m, n_x) for m sequences (norms over all of them)
    y : int label of the last step, or int array of shape (m,)

    Returns
    -------
    dict with "a" (T,) the total dL/da<k>, and "c" (T,) the total dL/dc<k> for the LSTM (None for
    the other cells; the GRU's c<t> is a<t>). With m sequences the loss is their mean, as in
    `loss_and_grads`, so "a" equals `gradient_norms(params, x, y_full)`.
    """
    a, cache = forward(params, x)
    a3 = a if cache["batched"] else a[:, None]
    m = a3.shape[1]
    y = np.asarray(y)
    labels = y.reshape(-1)
    if not np.issubdtype(y.dtype, np.integer) or labels.shape != (m,):
        raise ValueError(f"y == {y!r}, must be {m} integer label(s), one per sequence")
    n_y = params["W_ya"].shape[0]
    if ((labels < 0) | (labels >= n_y)).any():
        raise ValueError(f"y == {y!r}, labels must be in 0..{n_y - 1}")
    W_ya = params["W_ya"]
    with np.errstate(over="ignore", invalid="ignore"):
        y_hat = softmax(a3[-1] @ W_ya.T + params["b_y"])  # (m, n_a) @ (n_a, n_y) -> (m, n_y)
        dlogits = (y_hat - np.eye(n_y, dtype=y_hat.dtype)[labels]) / m
        da = np.zeros_like(a3)
        da[-1] = dlogits @ W_ya  # (m, n_y) @ (n_y, n_a) -> (m, n_a)
        grads = backward(da if cache["batched"] else da[:, 0], cache)
    return {"a": step_norms(grads["a"]), "c": step_norms(grads["c"]) if "c" in grads else None}


T_MAX = 200  # the explorer's longest sentence


def explorer_sentences(T=T_MAX, m=16, *, seed=0):
    """The first T words of m agreement sentences of length T_MAX: x (T, m, n_x), numbers (m,).

    Every prefix is a sentence too ("the", a noun, ",", T - 3 clause words), and the verb after
    word T must agree with the noun. The sentences are drawn once at length T_MAX, so the first
    words stay the same when T changes (and the explorer and `explorer_sentences(43)` agree).
    """
    T = check_int("T", T, minimum=3)
    if T > T_MAX:
        raise ValueError(f"T == {T}, must be <= {T_MAX}")
    x, y = agreement(m, T_MAX - 3, attractors=0.3, seed=seed)
    return x[:T], y[-1]


def cell_gradients(x, y, *, update_bias=0.0, forget_bias=1.0, n_a=16, seed=0):
    """The curves the explorer draws, for the sentences x (T, m, n_x) with verb labels y (m,).

    Returns a dict: "k" (T,) the steps 1..T; "rnn", "gru", "lstm" (T,) ||dL/da<k>||;
    "lstm_c" (T,) ||dL/dc<k>||; "keep_gru", "keep_lstm" the mean keep factors (1 - Gamma_u,
    Gamma_f) of the untrained cells on x.
    """
    out = {"k": np.arange(1, len(x) + 1)}
    for cell in CELLS:
        params = experiments.initial_params(
            cell, seed, n_a=n_a, update_bias=update_bias, forget_bias=forget_bias
        )
        norms = path_gradient_norms(params, x, y)
        out[cell] = norms["a"]
        if cell == "lstm":
            out["lstm_c"] = norms["c"]
        if cell != "rnn":
            out[f"keep_{cell}"] = float(keep_factors(params, x).mean())
    return out


# --- the figure and the widget ----------------------------------------------------------------

# (key, legend, colour, dash, marker): told apart by dash and marker as well as by colour (the
# live figure is drawn by widgets/static/cells.js; these styles serve the static figures below)
CURVES = (
    ("rnn", "basic RNN: ||dL/da<k>||", "blue", "solid", "circle"),
    ("gru", "GRU: ||dL/da<k>|| (= ||dL/dc<k>||)", "vermillion", "dash", "square"),
    ("lstm", "LSTM: ||dL/da<k>||", "green", "dot", "diamond"),
    ("lstm_c", "LSTM: ||dL/dc<k>||, the cell path", "orange", "dashdot", "triangle-up"),
)


REACH_LABELS = {
    "rnn": "basic RNN, a path",
    "gru": "GRU, a path (= c)",
    "lstm": "LSTM, a path",
    "lstm_c": "LSTM, c path",
}


def reach(curves):
    """The share of the gradient that reaches the noun (step 2), for each curve.

    ||dL/da<2>|| / ||dL/da<T>|| for "rnn", "gru", "lstm", and ||dL/dc<2>|| / ||dL/da<T>|| of the
    LSTM for "lstm_c": each divided by the gradient arriving at the cell's last state.
    """
    if len(curves["k"]) < 2:
        raise ValueError("the curves need T >= 2 steps: the noun is step 2")
    arriving = {"rnn": "rnn", "gru": "gru", "lstm": "lstm", "lstm_c": "lstm"}
    with np.errstate(divide="ignore", invalid="ignore"):
        return {key: float(curves[key][1] / curves[arriving[key]][-1]) for key in arriving}


class CellExplorer(LiveView):
    """The gradient of the loss at step T reaching each step k, for an RNN, a GRU and an LSTM.

    Untrained cells (n_a = 16, seed 0) read agreement sentences of length T (16 of them; the
    norm is taken over all). Sliders: T, the GRU's update-gate bias b_u and the LSTM's
    forget-gate bias b_f; buttons choose the cells shown. Drawn by widgets/static/cells.js.

    Parameters: T (default 43: a gap of 40, in 5..200), update_bias (default 0), forget_bias
    (default 1), each in -5..5 in steps of 0.5, show ("all three", "RNN", "GRU" or "LSTM").
    Attributes: `setting`, `result`, `curves` (the dict of `cell_gradients` for the setting).
    """

    _esm = module_source("cells.js")
    _controls = CELLS_VIEW

    def __init__(self, *, T=43, update_bias=0.0, forget_bias=1.0, show="all three"):
        self._x, self._y = explorer_sentences()
        setting = {"T": T, "update_bias": update_bias, "forget_bias": forget_bias, "show": show}
        heading = "Three cells, one sentence: the gradient of the verb's loss"
        super().__init__(setting, heading=heading, reach=REACH_LABELS)

    def compute(self, setting):
        T, ub, fb = setting["T"], setting["update_bias"], setting["forget_bias"]
        self.curves = c = cell_gradients(self._x[:T], self._y, update_bias=ub, forget_bias=fb)
        return cell_numbers(c, setting=setting)


def cell_numbers(curves, *, setting=None):
    """What cells.js draws of `cell_gradients`' curves."""
    keys = ("rnn", "gru", "lstm", "lstm_c", "keep_gru", "keep_lstm")
    return {key: f64(curves[key]) for key in keys} | {"setting": setting}


# --- training on the agreement task: the shared harness with this lesson's set-up -----------


def initial_params(cell, seed, **options):
    """The parameters `sweep` starts from for `cell` and `seed` (the lesson's SETUP)."""
    return experiments.initial_params(cell, seed, **(SETUP | options))


def sweep(cells, gaps, seeds, *, progress=False, **options):
    """`experiments.sweep` with this lesson's SETUP: {cell: {gap: [(params, accuracy)]}}."""
    return experiments.sweep(cells, gaps, seeds, progress=progress, **(SETUP | options))


run_accuracies = accuracies  # {cell: {gap: [test accuracy per seed]}}


def success_table(accuracies, threshold=SUCCESS):
    """gap -> {cell name: [1.0 or 0.0 per seed]}, the table `plot_success_rates` draws."""
    threshold = check_float("threshold", threshold, maximum=1.0)
    gaps = list(dict.fromkeys(g for by_gap in accuracies.values() for g in by_gap))
    return {
        g: {NAMES[c]: success_flags(by_gap[g], threshold) for c, by_gap in
            accuracies.items() if g in by_gap}
        for g in gaps
    }  # fmt: skip


# --- connectivity, side by side ----------------------------------------------------------------


def plot_connectivity_maps(
    maps, *, title="Which inputs can each output still feel?", cols=3, relative=False
):
    """Several maps ||d y_hat<t> / d x<k>|| side by side, on one log colour scale.

    maps : dict subplot title -> ndarray (T, T) from `diagnostics.connectivity` (same T)
    cols : maps per row
    relative : divide each row t by its diagonal entry ||d y_hat<t> / d x<t>||, so that every
        output's newest input counts 1; this removes how confident each output is (a saturated
        softmax makes a whole row small) and leaves how far back each output looks
    """
    if not isinstance(maps, dict) or not maps:
        raise ValueError(f"maps must be a non-empty dict title -> (T, T) array, got {maps!r}")
    Cs = [np.asarray(C, dtype=np.float64) for C in maps.values()]
    T = len(Cs[0])
    if any(C.shape != (T, T) for C in Cs):
        raise ValueError(f"every map must have shape ({T}, {T}): {[C.shape for C in Cs]}")
    if relative:
        with np.errstate(divide="ignore", invalid="ignore"):
            Cs = [C / np.diagonal(C)[:, None] for C in Cs]
    lower = np.tril(np.ones((T, T), dtype=bool))
    logs = []
    for C in Cs:
        with np.errstate(divide="ignore", invalid="ignore"):
            ok = lower & np.isfinite(C) & (C > 0)
            logs.append(np.where(ok, np.log10(np.where(ok, C, 1.0)), np.nan))
    finite = np.concatenate([z[np.isfinite(z)] for z in logs])
    zmin, zmax = (np.floor(finite.min()), np.ceil(finite.max())) if finite.size else (-1.0, 1.0)
    ticks = np.arange(zmin, zmax + 1, max(1, np.ceil((zmax - zmin) / 6)))
    cols = min(check_int("cols", cols), len(maps))
    rows = -(-len(maps) // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[html(t) for t in maps],
                        horizontal_spacing=0.04, vertical_spacing=0.16 / rows)  # fmt: skip
    k = np.arange(1, T + 1)
    quantity = "||∂ŷ<t>/∂x<k>|| / ||∂ŷ<t>/∂x<t>||" if relative else "||∂ŷ<t>/∂x<k>||"
    for i, (z, C) in enumerate(zip(logs, Cs, strict=True)):
        fig.add_heatmap(
            x=k, y=k, z=np.where(np.isfinite(z), z, None), coloraxis="coloraxis",
            customdata=np.where(lower & np.isfinite(C), C, None), hoverongaps=False,
            hovertemplate=html(f"output step t = %{{y}}<br>input step k = %{{x}}<br>{quantity}"
                               " = %{customdata:.3g}<extra></extra>"),
            row=i // cols + 1, col=i % cols + 1,
        )  # fmt: skip
    layout(fig, title=title, height=130 + 360 * rows, width=max(560, 250 * cols + 200),
            margin={"l": 90, "r": 30, "t": 110, "b": 80})  # fmt: skip
    fig.update_layout(
        coloraxis={
            "colorscale": "Viridis", "cmin": zmin, "cmax": zmax,
            "colorbar": {"title": {"text": html("÷ ||∂ŷ<t>/∂x<t>||<br>(log scale)" if relative
                                                else "(log scale)"), "side": "top"},
                         "tickvals": ticks, "ticktext": [power_of_ten(int(t)) for t in ticks],
                         "tickfont": {"size": SMALL}},
        }
    )  # fmt: skip
    fig.update_annotations(font_size=18)
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    for c in range(1, cols + 1):
        fig.update_xaxes(title_text="input step k", row=rows, col=c)
    for r in range(1, rows + 1):
        fig.update_yaxes(title_text="output step t", row=r, col=1)
    return fig


# --- changing one word -----------------------------------------------------------------------

_N_SINGULAR = len(SINGULAR)
_FIRST_NOUN = AGREEMENT_VOCAB.index(SINGULAR[0])  # singular nouns, then the plural ones


def answer_changes(params, x):
    """How often the verb changes when one word of the sentence changes, for each position k.

    x : agreement sentences, one-hot (T, m, n_x) from `agreement` ("the", noun, ",", clause)

    For k = 2 the subject swaps its number (cat <-> cats): a network that does the task changes
    its verb every time. For each clause position k >= 4, the word there is replaced by the
    subject's opposite ("cats" after "the cat"), an attractor that disagrees: a network that does
    the task never changes its verb. Positions 1 ("the") and 3 (",") are NaN.

    Returns (T,) the fraction of the m sentences whose predicted verb (argmax y_hat<T>) differs
    from the prediction for the unchanged sentence.
    """
    x = np.asarray(x)
    if x.ndim != 3 or x.shape[-1] != N_X or len(x) < 3:
        raise ValueError(f"x has shape {x.shape}, must be agreement sentences (T >= 3, m, {N_X})")
    tokens = x.argmax(axis=-1)  # (T, m)
    T, m = tokens.shape
    noun = tokens[1] - _FIRST_NOUN  # 0..5: singular 0..2, plural 3..5
    if ((noun < 0) | (noun >= 2 * _N_SINGULAR)).any():
        raise ValueError("x[1] must hold the subject nouns of agreement sentences")
    opposite = _FIRST_NOUN + (noun + _N_SINGULAR) % (2 * _N_SINGULAR)  # cat -> cats, cats -> cat
    positions = np.r_[1, 3:T]  # 0-based: the noun, then the clause
    eye = np.eye(N_X, dtype=params["W_ya"].dtype)

    def verbs(sentences):  # tokens (T, m') -> the predicted verb of each, (m',)
        return predict(params, eye[sentences])[-1].argmax(axis=-1)

    unchanged = verbs(tokens)
    out = np.full(T, np.nan)
    for k in positions:  # one position at a time: memory of one batch of m sentences
        variant = tokens.copy()
        variant[k] = opposite
        out[k] = (verbs(variant) != unchanged).mean()
    return out


def plot_answer_changes(changes, *, title="Change one word: does the verb change?"):
    """The fractions of `answer_changes` against k, one line per network.

    changes : dict label -> (T,) fractions; a label starting with a cell's name ("basic RNN",
        "GRU", "LSTM") gets that cell's colour, dash and marker
    """
    if not isinstance(changes, dict) or not changes:
        raise ValueError(f"changes must be a non-empty dict label -> (T,) array, got {changes!r}")
    fig = go.Figure()
    styles = {NAMES[key]: style for key, _, *style in CURVES if key in NAMES}
    for i, (label, values) in enumerate(changes.items()):
        v = np.asarray(values, dtype=np.float64)
        color, dash, symbol = next(
            (s for name, s in styles.items() if str(label).startswith(name)),
            list(styles.values())[i % len(styles)],
        )
        fig.add_scatter(
            x=np.arange(1, len(v) + 1), y=v, name=html(str(label)), mode="lines+markers",
            line={"color": COLORS[color], "dash": dash, "width": 3},
            marker={"symbol": symbol, "size": 8, "color": COLORS[color]},
            hovertemplate=html(f"{label}<br>word k = %{{x}} changed: the verb changes in "
                               "%{y:.0%} of sentences<extra></extra>"),
        )  # fmt: skip
    layout(
        fig, title=title, height=560, width=900,
        legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top", "font": {"size": SMALL}},
        margin={"l": 100, "r": 30, "t": 80, "b": 160},
        annotations=[
            {"x": 2, "y": 1.02, "xref": "x", "yref": "y", "text": "k = 2: the subject flipped",
             "showarrow": False, "xanchor": "left", "yanchor": "bottom", "font": {"size": SMALL}},
            {"x": 0.5, "y": 0.5, "xref": "paper", "yref": "y", "showarrow": False,
             "text": "k = 4 to T: one noun of the opposite number put in the clause",
             "font": {"size": SMALL}, "bgcolor": "rgba(255,255,255,0.8)"},
        ],
    )  # fmt: skip
    fig.update_xaxes(title_text="position k of the changed word")
    fig.update_yaxes(title_text="sentences whose verb changes", range=[-0.03, 1.1],
                     tickformat=".0%")  # fmt: skip
    return fig
