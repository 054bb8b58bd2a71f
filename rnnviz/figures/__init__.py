"""Figures: arrays and results in, `plotly.graph_objects.Figure` out; nothing is computed here.

    plot_gradient_norms, draw_gradient_norms     ||dL/da<k>|| against k (gradient_norms)
    plot_chain                                   the unrolled chain, animated without a kernel
    plot_clipping_geometry, draw_clipping_geometry   clipping a 2-D gradient (clipping)
    plot_connectivity, draw_connectivity         the connectivity map (connectivity)
    plot_training, plot_success_rates            training runs (training)

`plot_*` makes a figure; `draw_*` fills one in place (a widget's FigureWidget, in one message).
The style (fonts, palette, helpers) is in `figures.style`.
"""

from .chain import plot_chain
from .clipping import draw_clipping_geometry, plot_clipping_geometry
from .connectivity import draw_connectivity, plot_connectivity
from .gradient_norms import draw_gradient_norms, plot_gradient_norms
from .training import plot_success_rates, plot_training

__all__ = [
    "draw_clipping_geometry",
    "draw_connectivity",
    "draw_gradient_norms",
    "plot_chain",
    "plot_clipping_geometry",
    "plot_connectivity",
    "plot_gradient_norms",
    "plot_success_rates",
    "plot_training",
]
