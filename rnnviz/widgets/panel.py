"""The frame every widget of the course shares: a heading, controls, views, readouts.

`Panel` calls `update` whenever a control moves; a subclass computes (`rnnviz.views`) and
redraws its views in place (`rnnviz.figures`). The helpers make the controls and readouts look
the same in every widget, large enough for a projector (static/panel.css).
"""

import html as _html
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

STYLE = "<style>" + (Path(__file__).parent / "static" / "panel.css").read_text() + "</style>"
WRAP = {"flex_flow": "row wrap", "align_items": "flex-start"}  # a plot, and readouts beside it
READOUT = {"flex": "1 1 320px", "min_width": "320px", "margin": "40px 0 0 12px"}


class FigureWidget(go.FigureWidget):
    """plotly's FigureWidget, robust to arrays the browser reports back as changed.

    After a redraw the browser sends the trace's computed defaults back to the kernel, and now
    and then a numpy array property among them as an object {"0": v0, "1": v1, ...}. plotly
    7.1 then tests `if not array` and raises ValueError in the kernel (its
    `_remove_overlapping_props`). The value the kernel holds is the one drawn, so such
    reports are dropped before plotly merges the rest.
    """

    @staticmethod
    def _remove_overlapping_props(input_data, delta_data, prop_path=()):
        _drop_array_reports(input_data, delta_data)
        return go.FigureWidget._remove_overlapping_props(input_data, delta_data, prop_path)


def _drop_array_reports(held, reported):
    if isinstance(held, dict) and isinstance(reported, dict):
        for key in list(reported):
            if isinstance(held.get(key), np.ndarray) and isinstance(reported[key], dict):
                del reported[key]
            elif key in held:
                _drop_array_reports(held[key], reported[key])


def fixed_width(figure):
    """The figure in a box as wide as the figure, so that the readouts fit beside it."""
    return widgets.Box([figure], layout={"width": f"{figure.layout.width + 10}px"})


def readout_table(rows):
    """The readouts {name: text} as HTML: each name in bold above its value."""
    body = "".join(
        f'<div class="rnnviz-name">{_html.escape(k)}</div>'
        f'<div class="rnnviz-value">{_html.escape(v)}</div>'
        for k, v in rows.items()
    )
    return f'<div class="rnnviz-readout">{body}</div>'


def int_slider(label, value, lo, hi):
    return widgets.IntSlider(value, min=lo, max=hi, description=label, layout={"width": "460px"})


def float_slider(label, value, lo, hi, step):
    return widgets.FloatSlider(
        value, min=lo, max=hi, step=step, description=label, readout_format=".2f",
        layout={"width": "460px"},
    )  # fmt: skip


def toggles(label, options, value):
    return widgets.ToggleButtons(
        options=options, value=value, description=label, style={"button_width": "100px"}
    )


class Panel(widgets.VBox):
    """A heading, a grid of controls and the views; every control change calls `update`.

    The views are complete when made: a view may be drawn in the browser before any update
    that follows its creation arrives.
    """

    def _assemble(self, heading, controls, views):
        self.controls = controls
        grid = widgets.GridBox(
            list(controls.values()),
            layout={"grid_template_columns": "repeat(auto-fill, minmax(470px, 1fr))"},
        )
        header = widgets.HTML(f"{STYLE}<h3>{_html.escape(heading)}</h3>")
        self.children = [header, grid, *views]
        self.add_class("rnnviz")
        for control in controls.values():
            control.observe(self.update, names="value")

    @property
    def settings(self):
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}
