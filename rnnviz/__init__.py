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

from .activations import ACTIVATIONS, get_activation, sigmoid
from .rnn import (
    backward,
    forward,
    init_params,
    loss_and_grads,
    predict,
    random_orthogonal,
    rnn_backward,
    rnn_forward,
    softmax,
)

__all__ = [
    "ACTIVATIONS",
    "backward",
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
