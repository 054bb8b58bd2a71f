"""Clipping a 2-D gradient: by value it turns, by norm it only shrinks."""

import ipywidgets as widgets
import numpy as np

from .._checks import check_float, check_range
from ..figures import draw_clipping_geometry, plot_clipping_geometry
from ..views import clipping_geometry, clipping_readouts
from .panel import READOUT, WRAP, FigureWidget, Panel, figure_card, float_slider, readout_table

LIMIT = 3.4  # half-width of the view


class ClippingGeometry(Panel):
    """A 2-D gradient g drawn as arrows: clipped by value it turns, clipped by norm it only shrinks.

    Parameters: g (two numbers, default (2.4, 0.9), each in -3..3), clip_threshold (default 1,
    in 0.1..3).
    """

    def __init__(self, *, g=(2.4, 0.9), clip_threshold=1.0):
        super().__init__()
        if not isinstance(g, tuple | list | np.ndarray) or len(g) != 2:
            raise ValueError(f"g == {g!r}, must be two numbers")
        g1, g2 = (check_range("g", check_float("g", v, positive=False), -3, 3) for v in g)
        c = check_range("clip_threshold", check_float("clip_threshold", clip_threshold), 0.1, 3)
        controls = {
            "g1": float_slider("g₁", g1, -3.0, 3.0, 0.1),
            "g2": float_slider("g₂", g2, -3.0, 3.0, 0.1),
            "clip_threshold": float_slider("clip threshold c", c, 0.1, 3.0, 0.05),
        }
        self.result = clipping_geometry((g1, g2), c)
        self.figure = FigureWidget(plot_clipping_geometry(self.result, limit=LIMIT))
        self.readout = widgets.HTML(readout_table(clipping_readouts(self.result)), layout=READOUT)
        views = [widgets.HBox([figure_card(self.figure), self.readout], layout=WRAP)]
        self._assemble("Clipping a gradient: by value or by norm", controls, views)

    def update(self, change=None):
        s = self.settings
        self.result = r = clipping_geometry((s["g1"], s["g2"]), s["clip_threshold"])
        with self.figure.batch_update():
            draw_clipping_geometry(self.figure, r, limit=LIMIT)
        self.readout.value = readout_table(clipping_readouts(r))
