"""The connectivity map ||d y_hat<t> / d x<k>||, a lower-triangular heatmap on a log scale."""

import numpy as np
import plotly.graph_objects as go

from .._checks import check_array, check_float_pair
from .._format import fmt, power_of_ten
from .style import SMALL, check_text, html, layout

# The heatmap widget's colour range: the same at every slider setting, so that a move changes
# the colours (with a range fitted to each map, every map would look alike).
FIXED_RANGE = (1e-16, 1e2)
OVERFLOW = "#9e9e9e"  # cells whose value overflowed to inf or NaN


def plot_connectivity(C, *, title=None, z_range=None):
    """The map ||d y_hat<t> / d x<k>|| for k <= t (lower triangle), on a log colour scale.

    C : ndarray of shape (T, T) from `rv.connectivity`, rows t, columns k (0-based); inf and
        NaN cells are drawn grey and labelled as overflow, 0 takes the lowest colour
    title : str, default the ratio of the last row's first and last entries
    z_range : (lo, hi) > 0, a fixed colour range (values beyond it take the end colours), or
        None: fitted to C's decades
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
    fig.add_heatmap(  # the overflow cells, on top, in grey
        colorscale=[[0, OVERFLOW], [1, OVERFLOW]],
        showscale=False,
        hovertemplate=html("output step t = %{y}<br>input step k = %{x}<br>overflow: inf or NaN"
                           "<extra></extra>"),
        hoverongaps=False,
        name="overflow",
    )  # fmt: skip
    layout(fig, title="", width=760, height=680, margin={"l": 100, "r": 30, "t": 70, "b": 80})
    fig.update_xaxes(title_text="input step k", showgrid=False)
    fig.update_yaxes(title_text="output step t", autorange="reversed", showgrid=False)
    return draw_connectivity(fig, C, title=title, z_range=z_range)


def draw_connectivity(fig, C, *, title=None, z_range=None):
    """Fill a figure made by `plot_connectivity` with a new map, in place; return it."""
    C = _check(C, title)
    if z_range is not None:
        lo, hi = check_float_pair("z_range", z_range)
    T = len(C)
    lower = np.tril(np.ones((T, T), dtype=bool))
    finite = lower & np.isfinite(C)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(finite & (C > 0), np.log10(np.where(C > 0, C, 1.0)), np.nan)
    if z_range is not None:
        zmin, zmax = np.log10(lo), np.log10(hi)
    else:
        shown = z[np.isfinite(z)]
        zmin, zmax = (np.floor(shown.min()), np.ceil(shown.max())) if shown.size else (-1.0, 1.0)
        if zmax - zmin < 1:
            zmin, zmax = zmin - 1, zmax + 1
    z = np.where(finite & (C == 0), zmin, z)  # 0: the output feels nothing, the lowest colour
    ticks = np.arange(np.ceil(zmin), zmax + 1, max(1, np.ceil((zmax - zmin) / 6)))
    heat, overflow = fig.data[:2]
    heat.x = heat.y = overflow.x = overflow.y = np.arange(1, T + 1)
    # Blank cells are None (JSON null): NaN in a 2-D array cannot be sent to the browser.
    heat.z = np.where(np.isfinite(z), z, None)
    heat.customdata = np.where(finite, C, None)
    heat.zmin, heat.zmax = zmin, zmax
    heat.colorbar.tickvals = ticks
    heat.colorbar.ticktext = [power_of_ten(int(t)) for t in ticks]
    bad = lower & ~np.isfinite(C)
    overflow.z = np.where(bad, 1.0, None)
    fig.layout.title.text = html(title or _default_title(C, int(bad.sum()), int(lower.sum())))
    return fig


def _default_title(C, n_bad, n_cells):
    if n_bad:
        return f"{n_bad} of {n_cells} cells overflowed to inf or NaN (grey)"
    if len(C) > 1 and C[-1, -1] == 0:
        return "||∂ŷ<T>/∂x<T>|| = 0: the last output is saturated and feels no input"
    ratio = C[-1, 0] / C[-1, -1] if len(C) > 1 else np.nan
    return f"||∂ŷ<T>/∂x<1>|| / ||∂ŷ<T>/∂x<T>|| = {fmt(ratio)}"


def _check(C, title):
    """C as a float array of shape (T, T), or TypeError/ValueError naming the argument."""
    C = check_array("C", C, ndims=(2,))
    if C.shape[0] != C.shape[1]:
        raise ValueError(f"C has shape {C.shape}, must be square (T, T)")
    check_text("title", title, optional=True)
    return C
