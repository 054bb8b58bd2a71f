"""||dL/da<k>|| against k on a log axis: the explorer's main figure, and a static one."""

import numpy as np
import plotly.graph_objects as go

from .._format import fmt
from ..views import default_title, overflow_text, status_lines
from .style import COLORS, SMALL, check_flow, html, layout, log_ticks, positive, put, set_xy


def plot_gradient_norms(result, *, clip_threshold=None, title=None):
    """||dL/da<k>|| against k on a log axis, with the bound, the exact Jacobian norms and clipping.

    Parameters
    ----------
    result : `GradientFlow` from `rv.gradient_flow` or `rv.explore` (k, grad_norm,
        grad_norm_clipped, bound, sigma_k, sigma, clip_factor, total_norm, sigma_max, gamma, ...)
    clip_threshold : float > 0 or None, the max_norm `result` was computed with (None: no
        clipping)
    title : str, default a description of the regime

    The traces, in order: the gradient, the bound, the exact Jacobian norms, the clipped
    gradient, the clip threshold, and markers for steps that are inf, NaN or exactly 0.
    """
    check_flow(result, clip_threshold, title)
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
    layout(
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
    check_flow(result, clip_threshold, title)
    k = np.asarray(result.k, dtype=np.float64)  # float64 arrays travel as binary
    T = len(k)
    grad = np.asarray(result.grad_norm, dtype=np.float64)
    clipped = np.asarray(result.grad_norm_clipped, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        sigma = np.asarray(result.sigma, dtype=np.float64) * grad[-1]
    curves = [positive(grad), positive(result.bound), positive(sigma)]
    clipping = clip_threshold is not None
    if clipping:
        curves.append(positive(clipped))
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
    set_xy(d[0], k, curves[0])
    set_xy(d[1], k, curves[1])
    set_xy(d[2], np.asarray(result.sigma_k, dtype=np.float64), curves[2])
    put(d[3], visible=clipping)
    put(d[4], visible=clipping)
    put(d[5], visible=bool(edge.any()))
    if edge.any() or (d[5].x is not None and len(d[5].x)):
        put(d[5], x=k[edge], y=edge_y, text=edge_text[edge])
        put(d[5].marker, symbol=np.where(edge_y == top, "x", "triangle-down"))
    if clipping:
        set_xy(d[3], k, curves[3])
        put(
            d[3],
            name=f"after clipping: the whole gradient × {fmt(factor)}<br>(same shape, shifted down)"
            if factor < 1
            else f"after clipping: unchanged (||g|| = {fmt(result.total_norm)} ≤ c)",
        )
        put(d[4], x=np.array([0.5, T + 0.5]), y=np.array([clip_threshold, clip_threshold]))
        put(d[4], name=f"clip threshold c = {fmt(clip_threshold)} on ||g||, the whole gradient")
    layout = fig.layout
    put(layout.title, text=html(title or default_title(result)))
    put(layout.xaxis, range=(0.5, T + 0.5))
    ticks, labels = log_ticks(bottom, top)
    put(layout.yaxis, tickvals=ticks, ticktext=labels)
    if finite.size:
        put(layout.yaxis, autorange=True)
    else:  # nothing finite to show: a fixed range with the markers along its top edge
        put(layout.yaxis, autorange=False, range=(-1.3, 1.1))
    put(layout.annotations[0], text="<br>".join(html(line) for line in status_lines(result)))
    bad = result.first_nonfinite
    put(layout.shapes[0], visible=bad is not None)
    put(layout.annotations[1], visible=bad is not None)
    if bad is not None:
        put(layout.shapes[0], x1=bad + 0.5)
        put(layout.annotations[1], x=0.5 + 0.02 * T, text=html(overflow_text(result)))
    return fig
