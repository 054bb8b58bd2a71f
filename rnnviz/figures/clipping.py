"""Clipping a 2-D gradient by value and by norm, drawn as arrows from the origin."""

import numpy as np
import plotly.graph_objects as go

from .._checks import check_float
from .._format import fmt
from ..views import ClipGeometry
from .style import COLORS, TEXT_COLORS, check_result, layout


def plot_clipping_geometry(geometry, *, limit=None):
    """A 2-D gradient g and its two clipped versions, drawn as arrows from the origin.

    geometry : `views.ClipGeometry`: g, by_value, by_norm (each (2,)), clip_threshold, and the
        angles (degrees) and lengths
    limit : float > 0, half-width of the square view; default just large enough for g
    """
    _check(geometry, limit)
    fig = go.Figure()
    styles = [
        ("g", "gradient g", "black", "solid", 5),
        ("by_value", "clipped by value (each entry into [-c, c])", "orange", "dash", 4),
        ("by_norm", "clipped by norm (rescaled to length c)", "blue", "dot", 4),
    ]
    places = {"g": "middle right", "by_value": "top left", "by_norm": "bottom right"}
    for key, name, color, dash, width in styles:
        fig.add_scatter(
            name=name,
            mode="lines+markers+text",
            line={"color": COLORS[color], "width": width, "dash": dash},
            marker={"symbol": ["circle", "arrow"], "size": [0, 22], "angleref": "previous"},
            textposition=places[key],
            textfont={"size": 18, "color": TEXT_COLORS[color]},
            hovertemplate=f"{name}<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
            meta=key,
        )
    layout(
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
    _check(geometry, limit)
    c = geometry.clip_threshold
    for trace in fig.data:
        v = np.asarray(getattr(geometry, trace.meta), dtype=np.float64)
        trace.x, trace.y = [0.0, v[0]], [0.0, v[1]]
        label = {"g": "g", "by_value": "by value", "by_norm": "by norm"}[trace.meta]
        trace.text = ["", label]
    L = limit or 1.15 * max(np.abs(geometry.g).max(), c, 1.0)
    fig.layout.xaxis.range = fig.layout.yaxis.range = [-L, L]
    for shape in fig.layout.shapes:
        shape.x0, shape.y0, shape.x1, shape.y1 = -c, -c, c, c
    fig.layout.title.text = (
        f"Clip threshold c = {fmt(c, 3)}: by value turns g by {geometry.turn_by_value:.1f}°, "
        "by norm by 0°"
    )
    return fig


def _check(geometry, limit):
    check_result("geometry", geometry, ClipGeometry, "rv.clipping_geometry(g, clip_threshold)")
    if limit is not None:
        check_float("limit", limit)
