"""What each view of the course shows for one setting: computed here, drawn elsewhere.

A widget calls one of these functions when a control moves, and hands the result to a figure
(`rnnviz.figures`) and to its readouts; a static page can call the same functions. Nothing here
imports plotly or ipywidgets.

    gradient_flow(T, weight_scale, ...)   the explorer's `GradientFlow` for one setting
    readouts, status_lines, overflow_text, default_title, chain_data   its text and chain data
    clipping_geometry(g, clip_threshold)  a 2-D gradient clipped by value and by norm
    connectivity_map(weight_scale, T, ...) the heatmap's ||d y_hat<t> / d x<k>||
"""

from dataclasses import dataclass
from functools import cache

import numpy as np

from ._checks import MAX_T, MAX_UNITS, check_choice, check_elements, check_float, check_int
from ._format import at_step, fmt
from .activations import ACTIVATIONS
from .cells import DTYPES, init_params
from .clipping import clip_by_global_norm, clip_by_value
from .diagnostics import explore
from .influence import connectivity
from .output import predict

N_X, N_Y = 4, 2  # the views' network: 4 inputs per step, 2 classes at the last step
CHAIN_LOG_RANGE = (-16.0, 16.0)  # the chain's scale for ||dL/da<k>|| / ||dL/da<T>||


def sequence(T, *, seed=0, n_x=N_X):
    """Seeded random inputs x of shape (T, n_x), N(0, 1).

    The first steps do not depend on T: x for T = 50 is the start of x for T = 51.
    """
    rng = np.random.default_rng((seed, 1))  # a stream apart from the one init_params uses
    return rng.standard_normal((T, n_x))


def surprising_label(params, x, *, activation):
    """The class the network rates least likely at the last step: y = argmin_i y_hat<T>_i.

    Scoring this label keeps an error to send back. With a label the network already predicts
    confidently, the softmax saturates and dL/da<T> is almost 0 (exactly 0 in float32), which
    hides what happens between the steps.
    """
    with np.errstate(invalid="ignore"):
        return int(np.argmin(predict(params, x, activation=activation)[-1]))


def gradient_flow(
    *, T=50, weight_scale=0.9, clip_threshold=None, activation="tanh", n_a=32, seed=0,
    dtype="float64",
):  # fmt: skip
    """Everything the explorer shows for one setting: `diagnostics.explore` on a seeded sequence.

    W_aa = weight_scale * Q with Q orthogonal, so sigma_max(W_aa) = weight_scale; the loss is the
    cross-entropy at the last step against `surprising_label`; clip_threshold (None: off) clips
    the whole parameter gradient by its global norm. Returns the `GradientFlow` of `explore`.
    """
    T = check_int("T", T, minimum=2, maximum=MAX_T, what="time steps")
    n_a = check_int("n_a", n_a, maximum=MAX_UNITS, what="units")
    check_elements(T=T, **{"n_a²": n_a * n_a})  # the Jacobian products dA<T>/dA<k>
    seed = check_int("seed", seed, minimum=0)
    weight_scale = check_float("weight_scale", weight_scale)
    check_choice("activation", activation, tuple(ACTIVATIONS))
    check_choice("dtype", dtype, tuple(DTYPES))
    if clip_threshold is not None:
        clip_threshold = check_float("clip_threshold", clip_threshold)
    params = init_params(N_X, n_a, N_Y, weight_scale=weight_scale, seed=seed, dtype=dtype)
    x = sequence(T, seed=seed).astype(dtype)
    y = surprising_label(params, x, activation=activation)
    return explore(params, x, y, activation=activation, max_norm=clip_threshold, sigma_points=20)


def connectivity_map(*, weight_scale=0.9, T=30, activation="tanh", n_a=32, seed=0):
    """The heatmap's C[t, k] = ||d y_hat<t> / d x<k>||, shape (T, T), for the views' network."""
    params = init_params(N_X, n_a, N_Y, weight_scale=weight_scale, seed=seed)
    return connectivity(params, sequence(T, seed=seed), activation=activation)


@dataclass(frozen=True)
class ClipGeometry:
    """A 2-D gradient g and its two clipped versions; angles in degrees, lengths, turns."""

    g: np.ndarray
    by_value: np.ndarray
    by_norm: np.ndarray
    clip_threshold: float
    angle_g: float
    angle_by_value: float
    angle_by_norm: float
    norm_g: float
    norm_by_value: float
    norm_by_norm: float
    turn_by_value: float  # how far clipping by value turned g, in degrees
    turn_by_norm: float  # 0 up to rounding: clipping by norm keeps the direction


def clipping_geometry(g, clip_threshold):
    """A 2-D gradient g clipped by value and by norm, as a `ClipGeometry`."""
    g = np.asarray(g, dtype=np.float64)
    if g.shape != (2,) or not np.isfinite(g).all():
        raise ValueError(f"g == {g.tolist()}, must be two finite numbers")
    c = check_float("clip_threshold", clip_threshold)
    vectors = {
        "g": g,
        "by_value": clip_by_value({"g": g}, c)["g"],
        "by_norm": clip_by_global_norm({"g": g}, c)[0]["g"],
    }
    angle = {k: float(np.degrees(np.arctan2(v[1], v[0]))) for k, v in vectors.items()}
    turn = {k: abs((angle[k] - angle["g"] + 180) % 360 - 180) for k in ("by_value", "by_norm")}
    return ClipGeometry(
        **vectors, clip_threshold=c,
        **{f"angle_{k}": a for k, a in angle.items()},
        **{f"norm_{k}": float(np.hypot(*v)) for k, v in vectors.items()},
        **{f"turn_{k}": t for k, t in turn.items()},
    )  # fmt: skip


def clipping_readouts(r):
    """The clipping widget's readouts as {name: text}: each vector, and what clipping did to it."""
    row = "length {:.2f}, angle {:.1f}°"

    def effect(clipped, turn):
        if np.array_equal(clipped, r.g):
            return "unchanged"
        return f"shorter, turned by {turn:.1f}°" if turn >= 0.05 else "only shorter, not turned"

    return {
        "g": row.format(r.norm_g, r.angle_g),
        "clipped by value": row.format(r.norm_by_value, r.angle_by_value)
        + ": "
        + effect(r.by_value, r.turn_by_value),
        "clipped by norm": row.format(r.norm_by_norm, r.angle_by_norm)
        + ": "
        + effect(r.by_norm, r.turn_by_norm),
    }


# --- the explorer's text and chain -------------------------------------------------------------


@cache
def _viridis():
    """Viridis in 256 steps as "#rrggbb" (plotly's colour scale, loaded once, when first drawn)."""
    import plotly.colors

    return np.array(
        [
            "#{:02x}{:02x}{:02x}".format(*(round(v) for v in plotly.colors.unlabel_rgb(c)))
            for c in plotly.colors.sample_colorscale("Viridis", np.linspace(0, 1, 256))
        ]
    )


def verdict(regime):
    """What the bound says about a regime, in two words: "exploding possible" (the bound is
    necessary, not sufficient, for exploding), else e.g. "vanishing predicted"."""
    return "exploding possible" if regime == "exploding" else f"{regime} predicted"


def default_title(result):
    """The regime in words, for a figure title."""
    r = result.sigma_max * result.gamma
    return f"Gradient through time: σ_max·γ = {fmt(r, 3)}, {verdict(result.regime)}"


def overflow_text(result):
    """'overflow (inf) from step k' or 'NaN from step k'; says so when the forward pass broke."""
    bad = result.first_nonfinite
    if bad is None:
        return ""
    what = "overflow (inf)" if result.nonfinite == "inf" else "NaN"
    text = f"{what} from step {bad} back to step 1"
    if not np.isfinite(result.loss):
        text += "<br>(the forward pass itself overflowed: the loss is " + fmt(result.loss) + ")"
    return text


def status_lines(result):
    """The few numbers printed inside the gradient-norm figure."""
    lines = [
        f"σ_max·γ = {fmt(result.sigma_max, 3)} × {fmt(result.gamma)} = "
        f"{fmt(result.sigma_max * result.gamma, 3)}: {verdict(result.regime)}",
        f"||dL/da<1>|| / ||dL/da<T>|| = {fmt(result.ratio)}",
    ]
    if result.first_nonfinite is not None:
        lines.append(overflow_text(result).split("<br>")[0])
    return lines


def readouts(result, *, clip_threshold=None):
    """The explorer's readouts as {name: text}: the numbers, the prediction and what happened."""
    s, g = result.sigma_max, result.gamma
    kind = result.regime
    explain = {
        "vanishing": "σ_max·γ < 1 is sufficient: the gradient must shrink at least as fast "
        "as the bound",
        "exploding": "σ_max·γ > 1 is necessary, not sufficient: it may explode, or saturated "
        "units may still make it vanish",
        # a linear g has no saturated units: its Jacobian product is a power of W_aa, which over
        # many steps grows or shrinks like the power of W_aa's spectral radius
        "exploding_linear": "σ_max·γ > 1 is necessary, not sufficient: for a linear g, the "
        "gradient grows over many steps if the spectral radius ρ(W_aa) > 1 and shrinks if "
        "ρ(W_aa) < 1",
        "neither": "σ_max·γ = 1: the bound neither grows nor shrinks",
        "undefined": "σ_max(W_aa) is not a number: W_aa holds NaN",
    }["exploding_linear" if kind == "exploding" and result.activation == "linear" else kind]
    ratio = result.ratio
    observed = (
        "not a number"
        if not np.isfinite(ratio)
        else "vanished"
        if ratio < 1e-2
        else "exploded"
        if ratio > 1e2
        else "grew, but less than 100×"
        if ratio > 1.5
        else "shrank, but less than 100×"
        if ratio < 1 / 1.5
        else "kept its size"
    )
    if clip_threshold is None:
        clip = "off"
    elif not np.isfinite(result.total_norm):
        clip = f"c = {fmt(clip_threshold)}, but ||g|| = {fmt(result.total_norm)}: cannot rescale"
    elif result.clip_factor < 1:
        clip = (
            f"||g|| = {fmt(result.total_norm)} > c = {fmt(clip_threshold)}: the whole "
            f"gradient × {fmt(result.clip_factor)}"
        )
    else:
        clip = f"||g|| = {fmt(result.total_norm)} ≤ c = {fmt(clip_threshold)}: unchanged"
    return {
        "σ_max(W_aa)·γ": f"{fmt(s, 3)} × {fmt(g)} = {fmt(s * g, 3)}",
        "spectral radius ρ(W_aa)": fmt(result.spectral_radius, 3),
        "predicted": f"{kind}: {explain}",
        "ratio ||dL/da<1>|| / ||dL/da<T>||": f"{fmt(ratio)} ({observed})",
        "overflow": overflow_text(result).replace("<br>", " ") or "none: every number is finite",
        "clipping": clip,
        "loss at step T": fmt(result.loss, 3),
    }


def chain_data(result, *, clip_threshold=None):
    """What the unrolled-chain view draws, as JSON-ready lists (no inf or NaN inside).

    Each step k gets a height in [0, 1] and a colour, both from log10 of the growth factor
    ||dL/da<k>|| / ||dL/da<T>|| on the fixed scale CHAIN_LOG_RANGE: how much the gradient
    shrank or grew on its way back from step T. Clipping multiplies every step by the same
    factor, so it leaves these heights alone; `text` gives the values themselves (after
    clipping when clip_threshold is set). `state` is "ok", "inf", "NaN" or "zero" per step.
    """
    norms = np.asarray(result.grad_norm, dtype=np.float64)
    shown = np.asarray(
        result.grad_norm_clipped if clip_threshold is not None else result.grad_norm, np.float64
    )
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rel = norms / norms[-1]
    state = np.where(
        np.isnan(norms) | np.isnan(rel),
        "NaN",
        np.where(np.isinf(norms) | np.isinf(rel), "inf", np.where(norms == 0, "zero", "ok")),
    )
    ok = state == "ok"
    lo, hi = CHAIN_LOG_RANGE
    with np.errstate(divide="ignore", invalid="ignore"):
        logr = np.log10(np.where(ok, rel, 1.0))
    height = np.where(ok, np.clip((logr - lo) / (hi - lo), 0.0, 1.0), 0.0)
    height[(state == "inf") | (state == "NaN")] = 1.0
    color = np.where(ok, _viridis()[np.rint(height * 255).astype(int)], "#ffffff")
    what = "||dL/da<k>|| after clipping" if clip_threshold is not None else "||dL/da<k>||"
    text = [fmt(v) for v in shown]
    relative = [fmt(v) for v in rel]
    summary = (
        f"{at_step(what, 1)} = {text[0]},  {at_step(what, 'T')} = {text[-1]}:  "
        f"the gradient changed {relative[0]}× on its way back"
    )
    if result.first_nonfinite is not None:
        summary = overflow_text(result).replace("<br>", " ")
    elif norms[-1] == 0:
        summary = f"{at_step(what, 'T')} is exactly 0: the output is saturated, nothing flows back"
    ticks = np.arange(lo, hi + 1, 8)
    return {
        "T": len(norms),
        "height": np.round(height, 4).tolist(),
        "color": color.tolist(),
        "text": text,
        "relative": relative,
        "state": state.tolist(),
        "quantity": what,
        "summary": summary,
        "overflow": overflow_text(result).replace("<br>", " "),
        "ticks": [(float((t - lo) / (hi - lo)), "1" if t == 0 else f"1e{int(t)}") for t in ticks],
        "stops": _viridis()[::32].tolist() + [_viridis()[-1]],
    }
