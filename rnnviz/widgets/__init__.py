"""Live views and the quiz, for JupyterLab, Voila and the website (anywidget, ipywidgets 8).

    GradientFlowExplorer()   the chain, ||dL/da<k>|| against k, and the readouts (explorer)
    GradientFlowView(flow)   one fixed GradientFlow, drawn as the explorer draws it (explorer)
    ClippingGeometry()       a 2-D gradient clipped by value and by norm (clipping)
    ConnectivityHeatmap()    ||d y_hat<t> / d x<k>|| for every pair of steps (heatmap)
    Quiz()                   the self-check quiz (quiz)

Each live view is drawn by one browser module, static/<view>.js (`live.LiveView`): moving a
control sends the setting to the kernel, which computes it with `rnnviz.views` and sends the
numbers back.
"""

from .clipping import ClippingGeometry
from .explorer import GradientFlowExplorer, GradientFlowView
from .heatmap import ConnectivityHeatmap
from .live import LiveView
from .quiz import Quiz

__all__ = [
    "ClippingGeometry",
    "ConnectivityHeatmap",
    "GradientFlowExplorer",
    "GradientFlowView",
    "LiveView",
    "Quiz",
]
