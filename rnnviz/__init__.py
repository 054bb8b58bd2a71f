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
"""

from threadpoolctl import threadpool_limits

from . import training
from .activations import ACTIVATIONS, get_activation, sigmoid
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
from .plots import (
    plot_chain,
    plot_clipping_geometry,
    plot_connectivity,
    plot_gradient_norms,
    plot_success_rates,
    plot_training,
)
from .quiz import Quiz
from .rnn import random_orthogonal, rnn_backward, rnn_forward
from .tasks import AGREEMENT_CLASSES, AGREEMENT_VOCAB, adding, agreement, sentences
from .training import accuracy, train
from .widgets import ClippingGeometry, ConnectivityHeatmap, GradientFlowExplorer

__all__ = [
    "ClippingGeometry",
    "ConnectivityHeatmap",
    "GradientFlowExplorer",
    "plot_chain",
    "plot_clipping_geometry",
    "plot_connectivity",
    "plot_gradient_norms",
    "plot_success_rates",
    "plot_training",
    "ACTIVATIONS",
    "AGREEMENT_CLASSES",
    "AGREEMENT_VOCAB",
    "Quiz",
    "accuracy",
    "check_answer",
    "check_backward_step",
    "check_clip",
    "check_gru_step",
    "check_nonnormal",
    "finite_difference_check",
    "show_solution",
    "adding",
    "agreement",
    "sentences",
    "train",
    "training",
    "backward",
    "bound",
    "clip_by_array_norm",
    "clip_by_global_norm",
    "clip_by_value",
    "connectivity",
    "GradientFlow",
    "explore",
    "global_norm",
    "gru_backward",
    "gru_forward",
    "init_lstm",
    "lstm_backward",
    "lstm_forward",
    "gradient_norms",
    "jacobian_norms",
    "jacobian_products",
    "regime",
    "saturation",
    "sigma_max",
    "spectral_radius",
    "forward",
    "get_activation",
    "init_params",
    "loss_and_grads",
    "predict",
    "random_orthogonal",
    "rnn_backward",
    "rnn_forward",
    "sigmoid",
    "softmax",
]

# Every matrix here is small (tens of rows), where BLAS threads only add overhead; on a busy
# machine they make each product several times slower (measured: 7 vs 60 ms per training step).
threadpool_limits(1, user_api="blas")
