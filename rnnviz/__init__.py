"""rnnviz: see vanishing and exploding gradients in recurrent neural networks.

Notation (as in the lecture)
----------------------------
x<t>      input at step t, shape (n_x,)            T    sequence length
a<t>      hidden state ("activation"), (n_a,)      m    number of sequences in a batch
a0        the initial state a<0>                   n_x  input size
y_hat<t>  the prediction at step t, (n_y,)         n_a  hidden size
W_aa (n_a, n_a), W_ax (n_a, n_x), b_a (n_a,)       n_y  number of classes
W_ya (n_y, n_a), b_y (n_y,)                         g    the activation ("tanh", ...)

    a<t>     = g(W_aa a<t-1> + W_ax x<t> + b_a)
    y_hat<t> = softmax(W_ya a<t> + b_y)

A weight's shape is (to, from). Arrays of a single sequence have shape (T, ...); a batch of m
sequences adds an axis: (T, m, ...).

The engine (everything above) imports with numpy alone. The views load when first used:
`rv.GradientFlowExplorer`, `rv.GradientFlowView`, `rv.figures`, `rv.widgets`, ...
"""

import importlib

from . import experiments, training
from .activations import ACTIVATIONS, get_activation, sigmoid
from .budget import BudgetError, get_budget, set_budget
from .cells import backward, forward, init_params
from .clipping import clip_by_array_norm, clip_by_global_norm, clip_by_value, global_norm
from .diagnostics import (
    GradientFlow,
    bound,
    explore,
    gradient_norms,
    jacobian_norms,
    jacobian_products,
    regime,
    saturation,
    sigma_max,
    spectral_radius,
)
from .exercises import (
    check_answer,
    check_backward_step,
    check_clip,
    check_gru_step,
    check_nonnormal,
    finite_difference_check,
    show_solution,
)
from .gated import gru_backward, gru_forward, init_lstm, lstm_backward, lstm_forward
from .influence import connectivity
from .output import loss_and_grads, predict, softmax
from .rnn import random_orthogonal, rnn_backward, rnn_forward
from .tasks import AGREEMENT_CLASSES, AGREEMENT_VOCAB, adding, agreement, sentences
from .training import accuracy, train
from .views import clipping_geometry, connectivity_map, gradient_flow

# name -> the module that defines it, imported on first use (PEP 562): plotly and ipywidgets
# cost more to import than the whole engine.
_LAZY = {
    "figures": "rnnviz.figures",
    "widgets": "rnnviz.widgets",
    "lessons": "rnnviz.lessons",
    "plot_connectivity": "rnnviz.figures",
    "plot_success_rates": "rnnviz.figures",
    "plot_training": "rnnviz.figures",
    "ClippingGeometry": "rnnviz.widgets",
    "ConnectivityHeatmap": "rnnviz.widgets",
    "GradientFlowExplorer": "rnnviz.widgets",
    "GradientFlowView": "rnnviz.widgets",
    "Quiz": "rnnviz.widgets",
}


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError(f"module 'rnnviz' has no attribute {name!r}")
    module = importlib.import_module(_LAZY[name])
    value = module if module.__name__ == f"rnnviz.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "ACTIVATIONS",
    "AGREEMENT_CLASSES",
    "AGREEMENT_VOCAB",
    "BudgetError",
    "ClippingGeometry",
    "ConnectivityHeatmap",
    "GradientFlow",
    "GradientFlowExplorer",
    "GradientFlowView",
    "Quiz",
    "accuracy",
    "adding",
    "agreement",
    "backward",
    "bound",
    "check_answer",
    "check_backward_step",
    "check_clip",
    "check_gru_step",
    "check_nonnormal",
    "clip_by_array_norm",
    "clip_by_global_norm",
    "clip_by_value",
    "clipping_geometry",
    "connectivity",
    "connectivity_map",
    "experiments",
    "explore",
    "figures",
    "finite_difference_check",
    "forward",
    "get_activation",
    "get_budget",
    "global_norm",
    "gradient_flow",
    "gradient_norms",
    "gru_backward",
    "gru_forward",
    "init_lstm",
    "init_params",
    "jacobian_norms",
    "jacobian_products",
    "lessons",
    "loss_and_grads",
    "lstm_backward",
    "lstm_forward",
    "plot_connectivity",
    "plot_success_rates",
    "plot_training",
    "predict",
    "random_orthogonal",
    "regime",
    "rnn_backward",
    "rnn_forward",
    "saturation",
    "set_budget",
    "sentences",
    "show_solution",
    "sigma_max",
    "sigmoid",
    "softmax",
    "spectral_radius",
    "train",
    "training",
    "widgets",
]
