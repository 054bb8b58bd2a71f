"""Clipping a 2-D gradient: by value it turns, by norm it only shrinks."""

from ..views import CLIPPING, clip_numbers, clipping_geometry
from .live import LiveView, module_source


class ClippingGeometry(LiveView):
    """A 2-D gradient g drawn as arrows: clipped by value it turns, clipped by norm it only shrinks.

    Parameters: g (two numbers, default (2.4, 0.9), each in -3..3 in steps of 0.1),
    clip_threshold (default 1, in 0.1..3 in steps of 0.05).
    Attributes: `setting`, `result`, `geometry` (the `views.ClipGeometry` of the setting).
    """

    _esm = module_source("clipping.js")
    _controls = CLIPPING

    def __init__(self, *, g=(2.4, 0.9), clip_threshold=1.0):
        if isinstance(g, str) or not hasattr(g, "__len__") or len(g) != 2:
            raise ValueError(f"g == {g!r}, must be two numbers")
        setting = {"g1": _number(g[0]), "g2": _number(g[1]), "clip_threshold": clip_threshold}
        super().__init__(setting, heading="Clipping a gradient: by value or by norm")

    def compute(self, setting):
        self.geometry = clipping_geometry((setting["g1"], setting["g2"]), setting["clip_threshold"])
        return clip_numbers(self.geometry, setting=setting)


def _number(v):
    """A numpy scalar as the float the slider offers (the control's values are floats)."""
    return float(v) if hasattr(v, "dtype") else v
