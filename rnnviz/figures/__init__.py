"""Static figures: arrays and results in, `plotly.graph_objects.Figure` out; nothing is computed.

    plot_connectivity                            a connectivity map (connectivity)
    plot_training, plot_success_rates            training runs (training)

The live views (the explorer, clipping, the heatmap, the gated cells) are drawn in the browser
by rnnviz/widgets/static/*.js. The style (fonts, palette, helpers) is in `figures.style`.
"""

from .connectivity import plot_connectivity
from .training import plot_success_rates, plot_training

__all__ = ["plot_connectivity", "plot_success_rates", "plot_training"]
