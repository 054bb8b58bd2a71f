"""Tests of rnnviz.activations: g against its definition, g' against finite differences, and
gamma = max |g'|, the constant of the vanishing-gradient bound."""

import re
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rnnviz as rv
from rnnviz.activations import Activation

NAMES = ["tanh", "sigmoid", "relu", "linear"]
Z = np.linspace(-8.0, 8.0, 1601)  # a grid through 0, where sigmoid' and tanh' peak


def test_g_is_the_named_function():
    expected = {
        "tanh": (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) + np.exp(-Z)),
        "sigmoid": 1.0 / (1.0 + np.exp(-Z)),
        "relu": np.where(Z > 0, Z, 0.0),
        "linear": Z,
    }
    for name in NAMES:
        np.testing.assert_allclose(rv.get_activation(name).g(Z), expected[name], rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_finite_differences(name):
    act = rv.get_activation(name)
    z = Z[np.abs(Z) > 1e-3]  # away from relu's kink
    eps = 1e-6
    numeric = (act.g(z + eps) - act.g(z - eps)) / (2 * eps)
    np.testing.assert_allclose(act.dg(z, act.g(z)), numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize(("name", "gamma"), [("tanh", 1.0), ("sigmoid", 0.25), ("relu", 1.0)])
def test_gamma_is_the_largest_derivative(name, gamma):
    # tanh'(0) = 1, sigmoid'(0) = 1/4, relu' = 1 for z > 0: the bound is reached, never passed
    act = rv.get_activation(name)
    assert act.gamma == gamma
    dg = act.dg(Z, act.g(Z))
    assert dg.max() == pytest.approx(gamma, rel=1e-12)
    assert (dg <= gamma).all() and (dg >= 0).all()


def test_linear_derivative_is_one_everywhere():
    act = rv.get_activation("linear")
    assert act.gamma == 1.0
    np.testing.assert_array_equal(act.dg(Z, act.g(Z)), 1.0)


def test_relu_derivative_at_the_kink_is_zero():
    act = rv.get_activation("relu")
    np.testing.assert_array_equal(act.dg(np.array([-1.0, 0.0, 1.0]), None), [0.0, 0.0, 1.0])


@given(st.floats(-1e300, 1e300))
def test_sigmoid_symmetry_and_range(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s, s_minus = rv.sigmoid(z), rv.sigmoid(-z)
    assert 0.0 <= s <= 1.0
    assert s + s_minus == pytest.approx(1.0, abs=1e-15)


def test_sigmoid_of_huge_inputs_does_not_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = rv.sigmoid([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    # sigma(-40) = e^-40 / (1 + e^-40) ~ 4.2e-18: tiny, but not zero
    np.testing.assert_allclose(s, [0.0, np.exp(-40.0), 0.5, 1.0, 1.0], rtol=1e-14, atol=0)
    assert rv.sigmoid(-700.0) == pytest.approx(np.exp(-700.0), rel=1e-12)
    assert np.isnan(rv.sigmoid(np.nan))


@pytest.mark.parametrize("name", NAMES)
def test_float32_stays_float32(name):
    act = rv.get_activation(name)
    z = Z.astype(np.float32)
    a = act.g(z)
    assert a.dtype == np.float32 and act.dg(z, a).dtype == np.float32


def test_get_activation():
    tanh = rv.get_activation("tanh")
    assert isinstance(tanh, Activation) and tanh.name == "tanh"
    assert rv.get_activation(tanh) is tanh
    assert set(rv.ACTIVATIONS) == set(NAMES)
    for bad in ("softplus", "Tanh", None, 3, ["tanh"]):
        with pytest.raises(ValueError, match=re.escape(f"activation == {bad!r}, must be one of")):
            rv.get_activation(bad)
