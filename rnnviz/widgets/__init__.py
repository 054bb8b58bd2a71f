"""Widgets: controls wired to compute-then-draw functions, for JupyterLab (ipywidgets 8).

    GradientFlowExplorer()   the chain, ||dL/da<k>|| against k, and the readouts (explorer)
    ClippingGeometry()       a 2-D gradient clipped by value and by norm (clipping)
    ConnectivityHeatmap()    ||d y_hat<t> / d x<k>|| for every pair of steps (heatmap)
    Quiz()                   the self-check quiz (quiz)
    GradientChain            the animated chain on its own (chain); Panel, the frame they share

Moving a control runs one computation of `rnnviz.views` and redraws the figures in place with
the `draw_*` functions of `rnnviz.figures`.
"""

from .chain import GradientChain
from .clipping import ClippingGeometry
from .explorer import GradientFlowExplorer
from .heatmap import ConnectivityHeatmap
from .panel import Panel
from .quiz import Quiz

__all__ = [
    "ClippingGeometry",
    "ConnectivityHeatmap",
    "GradientChain",
    "GradientFlowExplorer",
    "Panel",
    "Quiz",
]
