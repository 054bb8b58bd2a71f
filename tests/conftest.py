"""Helpers shared by the tests: central finite differences, the check every gradient must pass.

Tests take them through the `fd` fixture: fd.gradient(f, array), fd.relative_error(a, b) and
fd.assert_match(name, analytic, numeric, tol).
"""

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import settings

from rnnviz import GradientFlow, regime

# Property tests draw the same examples on every machine and in every run, so a fresh clone cannot
# fail by chance; a failure prints its example and the blob that reproduces it.
settings.register_profile("course", derandomize=True, database=None, print_blob=True)
settings.load_profile("course")


def central_differences(f, array, eps=1e-6):
    """(f(v + eps) - f(v - eps)) / (2 eps) for every entry v of `array`, changed in place and
    restored: the numerical gradient of the scalar function f() with respect to `array`."""
    grad = np.zeros_like(array)
    for i in np.ndindex(array.shape):
        v = array[i]
        array[i] = v + eps
        f_plus = f()
        array[i] = v - eps
        f_minus = f()
        array[i] = v
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(analytic, numeric):
    """||analytic - numeric|| / max(||analytic||, ||numeric||), over the whole array."""
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numeric))
    return np.linalg.norm(analytic - numeric) / scale if scale > 0 else 0.0


def assert_gradients_match(name, analytic, numeric, tol=1e-6):
    """Same shape, not both zero (a check that would prove nothing), relative error below tol."""
    assert analytic.shape == numeric.shape, f"{name}: shape {analytic.shape} != {numeric.shape}"
    assert np.linalg.norm(analytic) + np.linalg.norm(numeric) > 0, (
        f"{name}: both gradients are zero, the check would prove nothing"
    )
    error = relative_error(analytic, numeric)
    assert error < tol, f"{name}: relative error {error:.2e}"


@pytest.fixture
def fd():
    """The finite-difference helpers of this module, as one object."""
    return SimpleNamespace(
        gradient=central_differences,
        relative_error=relative_error,
        assert_match=assert_gradients_match,
    )


def make_flow(
    grad_norm, *, factor=1.0, total=2.0, loss=0.7, sigma=0.9, gamma=1.0, activation="tanh"
):
    """A hand-made `GradientFlow`, as `diagnostics.explore` returns: nothing is computed."""
    g = np.asarray(grad_norm, dtype=float)
    T = len(g)
    bad = ~np.isfinite(g)
    return GradientFlow(
        k=np.arange(1, T + 1),
        grad_norm=g,
        grad_norm_clipped=g * factor,
        total_norm=total,
        clip_factor=factor,
        sigma_max=sigma,
        spectral_radius=sigma,
        gamma=gamma,
        activation=activation,
        regime=regime(sigma, gamma),
        bound=g[-1] * (sigma * gamma) ** np.arange(T - 1, -1, -1.0),
        sigma_k=np.arange(1, T + 1),
        sigma=np.ones(T),
        ratio=float(g[0] / g[-1]),
        first_nonfinite=int(np.nonzero(bad)[0].max()) + 1 if bad.any() else None,
        nonfinite=None if not bad.any() else ("NaN" if np.isnan(g).any() else "inf"),
        saturation=np.ones(T),
        loss=loss,
    )


@pytest.fixture
def fake_flow():
    """`make_flow`: a hand-made GradientFlow from a few norms, for the views and figures."""
    return make_flow
