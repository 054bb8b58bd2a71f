"""The unrolled network as a chain of bars, animated by plotly's own Play button (no kernel).

The explorer draws the same `chain_data` in SVG and animates it in the browser
(`rnnviz.widgets.chain`).
"""

import numpy as np
import plotly.graph_objects as go

from .._format import power_of_ten
from ..views import CHAIN_LOG_RANGE, chain_data
from .style import COLORS, SMALL, check_flow, html, layout, received


def plot_chain(result, *, clip_threshold=None, animate=True, title=None):
    """The unrolled network as a chain of steps, each bar sized and coloured by ||dL/da<k>||.

    Bar heights are log10 ||dL/da<k>|| / ||dL/da<T>||, the factor by which the gradient shrank
    or grew on its way back from step T (see `chain_data`). Bars run left to right like the
    forward pass; with `animate`, plotly's own Play button reveals them from step T back to
    step 1, one step per frame. Works without a kernel (static HTML); the GradientFlowExplorer
    draws the same data in SVG and animates it in the browser.

    result : `GradientFlow` from `rv.gradient_flow` or `rv.explore`
    clip_threshold : float > 0 or None, the max_norm `result` was computed with
    animate : bool, add the Play button and its frames
    title : str or None, default how much the gradient changed
    """
    check_flow(result, clip_threshold, title)
    if not isinstance(animate, bool | np.bool_):
        raise TypeError(f"animate == {received(animate)}, must be True or False")
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
    layout(
        fig,
        title=title
        or f"The unrolled network, T = {T}: the gradient changed "
        f"{c['relative'][0]}× from step T back to step 1",
        height=520,
        showlegend=False,
        bargap=0.15,
        margin={"l": 100, "r": 70, "t": 160, "b": 150},
        annotations=[
            *_arrow(0.5, T + 0.5, 1.08, "forward pass: a<1> → a<2> → … → a<T>", "bottom"),
            *_arrow(
                T + 0.5, 0.5, -0.27, "← backward: the gradient dL/da<k> travels to step 1", "top"
            ),
        ],
    )
    fig.update_layout(title={"y": 0.97, "yanchor": "top"})
    fig.update_xaxes(range=[0.5, T + 0.5], title_text="time step k (the loss is at step T)")
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
