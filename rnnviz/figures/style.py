"""The course's figure style, and the small helpers every figure module shares.

Every figure is made for a classroom projector: fonts of at least 16 px, labelled axes ("log
scale" where the axis is logarithmic), the Okabe-Ito colour-blind-safe palette, and every line
told apart by its dash and marker as well as by its colour.

The checks every figure starts with are here too (`check_flow`, `check_result`, `check_text`):
a wrong input stops with an error that names the argument, before anything is drawn.
"""

import re

import numpy as np

from .._checks import check_float, check_real
from .._format import power_of_ten
from ..diagnostics import GradientFlow

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

# Text drawn on the figure's white background in a series colour: the Okabe-Ito orange is 2.2:1
# against white, too faint for a label read from the back of the room; this darker shade of the
# same hue is 4.9:1. Lines keep the palette's colour.
TEXT_COLORS = {**COLORS, "orange": "#996600"}

SERIES = ["blue", "vermillion", "green", "orange", "purple", "sky", "black"]

DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]

SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "star"]

FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 18, "color": "#222"}

SMALL = 16  # tick labels, legends and hover boxes: the smallest text on any figure


def html(text):
    """Escape the lecture's angle brackets for plotly's pseudo-HTML: a<t> -> a&lt;t&gt;."""
    return re.sub(r"<(k|t|T|1|j|t-1|k\+1)>", r"&lt;\1&gt;", text)


def layout(fig, *, title, height=560, **kwargs):
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


def positive(values):
    """Values for a log axis: inf, NaN and 0 become NaN (drawn as gaps, flagged elsewhere)."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(v) & (v > 0), v, np.nan)


def put(obj, **props):
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


def set_xy(trace, x, y):
    """Give a trace its points; one with nothing to draw (all NaN) gets none."""
    if not np.isfinite(y).any():
        x, y = x[:0], y[:0]
    put(trace, x=x, y=y)


def log_ticks(bottom, top, most=8):
    """Tick positions and plain-text labels for a log axis from `bottom` to `top`.

    Over at most three decades: 1-2-5 steps (0.2, 0.5, 1, 2, ...), labelled as numbers. Over more:
    powers of ten, every one or every few, at most `most` of them, labelled 10³, 10⁻¹². (Plain
    text: plotly's own superscripts cost more per redraw than the rest of a figure.)
    """
    lo, hi = int(np.floor(np.log10(bottom))), int(np.ceil(np.log10(top)))
    if hi - lo <= 3:
        ticks = [m * 10.0**e for e in range(lo, hi + 1) for m in (1, 2, 5)]
        ticks = [float(f"{t:.3g}") for t in ticks if bottom <= t * (1 + 1e-9) <= top * (1 + 2e-9)]
        return np.array(ticks), [f"{t:g}" for t in ticks]
    step = next(s for s in (1, 2, 3, 4, 5, 10, 20, 25, 50, 100, 200) if (hi - lo) / s <= most)
    k = np.arange(-(-lo // step) * step, hi + 1, step)  # multiples of step: 1 is a tick
    return 10.0**k, [power_of_ten(int(e)) for e in k]


# --- input checks ------------------------------------------------------------------------------


def received(value):
    """A value as short text for an error message: an array by its shape, a long repr by type."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    text = repr(value)
    return text if len(text) <= 60 else f"a {type(value).__name__}"


def check_text(name, value, *, optional=False):
    """Return `value` if it is a string (or None when `optional`), else TypeError naming `name`."""
    if not (isinstance(value, str) or (optional and value is None)):
        expected = "a string or None" if optional else "a string"
        raise TypeError(f"{name} == {received(value)}, must be {expected}")
    return value


def check_result(name, value, cls, source):
    """Return `value` if it is a `cls`, as `source` returns; else TypeError naming `name`."""
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a {cls.__name__} from {source}, got {received(value)}")
    return value


def check_flow(result, clip_threshold=None, title=None):
    """Check the arguments of a figure of one `GradientFlow`; raise TypeError/ValueError naming one.

    `result`'s per-step arrays must share one shape (T,), T >= 1 (`sigma` that of `sigma_k`);
    their values may be inf or NaN, which the figures show. clip_threshold is None or > 0.
    """
    check_result("result", result, GradientFlow, "rv.gradient_flow(...) or rv.explore(...)")
    fields = ["k", "grad_norm", "grad_norm_clipped", "bound", "sigma_k", "sigma"]
    shapes = {f: check_real(f"result.{f}", getattr(result, f)).shape for f in fields}
    for field, shape in shapes.items():
        like = {"k": None, "sigma_k": None, "sigma": "sigma_k"}.get(field, "k")  # same shape as
        if len(shape) != 1 or not shape[0] or (like and shape != shapes[like]):
            expected = f"{shapes[like]}, like result.{like}" if like else "1-D and not empty"
            raise ValueError(f"result.{field} has shape {shape}, must be {expected}")
    if clip_threshold is not None:
        check_float("clip_threshold", clip_threshold)
    check_text("title", title, optional=True)
