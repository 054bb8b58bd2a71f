"""The connectivity map ||d y_hat<t> / d x<k>||, a lower-triangular heatmap on a log scale."""

import numpy as np
import plotly.graph_objects as go

from .._checks import check_array
from .._format import fmt, power_of_ten
from .style import SMALL, check_text, html, layout


def plot_connectivity(C, *, title=None):
    """The map ||d y_hat<t> / d x<k>|| for k <= t (lower triangle), on a log colour scale.

    C : ndarray of shape (T, T) from `rv.connectivity`, rows t, columns k (0-based); inf, NaN
        and 0 are left blank
    title : str, default the ratio of the last row's first and last entries
    """
    _check(C, title)
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
    layout(fig, title="", width=760, height=680, margin={"l": 100, "r": 30, "t": 70, "b": 80})
    fig.update_xaxes(title_text="input step k", showgrid=False)
    fig.update_yaxes(title_text="output step t", autorange="reversed", showgrid=False)
    return draw_connectivity(fig, C, title=title)


def draw_connectivity(fig, C, *, title=None):
    """Fill a figure made by `plot_connectivity` with a new map, in place; return it."""
    C = _check(C, title)
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


def _check(C, title):
    """C as a float array of shape (T, T), or TypeError/ValueError naming the argument."""
    C = check_array("C", C, ndims=(2,))
    if C.shape[0] != C.shape[1]:
        raise ValueError(f"C has shape {C.shape}, must be square (T, T)")
    check_text("title", title, optional=True)
    return C
