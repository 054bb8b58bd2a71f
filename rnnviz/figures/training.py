"""Training runs: loss and gradient norm per step, and success rates over seeds."""

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .._checks import check_choice, check_float_pair, check_int, check_real
from .style import (
    COLORS,
    DASHES,
    SERIES,
    SMALL,
    SYMBOLS,
    check_text,
    layout,
    log_ticks,
    positive,
    received,
)


def plot_training(histories, *, title="Training runs", styles=None, loss_range=None,
                  norm_range=None):  # fmt: skip
    """Minibatch loss and gradient norm per training step, one line per run, a ✕ where a run
    diverged. Each step's loss is the loss on that step's minibatch (not on the whole training
    set), as `train` records it, so it jumps from step to step.

    histories : dict label -> history with keys "loss" (per step, NaN allowed), "grad_norm"
        (per step, before clipping), "clipped" (per step: True where the gradient was clipped;
        may be None) and "diverged_at" (the step where the run diverged, or None)
    title : str
    styles : list of (colour name, dash, marker symbol), one per run in order, the colour a key
        of `style.COLORS`; default the course's series
    loss_range, norm_range : (low, high), 0 < low < high, to show only that part of a log axis.
        A run that explodes reaches 1e40 and squashes the steps before it into a flat line;
        values above `high` are drawn as open triangles on the top edge (hover shows them),
        explained in the legend.

    The markers of clipped steps are open; the right panel says "before clipping" only if some
    run was clipped.
    """
    ranges = _check_training(histories, title, styles, loss_range, norm_range)
    clipping = any(np.any(h.get("clipped") if h.get("clipped") is not None else False)
                   for h in histories.values())  # fmt: skip
    norm_title = "Gradient norm before clipping" if clipping else "Gradient norm"
    # each step's loss is on that step's minibatch: the title says so
    titles = ["Minibatch loss", norm_title]
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles, horizontal_spacing=0.1)
    above_scale = False
    for i, (label, h) in enumerate(histories.items()):
        if styles is None:
            color = COLORS[SERIES[i % len(SERIES)]]
            dash, symbol = DASHES[i % len(DASHES)], SYMBOLS[i % len(SYMBOLS)]
        else:
            name, dash, symbol = styles[i % len(styles)]
            color = COLORS[name]
        for col, key in ((1, "loss"), (2, "grad_norm")):
            y = positive(h[key])
            steps = np.arange(len(y))
            high = ranges[col][1] if ranges[col] is not None else np.inf
            fig.add_scatter(
                x=steps, y=y, name=str(label), legendgroup=str(label), showlegend=col == 1,
                mode="lines", line={"color": color, "dash": dash, "width": 3},
                hovertemplate=f"{label}<br>step %{{x}}<br>{key} = %{{y:.3g}}<extra></extra>",
                row=1, col=col,
            )  # fmt: skip
            with np.errstate(invalid="ignore"):
                off = y > high
            if off.any():
                above_scale = True
                fig.add_scatter(
                    x=steps[off], y=np.full(off.sum(), high), mode="markers", cliponaxis=False,
                    legendgroup=str(label), showlegend=False, customdata=y[off],
                    marker={"symbol": "triangle-up-open", "size": 14, "color": color,
                            "line": {"width": 2}},
                    name=f"{label}: above the scale", row=1, col=col,
                    hovertemplate=f"{label}<br>step %{{x}}: %{{customdata:.3g}}, above the "
                    "scale<extra></extra>",
                )  # fmt: skip
            clipped = h.get("clipped")
            if col == 2 and clipped is not None and np.ndim(clipped) == 1 and len(clipped):
                at = np.nonzero(np.asarray(clipped, dtype=bool)[: len(y)])[0]
                fig.add_scatter(
                    x=at, y=np.minimum(y[at], high), name=f"{label}: clipped",
                    legendgroup=str(label), showlegend=False, mode="markers",
                    marker={"symbol": f"{symbol}-open", "size": 10, "color": color,
                            "line": {"width": 2}},
                    hovertemplate=f"{label}<br>step %{{x}}: clipped<extra></extra>", row=1, col=2,
                )  # fmt: skip
            at = h.get("diverged_at")
            if at is not None:
                before = y[: int(at) + 1]
                finite = before[np.isfinite(before)]
                mark = finite[-1] if finite.size else np.nanmax(np.r_[y, 1.0])
                fig.add_scatter(
                    x=[int(at)], y=[min(mark, high)], mode="markers+text", text=["diverged"],
                    textposition="top center" if mark <= high else "bottom left",
                    textfont={"size": SMALL, "color": color},
                    marker={"symbol": "x", "size": 18, "color": color, "line": {"width": 2}},
                    name=f"{label}: diverged at step {int(at)}", legendgroup=str(label),
                    showlegend=False, cliponaxis=False,
                    hovertemplate=f"{label} diverged at step {int(at)}<extra></extra>",
                    row=1, col=col,
                )  # fmt: skip
    if above_scale:  # a legend entry that explains the triangles
        fig.add_scatter(
            x=[None], y=[None], mode="markers", name="above the scale",
            marker={"symbol": "triangle-up-open", "size": 14, "color": "#444",
                    "line": {"width": 2}},
        )  # fmt: skip
    layout(fig, title=title, height=520, legend={"orientation": "h", "y": -0.2, "x": 0})
    fig.update_layout(margin={"b": 150})
    fig.update_annotations(font_size=18)
    fig.update_xaxes(title_text="training step")
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_yaxes(title_text="minibatch loss  (log scale)", row=1, col=1)
    fig.update_yaxes(title_text="||g||  (log scale)", row=1, col=2)
    for col, shown in ranges.items():
        if shown is not None:
            ticks, labels = log_ticks(*shown)
            fig.update_yaxes(
                range=[np.log10(shown[0]), np.log10(shown[1])], tickvals=ticks, ticktext=labels,
                row=1, col=col,
            )  # fmt: skip
    return fig


def plot_success_rates(table, *, setting_name="setting", title="How often training succeeds"):
    """Bars of the mean success rate per setting and label, with one dot per seed.

    table : dict setting -> dict label -> values in [0, 1]: one number, or one per seed
        (rows are settings, e.g. the gap a task asks the network to bridge; columns are labels,
        e.g. "SGD", "SGD + clipping")
    """
    _check_table(table)
    check_text("setting_name", setting_name)
    check_text("title", title)
    settings = list(table)
    labels = list(dict.fromkeys(label for row in table.values() for label in row))
    fig = go.Figure()
    patterns = ["", "/", ".", "x", "\\", "+"]
    for i, label in enumerate(labels):
        color = COLORS[SERIES[i % len(SERIES)]]
        means, xs, ys = [], [], []
        for s in settings:
            v = np.atleast_1d(np.asarray(table[s].get(label, np.nan), dtype=np.float64))
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
    layout(fig, title=title, height=520, barmode="group", scattermode="group")
    fig.update_layout(legend={"orientation": "h", "y": -0.2, "x": 0}, margin={"b": 150})
    fig.update_xaxes(title_text=setting_name, type="category")
    fig.update_yaxes(
        title_text="success rate (dots: one per seed)", range=[0, 1.12], tickformat=".0%"
    )
    return fig


def _per_step(name, values, steps=None):
    """`values` as a 1-D array (of length `steps` if given), or an error naming `name`."""
    v = check_real(name, values)
    if v.ndim != 1 or steps not in (None, len(v)):
        expected = "1-D" if steps is None else f"({steps},), one per step like 'loss'"
        raise ValueError(f"{name} has shape {v.shape}, must be {expected}")
    return v


def _check_training(histories, title, styles, loss_range, norm_range):
    """The ranges of `plot_training` by column, {1: loss_range, 2: norm_range}, once every
    argument is checked; TypeError/ValueError naming the first that is wrong."""
    if not isinstance(histories, Mapping):
        raise TypeError(f"histories must be a dict label -> history, got {received(histories)}")
    if not histories:
        raise ValueError("histories == {}, must hold at least one run")
    for label, h in histories.items():
        name = f"histories[{label!r}]"
        if not isinstance(h, Mapping):
            raise TypeError(f"{name} must be a dict (loss, grad_norm, ...), got {received(h)}")
        for key in ("loss", "grad_norm"):
            if key not in h:
                raise ValueError(f"{name} has no {key!r} (keys: {list(h)})")
        steps = len(_per_step(f"{name}['loss']", h["loss"]))
        _per_step(f"{name}['grad_norm']", h["grad_norm"], steps)
        if h.get("clipped") is not None:
            _per_step(f"{name}['clipped']", h["clipped"], steps)
        if h.get("diverged_at") is not None:
            check_int(f"{name}['diverged_at']", h["diverged_at"], minimum=0, maximum=steps)
    check_text("title", title)
    if styles is not None:
        if not isinstance(styles, list | tuple):
            raise TypeError(f"styles == {received(styles)}, must be a list of triples")
        if not styles:
            raise ValueError("styles == [], must hold at least one (colour, dash, symbol)")
        for i, style in enumerate(styles):
            if not (isinstance(style, list | tuple) and len(style) == 3):
                raise TypeError(f"styles[{i}] == {received(style)}, must be (colour, dash, symbol)")
            check_choice(f"styles[{i}][0]", style[0], tuple(COLORS))
    pairs = [("loss_range", loss_range), ("norm_range", norm_range)]
    return {col: r if r is None else check_float_pair(n, r) for col, (n, r) in enumerate(pairs, 1)}


def _check_table(table):
    """Raise TypeError/ValueError naming the part of `plot_success_rates`'s table that is wrong."""
    if not isinstance(table, Mapping):
        raise TypeError(f"table must be a dict setting -> {{label: values}}, got {received(table)}")
    if not table:
        raise ValueError("table == {}, must hold at least one setting")
    for s, row in table.items():
        if not isinstance(row, Mapping):
            raise TypeError(f"table[{s!r}] must be a dict label -> values, got {received(row)}")
        for label, values in row.items():
            name = f"table[{s!r}][{label!r}]"
            v = check_real(name, values)
            if v.ndim > 1:
                raise ValueError(f"{name} has shape {v.shape}, must be a number or one per seed")
            if np.any((v < 0) | (v > 1)):
                raise ValueError(f"{name} == {np.atleast_1d(v).tolist()}, must be in [0, 1]")
