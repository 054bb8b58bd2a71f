"""Figures: arrays and dicts in, `plotly.graph_objects.Figure` out.

Nothing here computes a gradient or trains a network; the functions draw what `diagnostics`,
`clipping` and `training` computed. Every figure is made for a classroom projector: fonts of
at least 16 px, labelled axes ("log scale" where the axis is logarithmic), the Okabe-Ito
colour-blind-safe palette, and every line told apart by its dash and marker as well as by its
colour. The same functions serve the widgets (which redraw a FigureWidget in place with the
`draw_*` functions) and static pages (which call the `plot_*` functions once).
"""

import re

import numpy as np
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
COLORS = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
SERIES = ["blue", "vermillion", "green", "orange", "purple", "sky", "black"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "star"]
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 18, "color": "#222"}
SMALL = 16  # tick labels, legends and hover boxes: the smallest text on any figure
CHAIN_LOG_RANGE = (-16.0, 16.0)  # the chain's scale for ||dL/da<k>|| / ||dL/da<T>||
_LUT = np.array(
    [
        "#{:02x}{:02x}{:02x}".format(*(round(v) for v in plotly.colors.unlabel_rgb(c)))
        for c in plotly.colors.sample_colorscale("Viridis", np.linspace(0, 1, 256))
    ]
)


def html(text):
    """Escape the lecture's angle brackets for plotly's pseudo-HTML: a<t> -> a&lt;t&gt;."""
    return re.sub(r"<(k|t|T|1|j|t-1|k\+1)>", r"&lt;\1&gt;", text)


def fmt(value, digits=2):
    """A number as short text: 3.1e-05, 0.9, inf, NaN."""
    value = float(value)
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.{digits}g}"


def _layout(fig, *, title, height=560, **kwargs):
    """Classroom defaults (fonts, margins, template); keyword arguments override them."""
    layout = {
        "template": "plotly_white",
        "font": FONT,
        "title": {"text": html(title), "x": 0.0, "xanchor": "left", "font": {"size": 20}},
        "height": height,
        "margin": {"l": 90, "r": 30, "t": 70, "b": 80},
        "hoverlabel": {"font": {"size": SMALL}},
        "legend": {"font": {"size": SMALL}},
    }
    fig.update_layout(**{**layout, **kwargs})
    fig.update_xaxes(tickfont={"size": SMALL}, showline=True, linecolor="#444", mirror=True)
    fig.update_yaxes(tickfont={"size": SMALL}, showline=True, linecolor="#444", mirror=True)
    return fig


def _positive(values):
    """Values for a log axis: inf, NaN and 0 become NaN (drawn as gaps, flagged elsewhere)."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(v) & (v > 0), v, np.nan)


# --- gradient norms through time -------------------------------------------------------------


def plot_gradient_norms(result, *, clip_threshold=None, title=None):
    """||dL/da<k>|| against k on a log axis, with the bound, the exact Jacobian norms and clipping.

    Parameters
    ----------
    result : dict from `diagnostics.explore` (keys k, grad_norm, grad_norm_clipped, bound,
        sigma_k, sigma, clip_factor, total_norm, sigma_max, gamma, ratio, first_nonfinite, ...)
    clip_threshold : float or None, the max_norm `result` was computed with (None: no clipping)
    title : str, default a description of the regime

    The traces, in order: the gradient, the bound, the exact Jacobian norms, the clipped
    gradient, the clip threshold, and markers for steps that are inf, NaN or exactly 0.
    """
    fig = go.Figure()
    hover = "step k = %{x}<br>%{y:.3g}<extra>%{fullData.name}</extra>"
    fig.add_scatter(
        name=html("||dL/da<k>||, the gradient reaching step k"),
        mode="lines+markers",
        line={"color": COLORS["blue"], "width": 3},
        marker={"symbol": "circle", "size": 7},
        hovertemplate=html("step k = %{x}<br>||dL/da<k>|| = %{y:.3g}<extra></extra>"),
    )
    fig.add_scatter(
        name=html("bound ||dL/da<T>|| (σ_max γ)^(T-k)"),
        mode="lines",
        line={"color": COLORS["vermillion"], "width": 3, "dash": "dash"},
        hovertemplate=hover,
    )
    fig.add_scatter(
        name=html("||dL/da<T>|| σ_max(∂a<T>/∂a<k>), exact Jacobian"),
        mode="markers",
        marker={
            "symbol": "diamond-open",
            "size": 11,
            "color": COLORS["black"],
            "line": {"width": 2},
        },
        hovertemplate=hover,
    )
    fig.add_scatter(
        name="after clipping",
        mode="lines+markers",
        line={"color": COLORS["green"], "width": 3, "dash": "dot"},
        marker={"symbol": "square", "size": 6},
        hovertemplate=html(
            "step k = %{x}<br>after clipping: %{y:.3g}<br>Clipping multiplies the whole gradient"
            "<br>by one factor: the curve moves down,<br>its shape stays the same.<extra></extra>"
        ),
    )
    fig.add_scatter(
        name="clip threshold",
        mode="lines",
        line={"color": COLORS["purple"], "width": 3, "dash": "longdash"},
        hovertemplate=html(
            "clip threshold c = %{y:.3g}<br>it limits the norm of the whole parameter gradient,"
            "<br>not each step's ||dL/da<k>||<extra></extra>"
        ),
    )
    fig.add_scatter(
        name="inf or NaN (top edge), exactly 0 (bottom edge)",
        mode="markers",
        marker={"color": COLORS["black"], "size": 12, "line": {"width": 2}},
        hovertemplate="step k = %{x}<br>%{text}<extra></extra>",
    )
    _layout(
        fig,
        title="",
        width=780,
        height=700,
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.16, "yanchor": "top", "font": {"size": SMALL}},
        margin={"l": 100, "r": 20, "t": 150, "b": 190},
        shapes=[
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "x0": 0.5,
                "x1": 0.5,
                "fillcolor": "rgba(0,0,0,0.12)",
                "line": {"width": 0},
                "layer": "below",
                "visible": False,
            }
        ],
        annotations=[
            {
                "xref": "paper",
                "yref": "paper",
                "x": 0.0,
                "y": 1.02,
                "xanchor": "left",
                "yanchor": "bottom",
                "align": "left",
                "showarrow": False,
                "bgcolor": "rgba(255,255,255,0.85)",
                "bordercolor": "#666",
                "font": {"size": SMALL},
            },
            {
                "xref": "x",
                "yref": "paper",
                "y": 0.5,
                "xanchor": "left",
                "showarrow": False,
                "bgcolor": "rgba(255,255,255,0.9)",
                "bordercolor": COLORS["black"],
                "borderwidth": 2,
                "font": {"size": 18, "color": COLORS["black"]},
                "visible": False,
            },
        ],
    )
    fig.update_xaxes(title_text="time step k   (forward pass →, gradient ←)")
    fig.update_yaxes(title_text=html("||dL/da<k>||  (log scale)"), type="log", tickmode="array")
    return draw_gradient_norms(fig, result, clip_threshold=clip_threshold, title=title)


def draw_gradient_norms(fig, result, *, clip_threshold=None, title=None):
    """Fill a figure made by `plot_gradient_norms` with a new `result`, in place; return it.

    Only what changed is assigned (numpy arrays, a few strings), so inside
    `with fig.batch_update():` a FigureWidget sends one small message.
    """
    k = np.asarray(result.k, dtype=np.float64)  # float64 arrays travel as binary
    T = len(k)
    grad = np.asarray(result.grad_norm, dtype=np.float64)
    clipped = np.asarray(result.grad_norm_clipped, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        sigma = np.asarray(result.sigma, dtype=np.float64) * grad[-1]
    curves = [_positive(grad), _positive(result.bound), _positive(sigma)]
    clipping = clip_threshold is not None
    if clipping:
        curves.append(_positive(clipped))
    finite = np.concatenate([c[np.isfinite(c)] for c in curves] + [[clip_threshold or np.nan]])
    finite = finite[np.isfinite(finite)]
    top = min(10 * finite.max(), 1e308) if finite.size else 10.0
    bottom = max(finite.min() / 10, 1e-320) if finite.size else 0.1
    shown = clipped if clipping else grad
    edge = ~np.isfinite(shown) | (shown == 0)
    edge_y = np.where(np.isfinite(shown), bottom, top)[edge]
    edge_text = np.where(np.isnan(shown), "NaN", np.where(np.isinf(shown), "inf (overflow)", "0"))
    factor = float(result.clip_factor)
    d = fig.data
    _set_xy(d[0], k, curves[0])
    _set_xy(d[1], k, curves[1])
    _set_xy(d[2], np.asarray(result.sigma_k, dtype=np.float64), curves[2])
    _put(d[3], visible=clipping)
    _put(d[4], visible=clipping)
    _put(d[5], visible=bool(edge.any()))
    if edge.any() or (d[5].x is not None and len(d[5].x)):
        _put(d[5], x=k[edge], y=edge_y, text=edge_text[edge])
        _put(d[5].marker, symbol=np.where(edge_y == top, "x", "triangle-down"))
    if clipping:
        _set_xy(d[3], k, curves[3])
        _put(
            d[3],
            name=f"after clipping: the whole gradient × {fmt(factor)}<br>(same shape, shifted down)"
            if factor < 1
            else f"after clipping: unchanged (||g|| = {fmt(result.total_norm)} ≤ c)",
        )
        _put(d[4], x=np.array([0.5, T + 0.5]), y=np.array([clip_threshold, clip_threshold]))
        _put(d[4], name=f"clip threshold c = {fmt(clip_threshold)} on ||g||, the whole gradient")
    layout = fig.layout
    _put(layout.title, text=html(title or default_title(result)))
    _put(layout.xaxis, range=(0.5, T + 0.5))
    ticks, labels = log_ticks(bottom, top)
    _put(layout.yaxis, tickvals=ticks, ticktext=labels)
    if finite.size:
        _put(layout.yaxis, autorange=True)
    else:  # nothing finite to show: a fixed range with the markers along its top edge
        _put(layout.yaxis, autorange=False, range=(-1.3, 1.1))
    _put(layout.annotations[0], text="<br>".join(html(line) for line in status_lines(result)))
    bad = result.first_nonfinite
    _put(layout.shapes[0], visible=bad is not None)
    _put(layout.annotations[1], visible=bad is not None)
    if bad is not None:
        _put(layout.shapes[0], x1=bad + 0.5)
        _put(layout.annotations[1], x=0.5 + 0.02 * T, text=html(overflow_text(result)))
    return fig


def _put(obj, **props):
    """Assign the properties that differ from what `obj` holds (each assignment is validated
    and sent to the browser, which makes a redraw cost more)."""
    for name, value in props.items():
        held = obj[name]
        same = (
            np.array_equal(held, value)
            if isinstance(value, np.ndarray) or isinstance(held, np.ndarray)
            else held == value
        )
        if not same:
            obj[name] = value


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(k):
    """10^k as plain text with Unicode superscripts: 1, 10, 10³, 10⁻¹²."""
    return "1" if k == 0 else "10" if k == 1 else "10" + str(k).translate(_SUPERSCRIPT)


def log_ticks(bottom, top, most=8):
    """Tick positions (powers of ten) and labels for a log axis from `bottom` to `top`.

    Plain-text labels: plotly's own superscripts (exponentformat="power") cost more time per
    redraw than everything else in the gradient-norm figure.
    """
    lo, hi = int(np.floor(np.log10(bottom))), int(np.ceil(np.log10(top)))
    step = next(s for s in (1, 2, 3, 4, 5, 10, 20, 25, 50, 100, 200) if (hi - lo) / s <= most)
    k = np.arange(-(-lo // step) * step, hi + 1, step)  # multiples of step: 1 is a tick
    return 10.0**k, [power_of_ten(int(e)) for e in k]


def _set_xy(trace, x, y):
    """Give a trace its points; one with nothing to draw (all NaN) gets none."""
    if not np.isfinite(y).any():
        x, y = x[:0], y[:0]
    _put(trace, x=x, y=y)


def default_title(result):
    """The regime in words, for a figure title."""
    r = result.sigma_max * result.gamma
    return f"Gradient through time: σ_max·γ = {fmt(r, 3)}, predicted {result.regime}"


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
        f"{fmt(result.sigma_max * result.gamma, 3)}: {result.regime} predicted",
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
        "neither": "σ_max·γ = 1: the bound neither grows nor shrinks",
    }[kind]
    ratio = result.ratio
    observed = (
        "not a number"
        if not np.isfinite(ratio)
        else "vanished"
        if ratio < 1e-2
        else "exploded"
        if ratio > 1e2
        else "kept its size (within 100×)"
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


# --- the unrolled chain ----------------------------------------------------------------------


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
    color = np.where(ok, _LUT[np.rint(height * 255).astype(int)], "#ffffff")
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
        "stops": _LUT[::32].tolist() + [_LUT[-1]],
    }


def at_step(quantity, k):
    """'||dL/da<k>||' at a given step: at_step('||dL/da<k>||', 1) -> '||dL/da<1>||'."""
    return quantity.replace("<k>", f"<{k}>")


def plot_chain(result, *, clip_threshold=None, animate=True, title=None):
    """The unrolled network as a chain of steps, each bar sized and coloured by ||dL/da<k>||.

    Bar heights are log10 ||dL/da<k>|| / ||dL/da<T>||, the factor by which the gradient shrank
    or grew on its way back from step T (see `chain_data`). Bars run left to right like the
    forward pass; with `animate`, plotly's own Play button reveals them from step T back to
    step 1, one step per frame. Works without a kernel (static HTML); the GradientFlowExplorer
    draws the same data in SVG and animates it in the browser.
    """
    c = chain_data(result, clip_threshold=clip_threshold)
    T, (lo, hi) = c["T"], CHAIN_LOG_RANGE
    k = np.arange(1, T + 1)
    y = np.asarray(c["height"]) * (hi - lo)
    fig = go.Figure()
    fig.add_bar(
        x=k,
        y=np.maximum(y, 0.2),
        base=lo,
        marker={"color": c["color"], "line": {"color": "#333", "width": 1}},
        text=[s if s != "ok" else "" for s in c["state"]],
        textposition="outside",
        customdata=np.stack([c["text"], c["relative"]], axis=-1),
        hovertemplate=html(
            f"step k = %{{x}}<br>{c['quantity']} = %{{customdata[0]}}"
            "<br>= %{customdata[1]} × ||dL/da<T>||<extra></extra>"
        ),
    )
    fig.add_scatter(
        x=[T], y=[hi + 1], mode="markers+text", text=[html(f"dL/da<{T}>")],
        textposition="top center", marker={"symbol": "triangle-down", "size": 18,
        "color": COLORS["vermillion"]}, cliponaxis=False, hoverinfo="skip",
    )  # fmt: skip
    _layout(
        fig,
        title=title
        or f"The unrolled network, T = {T}: the gradient changed "
        f"{c['relative'][0]}× from step T back to step 1",
        height=480,
        showlegend=False,
        bargap=0.15,
        margin={"l": 100, "r": 70, "t": 160, "b": 110},
        annotations=[
            *_arrow(0.5, T + 0.5, 1.08, "forward pass: a<1> → a<2> → … → a<T>", "bottom"),
            *_arrow(
                T + 0.5, 0.5, -0.17, "← backward: the gradient dL/da<k> travels to step 1", "top"
            ),
        ],
    )
    fig.update_layout(title={"y": 0.97, "yanchor": "top"})
    fig.update_xaxes(range=[0.5, T + 0.5])
    fig.update_yaxes(
        title_text=html("||dL/da<k>|| / ||dL/da<T>||<br>(log scale)"),
        range=[lo - 1, hi + 4],
        tickvals=np.arange(lo, hi + 1, 8),
        ticktext=[power_of_ten(int(t)) for t in np.arange(lo, hi + 1, 8)],
    )
    if animate:
        frames = []
        for step in range(T, 0, -1):
            label = html(f"dL/da<{step}>: {c['relative'][step - 1]}×")
            frames.append(
                go.Frame(
                    name=str(step),
                    data=[
                        go.Bar(marker={"opacity": np.where(k >= step, 1.0, 0.12)}),
                        go.Scatter(x=[step], text=[label]),
                    ],
                )
            )
        fig.frames = frames
        fig.update_layout(updatemenus=[_play_menu()])
    return fig


def _arrow(x_from, x_to, y, text, side):
    """A horizontal arrow between two data x positions at height y (paper), and its label."""
    return {
        "xref": "x", "axref": "x", "x": x_to, "ax": x_from, "yref": "paper", "y": y,
        "ayref": "pixel", "ay": 0, "showarrow": True, "arrowhead": 3, "arrowsize": 1.5,
        "arrowwidth": 2, "text": "",
    }, {
        "xref": "paper", "yref": "paper", "x": 0.5, "y": y, "yanchor": side, "showarrow": False,
        "yshift": 6 if side == "bottom" else -8, "text": html(text), "font": {"size": SMALL},
    }  # fmt: skip


def _play_menu():
    step = {"frame": {"duration": 33, "redraw": False}, "transition": {"duration": 0}}
    return {
        "type": "buttons",
        "direction": "left",
        "x": 1.0,
        "y": 1.22,
        "xanchor": "right",
        "yanchor": "bottom",
        "font": {"size": SMALL},
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": [None, step]},
            {"label": "❚❚ Pause", "method": "animate",
             "args": [[None], {**step, "mode": "immediate"}]},
        ],
    }  # fmt: skip


# --- clipping geometry -----------------------------------------------------------------------


def plot_clipping_geometry(geometry, *, limit=None):
    """A 2-D gradient g and its two clipped versions, drawn as arrows from the origin.

    geometry : dict from `widgets.clipping_geometry` with "g", "by_value", "by_norm" (each (2,)),
        "clip_threshold", and "angle_*" / "norm_*" numbers in degrees and lengths
    limit : half-width of the square view, default just large enough for g
    """
    fig = go.Figure()
    styles = [
        ("g", "gradient g", COLORS["black"], "solid", 5),
        ("by_value", "clipped by value (each entry into [-c, c])", COLORS["orange"], "dash", 4),
        ("by_norm", "clipped by norm (rescaled to length c)", COLORS["blue"], "dot", 4),
    ]
    places = {"g": "middle right", "by_value": "top left", "by_norm": "bottom right"}
    for key, name, color, dash, width in styles:
        fig.add_scatter(
            name=name,
            mode="lines+markers+text",
            line={"color": color, "width": width, "dash": dash},
            marker={"symbol": ["circle", "arrow"], "size": [0, 22], "angleref": "previous"},
            textposition=places[key],
            textfont={"size": 18, "color": color},
            hovertemplate=f"{name}<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
            meta=key,
        )
    _layout(
        fig,
        title="",
        height=700,
        width=660,
        legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
        margin={"l": 80, "r": 30, "t": 70, "b": 150},
        shapes=[
            {"type": "rect", "line": {"color": COLORS["orange"], "width": 2, "dash": "dash"}},
            {"type": "circle", "line": {"color": COLORS["blue"], "width": 2, "dash": "dot"}},
        ],
    )
    fig.update_xaxes(title_text="g₁", zeroline=True, zerolinecolor="#999", constrain="domain")
    fig.update_yaxes(title_text="g₂", zeroline=True, zerolinecolor="#999", scaleanchor="x")
    return draw_clipping_geometry(fig, geometry, limit=limit)


def draw_clipping_geometry(fig, geometry, *, limit=None):
    """Fill a figure made by `plot_clipping_geometry` with new vectors, in place; return it."""
    c = geometry["clip_threshold"]
    for trace in fig.data:
        v = np.asarray(geometry[trace.meta], dtype=np.float64)
        trace.x, trace.y = [0.0, v[0]], [0.0, v[1]]
        label = {"g": "g", "by_value": "by value", "by_norm": "by norm"}[trace.meta]
        trace.text = ["", label]
    L = limit or 1.15 * max(np.abs(geometry["g"]).max(), c, 1.0)
    fig.layout.xaxis.range = fig.layout.yaxis.range = [-L, L]
    for shape in fig.layout.shapes:
        shape.x0, shape.y0, shape.x1, shape.y1 = -c, -c, c, c
    fig.layout.title.text = (
        f"Clip threshold c = {fmt(c, 3)}: by value turns g by {geometry['turn_by_value']:.1f}°, "
        "by norm by 0°"
    )
    return fig


# --- connectivity ----------------------------------------------------------------------------


def plot_connectivity(C, *, title=None):
    """The map ||d y_hat<t> / d x<k>|| for k <= t (lower triangle), on a log colour scale.

    C : ndarray of shape (T, T) from `diagnostics.connectivity`, rows t, columns k (0-based)
    """
    fig = go.Figure()
    fig.add_heatmap(
        colorscale="Viridis",
        colorbar={
            "title": {"text": html("||∂ŷ<t>/∂x<k>||<br>(log scale)"), "side": "right"},
            "tickfont": {"size": SMALL},
        },
        hovertemplate=html(
            "output step t = %{y}<br>input step k = %{x}<br>||∂ŷ<t>/∂x<k>|| = %{customdata:.3g}"
            "<extra></extra>"
        ),
        hoverongaps=False,
    )
    _layout(fig, title="", width=760, height=680, margin={"l": 100, "r": 30, "t": 70, "b": 80})
    fig.update_xaxes(title_text="input step k", showgrid=False)
    fig.update_yaxes(title_text="output step t", autorange="reversed", showgrid=False)
    return draw_connectivity(fig, C, title=title)


def draw_connectivity(fig, C, *, title=None):
    """Fill a figure made by `plot_connectivity` with a new map, in place; return it."""
    C = np.asarray(C, dtype=np.float64)
    T = len(C)
    lower = np.tril(np.ones((T, T), dtype=bool))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(lower & np.isfinite(C) & (C > 0), np.log10(np.where(C > 0, C, 1.0)), np.nan)
    finite = z[np.isfinite(z)]
    zmin, zmax = (np.floor(finite.min()), np.ceil(finite.max())) if finite.size else (-1.0, 1.0)
    if zmax - zmin < 1:
        zmin, zmax = zmin - 1, zmax + 1
    ticks = np.arange(zmin, zmax + 1, max(1, np.ceil((zmax - zmin) / 6)))
    heat = fig.data[0]
    heat.x = heat.y = np.arange(1, T + 1)
    # Blank cells are None (JSON null): NaN in a 2-D array cannot be sent to the browser.
    heat.z = np.where(np.isfinite(z), z, None)
    heat.customdata = np.where(lower & np.isfinite(C), C, None)
    heat.zmin, heat.zmax = zmin, zmax
    heat.colorbar.tickvals = ticks
    heat.colorbar.ticktext = [power_of_ten(int(t)) for t in ticks]
    ratio = C[-1, 0] / C[-1, -1] if T > 1 and C[-1, -1] > 0 else np.nan
    fig.layout.title.text = html(title or f"||∂ŷ<T>/∂x<1>|| / ||∂ŷ<T>/∂x<T>|| = {fmt(ratio)}")
    return fig


# --- training curves and success rates -------------------------------------------------------


def plot_training(histories, *, title="Training runs"):
    """Loss and gradient norm per training step, one line per run, a ✕ where a run diverged.

    histories : dict label -> history with keys "loss" (per step, NaN allowed), "grad_norm"
        (per step, before clipping), "clipped" (per step: True where the gradient was clipped;
        may be None) and "diverged_at" (the step where the run diverged, or None)
    """
    if not isinstance(histories, dict) or not histories:
        raise ValueError(f"histories must be a non-empty dict label -> history, got {histories!r}")
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=["Loss", "Gradient norm, before clipping"],
        horizontal_spacing=0.1,
    )
    for i, (label, h) in enumerate(histories.items()):
        for key in ("loss", "grad_norm"):
            if key not in h:
                raise ValueError(f"histories[{label!r}] has no {key!r} (keys: {sorted(h)})")
        color = COLORS[SERIES[i % len(SERIES)]]
        dash, symbol = DASHES[i % len(DASHES)], SYMBOLS[i % len(SYMBOLS)]
        for col, key in ((1, "loss"), (2, "grad_norm")):
            y = _positive(h[key])
            steps = np.arange(len(y))
            fig.add_scatter(
                x=steps, y=y, name=str(label), legendgroup=str(label), showlegend=col == 1,
                mode="lines", line={"color": color, "dash": dash, "width": 3},
                hovertemplate=f"{label}<br>step %{{x}}<br>{key} = %{{y:.3g}}<extra></extra>",
                row=1, col=col,
            )  # fmt: skip
            clipped = h.get("clipped")
            if col == 2 and clipped is not None and np.ndim(clipped) == 1 and len(clipped):
                at = np.nonzero(np.asarray(clipped, dtype=bool)[: len(y)])[0]
                fig.add_scatter(
                    x=at, y=y[at], name=f"{label}: clipped", legendgroup=str(label),
                    showlegend=False, mode="markers",
                    marker={"symbol": f"{symbol}-open", "size": 7, "color": color},
                    hovertemplate=f"{label}<br>step %{{x}}: clipped<extra></extra>", row=1, col=2,
                )  # fmt: skip
            at = h.get("diverged_at")
            if at is not None:
                before = y[: int(at) + 1]
                finite = before[np.isfinite(before)]
                mark = finite[-1] if finite.size else np.nanmax(np.r_[y, 1.0])
                fig.add_scatter(
                    x=[int(at)], y=[mark], mode="markers+text", text=["diverged"],
                    textposition="top center", textfont={"size": SMALL, "color": color},
                    marker={"symbol": "x", "size": 18, "color": color, "line": {"width": 2}},
                    name=f"{label}: diverged at step {int(at)}", legendgroup=str(label),
                    showlegend=False, cliponaxis=False,
                    hovertemplate=f"{label} diverged at step {int(at)}<extra></extra>",
                    row=1, col=col,
                )  # fmt: skip
    _layout(fig, title=title, height=520, legend={"orientation": "h", "y": -0.2, "x": 0})
    fig.update_layout(margin={"b": 150})
    fig.update_annotations(font_size=18)
    fig.update_xaxes(title_text="training step")
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_yaxes(title_text="loss  (log scale)", row=1, col=1)
    fig.update_yaxes(title_text="||g||  (log scale)", row=1, col=2)
    return fig


def plot_success_rates(table, *, setting_name="setting", title="How often training succeeds"):
    """Bars of the mean success rate per setting and label, with one dot per seed.

    table : dict setting -> dict label -> values in [0, 1]: one number, or one per seed
        (rows are settings, e.g. the gap a task asks the network to bridge; columns are labels,
        e.g. "SGD", "SGD + clipping")
    """
    if not isinstance(table, dict) or not table:
        raise ValueError(
            f"table must be a non-empty dict setting -> {{label: values}}, got {table!r}"
        )
    settings = list(table)
    labels = list(dict.fromkeys(label for row in table.values() for label in row))
    fig = go.Figure()
    patterns = ["", "/", ".", "x", "\\", "+"]
    for i, label in enumerate(labels):
        color = COLORS[SERIES[i % len(SERIES)]]
        means, xs, ys = [], [], []
        for s in settings:
            v = np.atleast_1d(np.asarray(table[s].get(label, np.nan), dtype=np.float64))
            if np.any((v < 0) | (v > 1)):
                raise ValueError(
                    f"table[{s!r}][{label!r}] == {v.tolist()}, values must be in [0, 1]"
                )
            means.append(np.nanmean(v) if np.isfinite(v).any() else np.nan)
            xs += [str(s)] * len(v)
            ys += v.tolist()
        fig.add_bar(
            x=[str(s) for s in settings], y=means, name=str(label), offsetgroup=str(label),
            marker={"color": color, "opacity": 0.75,
                    "pattern": {"shape": patterns[i % len(patterns)], "fgcolor": "#222"}},
            text=[f"{m:.0%}" if np.isfinite(m) else "" for m in means], textposition="outside",
            hovertemplate=f"{label}<br>{setting_name} %{{x}}: %{{y:.0%}} on average<extra></extra>",
        )  # fmt: skip
        fig.add_scatter(
            x=xs, y=ys, mode="markers", offsetgroup=str(label), showlegend=False,
            marker={"color": "#222", "size": 9, "symbol": SYMBOLS[i % len(SYMBOLS)] + "-open",
                    "line": {"width": 2}},
            name=f"{label}, one seed", hovertemplate=f"{label}: one seed %{{y:.2f}}<extra></extra>",
        )  # fmt: skip
    _layout(fig, title=title, height=520, barmode="group", scattermode="group")
    fig.update_layout(legend={"orientation": "h", "y": -0.2, "x": 0}, margin={"b": 150})
    fig.update_xaxes(title_text=setting_name, type="category")
    fig.update_yaxes(
        title_text="success rate (dots: one per seed)", range=[0, 1.12], tickformat=".0%"
    )
    return fig
