"""The gradient-flow explorer: watch the gradient fade or grow on its way back through time."""

from dataclasses import replace

from .._checks import check_choice, check_float, check_float_pair, check_int_pair
from .._format import fmt
from ..diagnostics import GradientFlow
from ..views import EXPLORER, PRESETS, flow_numbers, gradient_flow
from .live import LiveView, module_source

SPEEDS = (5, 10, 20, 30, 60)  # time steps per second the chain's animation offers

# The sliders' largest settings: one slider step at T = 1000 and n_a = 128 takes about 0.6 s.
MAX_T_SLIDER = 1000
MAX_N_A_SLIDER = 128


class GradientFlowExplorer(LiveView):
    """Watch the gradient shrink or grow as it travels backward through an unrolled RNN.

    Parameters (all keyword-only; each value must be one its control offers)
    ----------
    T : int, sequence length, default 50, in T_range (default (2, 200))
    weight_scale : float, sigma_max(W_aa), default 0.9, in weight_scale_range (default (0.1, 3)),
        in steps of 0.01
    clip_threshold : float or None (off), clipping of the whole gradient by its global norm, one of
        0.001, 0.003, 0.01, ..., 100
    activation : "tanh" (default), "sigmoid", "relu" or "linear"
    n_a : int, hidden size, default 32, in n_a_range (default (2, 64))
    seed : int, default 0, in seed_range (default (0, 20))
    dtype : "float64" (default) or "float32" (overflows sooner)
    speed : steps per second of the chain's animation, one of 5, 10, 20, 30, 60 (default 30)

    The "Move" menu sets every control to one of the instructor card's moves (`views.PRESETS`);
    Reset puts every control back where the explorer started.

    Attributes: `setting` (the controls' values), `result` (what the browser draws), `flow` (the
    `GradientFlow` of the current setting). Move a control from Python with `set(T=100)`.
    """

    _esm = module_source("explorer.js")

    def __init__(
        self, *, T=50, weight_scale=0.9, clip_threshold=None, activation="tanh", n_a=32, seed=0,
        dtype="float64", T_range=(2, 200), weight_scale_range=(0.1, 3.0), n_a_range=(2, 64),
        seed_range=(0, 20), speed=30,
    ):  # fmt: skip
        fast = "the largest setting still computes in under a second"
        ranges = {
            "T": check_int_pair("T_range", T_range, 2, MAX_T_SLIDER, fast),
            "weight_scale": check_float_pair("weight_scale_range", weight_scale_range),
            "n_a": check_int_pair("n_a_range", n_a_range, 1, MAX_N_A_SLIDER, fast),
            "seed": check_int_pair("seed_range", seed_range, 0),
        }
        check_choice("speed", speed, SPEEDS)
        controls = []
        for c in EXPLORER:
            if c.name in ranges:
                lo, hi = ranges[c.name]
                step = 1 if isinstance(lo, int) else 0.01
                values = tuple(_within(c.name, lo, hi, step))
                c = replace(c, values=values, site=None if c.site == () else c.site)
            if c.name == "clip_threshold" and clip_threshold not in c.values:  # one more value
                values = (
                    None,
                    *sorted({*c.values[1:], check_float("clip_threshold", clip_threshold)}),
                )
                c = replace(
                    c,
                    values=values,
                    labels=tuple("off" if v is None else fmt(v, 3) for v in values),
                )
            controls.append(c)
        setting = {"T": T, "weight_scale": weight_scale, "clip_threshold": clip_threshold,
                   "activation": activation, "n_a": n_a, "seed": seed, "dtype": dtype}  # fmt: skip
        self._controls = tuple(controls)
        super().__init__(
            setting,
            heading="Gradient flow through time: the loss sits at the last step T",
            speeds=list(SPEEDS),
            speed=speed,
            presets=[[label, moves] for label, moves in PRESETS],
            defaults={c.name: c.default for c in EXPLORER},
        )

    def compute(self, setting):
        self.flow = gradient_flow(**setting)
        return flow_numbers(self.flow, setting=setting)


def _within(name, lo, hi, step):
    """The values of a slider from lo to hi (ints, or floats in steps of 0.01, as 0.01 rounds)."""
    if step == 1:
        return range(lo, hi + 1)
    n = round((hi - lo) / step)
    if n > 10_000:
        raise ValueError(f"{name}_range == ({lo}, {hi}): at most 10000 steps of {step}")
    return (round(lo + i * step, 3) for i in range(n + 1))


class GradientFlowView(LiveView):
    """One fixed `GradientFlow`, drawn as the explorer draws it, without controls.

    rv.GradientFlowView(rv.explore(params, x, y), title="...", parts=("figure",)): the figure of
    ||dL/da<k>|| against k; parts may also hold "chain" (the unrolled chain, animated) and
    "readouts". clip_threshold: the max_norm the result was computed with (None: none).
    """

    _esm = module_source("explorer.js")

    def __init__(self, result, *, title=None, clip_threshold=None, parts=("figure",), speed=30):
        from ..figures.style import check_flow  # (figures loads plotly: only when needed)

        check_flow(result, clip_threshold, title)
        if not parts or any(p not in ("chain", "figure", "readouts") for p in parts):
            raise ValueError(f"parts == {parts!r}, must name some of 'chain', 'figure', 'readouts'")
        check_choice("speed", speed, SPEEDS)
        if not isinstance(result, GradientFlow):  # check_flow has said so already
            raise TypeError(result)
        heading = "" if "figure" in parts or title is None else title
        super().__init__(
            controls=(), heading=heading, parts=list(parts), speeds=list(SPEEDS), speed=speed,
            result=flow_numbers(result, clip_threshold=clip_threshold, title=title),
        )  # fmt: skip
        self.flow = result
