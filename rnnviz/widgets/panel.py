"""The frame every widget of the course shares: a heading, controls, views, readouts.

`Panel` calls `update` whenever a control moves; a subclass computes (`rnnviz.views`) and
redraws its views in place (`rnnviz.figures`). The helpers make the controls and readouts look
the same in every widget, large enough for a projector, in JupyterLab's light and dark themes
and at 150 % browser zoom (static/panel.css): controls wrap, figures sit on light cards that
shrink with the notebook, readouts go beside a figure or below it.
"""

import html as _html
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

STYLE = "<style>" + (Path(__file__).parent / "static" / "panel.css").read_text() + "</style>"
WRAP = {"flex_flow": "row wrap", "align_items": "flex-start"}  # a plot, and readouts beside it
READOUT = {"flex": "1 1 320px", "min_width": "min(320px, 100%)", "margin": "40px 0 0 12px"}
CONTROL = {"width": "460px", "max_width": "100%"}


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


def figure_card(figure):
    """The figure on a framed light card as wide as the figure, or as the notebook if narrower.

    The card scales the figure down to its own width (static/panel.css), so that the figure fits
    the notebook at any zoom; readouts beside it wrap below when both do not fit. The card's
    class names the figure's size, which a style rule of its own turns into CSS properties.
    """
    width, height = figure.layout.width or 700, figure.layout.height or 450  # plotly's defaults
    size = f"rnnviz-figure-{width:g}x{height:g}"
    rule = widgets.HTML(
        f"<style>.{size} {{--rnnviz-figure-width: {width:g}px; "
        f"--rnnviz-figure-height: {height:g}px}}</style>",
        layout={"display": "none"},
    )
    card = widgets.Box([rule, figure])
    card.add_class("rnnviz-figure")
    card.add_class(size)
    return card


def readout_table(rows):
    """The readouts {name: text} as HTML: each name in bold above its value."""
    body = "".join(
        f'<div class="rnnviz-name">{_html.escape(k)}</div>'
        f'<div class="rnnviz-value">{_html.escape(v)}</div>'
        for k, v in rows.items()
    )
    return f'<div class="rnnviz-readout">{body}</div>'


def int_slider(label, value, lo, hi):
    return widgets.IntSlider(value, min=lo, max=hi, description=label, layout=CONTROL)


def float_slider(label, value, lo, hi, step):
    return widgets.FloatSlider(
        value, min=lo, max=hi, step=step, description=label, readout_format=".2f", layout=CONTROL,
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
            layout={"grid_template_columns": "repeat(auto-fill, minmax(min(470px, 100%), 1fr))"},
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
