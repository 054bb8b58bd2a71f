"""What each live view of the course computes for one setting, and the settings it offers.

A live view is drawn by one browser module (`rnnviz/widgets/static/<view>.js`) in JupyterLab,
Voila and on the website; here are the numbers it draws and its controls, declared once for the
widget, the website's data and the page. Nothing here imports plotly or ipywidgets.

    gradient_flow(T, weight_scale, ...)    the explorer's `GradientFlow` for one setting
    clipping_geometry(g, clip_threshold)   a 2-D gradient clipped by value and by norm
    connectivity_map(weight_scale, T, ...) the heatmap's ||d y_hat<t> / d x<k>||
    EXPLORER, CLIPPING, HEATMAP, CELLS     each view's controls (`Control`): values, default, and
                                           the website's grid
    spec(controls, ...), *_numbers(...)    what the browser module receives
"""

from dataclasses import dataclass

import numpy as np

from ._checks import MAX_T, MAX_UNITS, check_choice, check_float, check_int, check_real
from .activations import ACTIVATIONS
from .cells import DTYPES, init_params
from .clipping import clip_by_global_norm, clip_by_value
from .diagnostics import explore
from .influence import connectivity

N_X, N_Y = 4, 2  # the views' network: 4 inputs per step, 2 classes at the last step


def sequence(T, *, seed=0, n_x=N_X):
    """Seeded random inputs x of shape (T, n_x), N(0, 1).

    The first steps do not depend on T: x for T = 50 is the start of x for T = 51.
    """
    rng = np.random.default_rng((seed, 1))  # a stream apart from the one init_params uses
    return rng.standard_normal((T, n_x))


def gradient_flow(
    *, T=50, weight_scale=0.9, clip_threshold=None, activation="tanh", n_a=32, seed=0,
    dtype="float64",
):  # fmt: skip
    """Everything the explorer shows for one setting: `diagnostics.explore` on a seeded sequence.

    W_aa = weight_scale * Q with Q orthogonal, so sigma_max(W_aa) = weight_scale; the loss is the
    cross-entropy at the last step against the class the network rates least likely there
    (`explore` with y=None: with a label it already predicts confidently, the softmax saturates
    and dL/da<T> is almost 0, which hides what happens between the steps); clip_threshold
    (None: off) clips the whole parameter gradient by its global norm. Returns the
    `GradientFlow` of `explore`.
    """
    T = check_int("T", T, minimum=2, maximum=MAX_T, what="time steps")
    n_a = check_int("n_a", n_a, maximum=MAX_UNITS, what="units")
    seed = check_int("seed", seed, minimum=0)
    weight_scale = check_float("weight_scale", weight_scale)
    check_choice("activation", activation, tuple(ACTIVATIONS))
    check_choice("dtype", dtype, tuple(DTYPES))
    if clip_threshold is not None:
        clip_threshold = check_float("clip_threshold", clip_threshold)
    params = init_params(N_X, n_a, N_Y, weight_scale=weight_scale, seed=seed, dtype=dtype)
    x = sequence(T, seed=seed).astype(dtype)
    return explore(params, x, None, activation=activation, max_norm=clip_threshold, sigma_points=20)


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
    g = np.asarray(check_real("g", g), dtype=np.float64)
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


# --- the controls of each live view, declared once -------------------------------------------


@dataclass(frozen=True)
class Control:
    """One control of a live view: the values it offers (a slider over them, or a choice among
    them), its default, and the website's grid (`site`: the values the page has numbers for;
    None: the same values; () : fixed at the default on the website)."""

    name: str
    label: str
    values: tuple
    default: object
    kind: str = "slider"  # or "choice"
    digits: int | None = None  # shown with this many decimals
    labels: tuple | None = None  # shown as these words instead
    site: tuple | None = None
    more: bool = False  # folded under "More controls": no move of the class needs it

    def on_site(self):
        return self.values if self.site is None else self.site

    def spec(self, values=None):
        values = self.values if values is None else values
        out = {"name": self.name, "label": self.label, "kind": self.kind, "values": list(values)}
        if self.digits is not None:
            out["digits"] = self.digits
        if self.labels is not None:
            shown = dict(zip(self.values, self.labels, strict=True))
            out["labels"] = [shown[v] for v in values]
        if self.more:
            out["more"] = True
        return out


def _steps(lo, hi, step):
    """lo, lo + step, ..., hi, rounded to the step's decimals (0.11, not 0.11000000000000001)."""
    n = round((hi - lo) / step)
    digits = max(0, -int(np.floor(np.log10(step))) + 1)
    return tuple(round(lo + i * step, digits) for i in range(n + 1))


CLIP_THRESHOLDS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)

# The gradient-flow explorer. Its website grid: T over 2..200 (every step up to 20, then every 2,
# 5 and 10), sigma_max(W_aa) in steps of 0.05; n_a, seed and dtype fixed at their defaults.
EXPLORER = (
    Control("T", "length T", tuple(range(2, 201)), 50,
            site=(*range(2, 21), *range(22, 41, 2), *range(45, 101, 5), *range(110, 201, 10))),
    Control("weight_scale", "σ_max(W_aa)", _steps(0.1, 3.0, 0.01), 0.9, digits=2,
            site=_steps(0.1, 3.0, 0.05)),
    Control("clip_threshold", "clipping c", (None, *CLIP_THRESHOLDS), None,
            labels=("off", *(f"{c:.3g}" for c in CLIP_THRESHOLDS))),  # as fmt(c, 3)
    Control("activation", "activation g", tuple(ACTIVATIONS), "tanh", kind="choice"),
    Control("n_a", "hidden size n_a", tuple(range(2, 65)), 32, site=(), more=True),
    Control("dtype", "precision", tuple(DTYPES), "float64", kind="choice", site=()),
    Control("seed", "seed", tuple(range(0, 21)), 0, site=(), more=True),
)  # fmt: skip

# The instructor card's moves (docs/instructor-card.md), as the explorer's "Move" menu: each sets
# every control, from the defaults. ★: the six essential moves of the 10 minutes the plan gives.
PRESETS = (
    ("1 ★ vanishing: tanh, σ = 0.9, T = 50", {}),
    ("2 longer: T = 150", {"T": 150}),
    ("3 ★ a flat line: linear, σ = 1", {"activation": "linear", "weight_scale": 1.0}),
    ("4 ★ linear, σ = 1.05", {"activation": "linear", "weight_scale": 1.05}),
    ("5 ★ linear, σ = 1.05, T = 150", {"activation": "linear", "weight_scale": 1.05, "T": 150}),
    ("6 linear, σ = 0.95", {"activation": "linear", "weight_scale": 0.95}),
    ("7 sigmoid, σ = 1", {"activation": "sigmoid", "weight_scale": 1.0}),
    ("8 ★ float32 overflows: linear, σ = 2, T = 200",
     {"activation": "linear", "weight_scale": 2.0, "T": 200, "dtype": "float32"}),
    ("9 float64: linear, σ = 2, T = 200",
     {"activation": "linear", "weight_scale": 2.0, "T": 200, "dtype": "float64"}),
    ("10 ★ clipping: c = 0.01", {"clip_threshold": 0.01}),
)  # fmt: skip

# Clipping a 2-D gradient; the website: g in steps of 0.2, c in steps of 0.2 and 0.1.
CLIPPING = (
    Control("g1", "g₁", _steps(-3.0, 3.0, 0.1), 2.4, digits=2, site=_steps(-3.0, 3.0, 0.2)),
    Control("g2", "g₂", _steps(-3.0, 3.0, 0.1), 0.9, digits=2, site=_steps(-3.0, 3.0, 0.2)),
    Control("clip_threshold", "clipping c", _steps(0.1, 3.0, 0.05), 1.0, digits=2,
            site=(0.1, *_steps(0.2, 3.0, 0.2))),
)  # fmt: skip

# The connectivity heatmap; the website: a smaller grid (a map holds T(T+1)/2 numbers).
HEATMAP = (
    Control("weight_scale", "σ_max(W_aa)", _steps(0.1, 3.0, 0.05), 0.9, digits=2,
            site=(0.1, 0.3, 0.5, 0.7, 0.9, 1.0, 1.1, 1.3, 1.5, 1.7, 1.9, 2.0, 2.1, 2.3, 2.5,
                  2.7, 2.9, 3.0)),
    Control("T", "length T", tuple(range(2, 101)), 30,
            site=(5, 10, 15, 20, 25, 30, 40, 50)),
    Control("activation", "activation g", tuple(ACTIVATIONS), "tanh", kind="choice"),
)  # fmt: skip

# The gated cells' explorer (notebook 06): T over 5..200, both gate biases over -5..5 by 0.5.
CELLS = (
    Control("T", "length T", tuple(range(5, 201)), 43,
            site=(5, 10, 20, 30, 43, 60, 80, 100, 120, 150, 175, 200)),
    Control("update_bias", "GRU bias b_u", _steps(-5.0, 5.0, 0.5), 0.0, digits=2),
    Control("forget_bias", "LSTM bias b_f", _steps(-5.0, 5.0, 0.5), 1.0, digits=2),
    Control("show", "show", ("all three", "RNN", "GRU", "LSTM"), "all three", kind="choice"),
)  # fmt: skip


def spec(controls, *, heading="", site=False, **extra):
    """What a view's browser module is told of its controls: their labels and values (on the
    website, its grid; controls fixed there are left out) and anything `extra`."""
    shown = [c.spec(c.on_site()) if site else c.spec() for c in controls]
    shown = [s for s in shown if s["values"]] if site else shown
    return {"heading": heading, "controls": shown, **extra}


# --- the numbers a view's module draws ----------------------------------------------------------


def f64(value):
    """float64 numbers as little-endian bytes: the browser reads them as a Float64Array, inf and
    NaN included (JSON has neither)."""
    return np.ascontiguousarray(value, dtype="<f8").tobytes()


def flow_numbers(r, *, setting=None, clip_threshold=None, title=None):
    """What explorer.js draws of a `GradientFlow`: its arrays and numbers, the setting (or, for a
    fixed result, a title and the clip threshold it was computed with)."""
    arrays = ("grad_norm", "grad_norm_clipped", "bound", "sigma_k", "sigma", "sigma_max",
              "gamma", "spectral_radius", "ratio", "total_norm", "clip_factor", "loss")  # fmt: skip
    return {
        **{name: f64(getattr(r, name)) for name in arrays},
        "regime": r.regime,
        "activation": r.activation,
        "first_nonfinite": r.first_nonfinite,
        "nonfinite": r.nonfinite,
        "setting": setting,
        "clip_threshold": clip_threshold if setting is None else setting["clip_threshold"],
        "title": title,
    }


def clip_numbers(r, *, setting=None):
    """What clipping.js draws of a `ClipGeometry`."""
    return {name: f64(value) for name, value in vars(r).items()} | {"setting": setting}


def connectivity_numbers(C, *, setting=None):
    """What heatmap.js draws: the (T, T) map C, row by row."""
    return {"C": f64(C), "setting": setting}
