"""Activation functions g, their derivatives g', and the bound gamma >= |g'(z)|.

The bound gamma enters the diagnostics: the gradient that travels back one time step is
multiplied by diag(g'(z<t>)) W_aa, whose norm is at most gamma * sigma_max(W_aa)
(Pascanu, Mikolov and Bengio 2013).
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np


class Activation(NamedTuple):
    """An activation g, its derivative written with z and a = g(z), and gamma = max |g'|."""

    name: str
    g: Callable[[np.ndarray], np.ndarray]
    dg: Callable[[np.ndarray, np.ndarray], np.ndarray]  # g'(z), given z and a = g(z)
    gamma: float


def sigmoid(z):
    """The logistic function sigma(z) = 1 / (1 + exp(-z)), keeping a float dtype of z.

    For z < -709 (float64) exp(-z) overflows to inf and sigma(z) to the right limit, 0: the
    overflow is expected and not reported. Full relative precision elsewhere: 1 + exp(-z) is
    exact to rounding for large exp(-z).
    """
    z = np.asarray(z)
    if z.dtype.kind != "f":
        z = z.astype(np.float64)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


ACTIVATIONS = {
    "tanh": Activation("tanh", np.tanh, lambda z, a: 1.0 - a * a, 1.0),
    "sigmoid": Activation("sigmoid", sigmoid, lambda z, a: a * (1.0 - a), 0.25),
    "relu": Activation(
        "relu", lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(z.dtype), 1.0
    ),
    "linear": Activation("linear", lambda z: z.copy(), lambda z, a: np.ones_like(z), 1.0),
}


def get_activation(activation):
    """Return the `Activation` named `activation` ("tanh", "sigmoid", "relu" or "linear")."""
    if isinstance(activation, Activation):
        return activation
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(
            f"activation == {activation!r}, must be one of {', '.join(map(repr, ACTIVATIONS))}"
        )
    return ACTIVATIONS[activation]
