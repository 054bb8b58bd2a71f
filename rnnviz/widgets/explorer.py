"""The gradient-flow explorer: watch the gradient fade or grow on its way back through time."""

import ipywidgets as widgets

from .._checks import (
    check_choice,
    check_float,
    check_float_pair,
    check_int,
    check_int_pair,
    check_range,
)
from .._format import fmt
from ..activations import ACTIVATIONS
from ..cells import DTYPES
from ..figures import draw_gradient_norms, plot_gradient_norms
from ..views import chain_data, gradient_flow, readouts
from .chain import SPEEDS, GradientChain
from .panel import (
    CONTROL,
    READOUT,
    WRAP,
    FigureWidget,
    Panel,
    figure_card,
    float_slider,
    int_slider,
    readout_table,
    toggles,
)

CLIP_THRESHOLDS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)

# The sliders' largest settings: one slider step at T = 1000 and n_a = 128 takes about 0.6 s.
MAX_T_SLIDER = 1000
MAX_N_A_SLIDER = 128


class GradientFlowExplorer(Panel):
    """Watch the gradient shrink or grow as it travels backward through an unrolled RNN.

    Parameters (all keyword-only; each value must lie in its range)
    ----------
    T : int, sequence length, default 50, in T_range (default (2, 200))
    weight_scale : float, sigma_max(W_aa), default 0.9, in weight_scale_range (default (0.1, 3))
    clip_threshold : float or None (off), clipping of the whole gradient by its global norm
    activation : "tanh" (default), "sigmoid", "relu" or "linear"
    n_a : int, hidden size, default 32, in n_a_range (default (2, 64))
    seed : int, default 0, in seed_range (default (0, 20))
    dtype : "float64" (default) or "float32" (overflows sooner)
    weight_scale_step : float, the slider's step, default 0.01
    speed : steps per second of the animation, one of 20, 30, 60 (default 30)

    Attributes: `controls` (name -> widget), `figure` (FigureWidget), `chain` (GradientChain),
    `readout` (HTML), `result` (the dict of `gradient_flow` for the current setting).
    """

    def __init__(
        self, *, T=50, weight_scale=0.9, clip_threshold=None, activation="tanh", n_a=32, seed=0,
        dtype="float64", T_range=(2, 200), weight_scale_range=(0.1, 3.0), weight_scale_step=0.01,
        n_a_range=(2, 64), seed_range=(0, 20), speed=30,
    ):  # fmt: skip
        super().__init__()
        fast = "the largest setting still computes in under a second"
        T_lo, T_hi = check_int_pair("T_range", T_range, 2, MAX_T_SLIDER, fast)
        s_lo, s_hi = check_float_pair("weight_scale_range", weight_scale_range)
        n_lo, n_hi = check_int_pair("n_a_range", n_a_range, 1, MAX_N_A_SLIDER, fast)
        seed_lo, seed_hi = check_int_pair("seed_range", seed_range, 0)
        step = check_float("weight_scale_step", weight_scale_step, maximum=s_hi - s_lo)
        check_choice("activation", activation, tuple(ACTIVATIONS))
        check_choice("dtype", dtype, tuple(DTYPES))
        check_choice("speed", speed, SPEEDS)
        thresholds = CLIP_THRESHOLDS
        if clip_threshold is not None:
            clip_threshold = check_float("clip_threshold", clip_threshold)
            thresholds = tuple(sorted(set(thresholds) | {clip_threshold}))
        controls = {
            "T": int_slider("sequence length T", check_range("T", check_int("T", T), T_lo, T_hi),
                             T_lo, T_hi),
            "weight_scale": float_slider(
                "σ_max(W_aa)",
                check_range("weight_scale", check_float("weight_scale", weight_scale), s_lo, s_hi),
                s_lo, s_hi, step,
            ),
            "clip_threshold": widgets.SelectionSlider(
                options=[("off", 0.0)] + [(fmt(c, 3), c) for c in thresholds],
                value=clip_threshold or 0.0, description="clip threshold c",
                layout=CONTROL,
            ),
            "activation": toggles("activation g", list(ACTIVATIONS), activation),
            "n_a": int_slider("hidden size n_a", check_range("n_a", check_int("n_a", n_a), n_lo,
                               n_hi), n_lo, n_hi),
            "dtype": toggles("precision", list(DTYPES), dtype),
            "seed": int_slider("seed", check_range("seed", check_int("seed", seed, minimum=0),
                                seed_lo, seed_hi), seed_lo, seed_hi),
        }  # fmt: skip
        s = self._setting(controls)
        self.result = r = gradient_flow(**s)
        c = s["clip_threshold"]
        # the chain first: its front end loads in a moment, the figure's (plotly.js) takes longer
        self.chain = GradientChain(chain=chain_data(r, clip_threshold=c), speed=speed)
        self.figure = FigureWidget(plot_gradient_norms(r, clip_threshold=c, title=_title(s)))
        self.readout = widgets.HTML(readout_table(readouts(r, clip_threshold=c)), layout=READOUT)
        views = [self.chain, widgets.HBox([figure_card(self.figure), self.readout], layout=WRAP)]
        self._assemble("Gradient flow through time: the loss sits at the last step T", controls,
                       views)  # fmt: skip

    @staticmethod
    def _setting(controls):
        s = {name: c.value for name, c in controls.items()}
        s["clip_threshold"] = s["clip_threshold"] or None
        return s

    @property
    def settings(self):
        """The current setting, as keyword arguments of `gradient_flow`."""
        return self._setting(self.controls)

    def update(self, change=None):
        """Recompute for the controls' values and redraw every view."""
        s = self.settings
        self.result = r = gradient_flow(**s)
        # the chain first: its redraw is cheap and would otherwise wait behind the plot's
        self.chain.chain = chain_data(r, clip_threshold=s["clip_threshold"])
        with self.figure.batch_update():
            draw_gradient_norms(self.figure, r, clip_threshold=s["clip_threshold"], title=_title(s))
        self.readout.value = readout_table(readouts(r, clip_threshold=s["clip_threshold"]))


def _title(s):
    """The explorer's figure title: the whole setting."""
    title = (
        f"{s['activation']}, T = {s['T']}, σ_max(W_aa) = {s['weight_scale']:.2f}, "
        f"n_a = {s['n_a']}, seed {s['seed']}, {s['dtype']}"
    )
    if s["clip_threshold"] is not None:
        title += f", clip c = {fmt(s['clip_threshold'])}"
    return title
