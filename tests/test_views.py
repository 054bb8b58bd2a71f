"""The views' compute layer: what each widget shows for one setting, and its text."""

import json
from dataclasses import replace

import numpy as np
import pytest

from rnnviz import init_params, predict, views
from rnnviz.diagnostics import explore
from rnnviz.views import (
    chain_data,
    clipping_geometry,
    gradient_flow,
    readouts,
    sequence,
    surprising_label,
)


def test_sequence_is_seeded_and_prefix_stable():
    x50, x51 = sequence(50, seed=3), sequence(51, seed=3)
    np.testing.assert_array_equal(x50, x51[:50])
    assert not np.array_equal(x50, sequence(50, seed=4))


def test_gradient_flow_is_explore_on_the_seeded_sequence():
    r = gradient_flow(T=30, weight_scale=1.1, activation="relu", n_a=16, seed=2, dtype="float32")
    params = init_params(4, 16, 2, weight_scale=1.1, seed=2, dtype="float32")
    x = sequence(30, seed=2).astype("float32")
    y = surprising_label(params, x, activation="relu")
    assert y == np.argmin(predict(params, x, activation="relu")[-1])
    ref = explore(params, x, y, activation="relu", sigma_points=20)
    np.testing.assert_array_equal(r.grad_norm, ref.grad_norm)


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
def test_the_error_at_step_T_never_vanishes_by_saturation(activation):
    """A confidently predicted label would send (almost) nothing back: the label is the other."""
    for scale in (0.5, 1.3, 2.0):
        r = gradient_flow(T=60, weight_scale=scale, activation=activation, dtype="float32")
        assert r.grad_norm[-1] > 0.01 or not np.isfinite(r.loss)


def test_clipping_geometry_by_value_turns_by_norm_only_shrinks():
    g = clipping_geometry((3.0, 0.6), 1.0)
    np.testing.assert_allclose(g.by_value, [1.0, 0.6])
    np.testing.assert_allclose(g.by_norm, np.array([3.0, 0.6]) / np.hypot(3.0, 0.6))
    assert g.turn_by_norm == pytest.approx(0.0, abs=1e-9)
    assert g.turn_by_value == pytest.approx(np.degrees(np.arctan2(0.6, 1) - np.arctan2(0.6, 3)))
    assert g.norm_by_norm == pytest.approx(1.0)
    untouched = clipping_geometry((0.5, -0.2), 1.0)
    np.testing.assert_allclose(untouched.by_value, [0.5, -0.2])
    np.testing.assert_allclose(untouched.by_norm, [0.5, -0.2])
    with pytest.raises(ValueError, match="clip_threshold"):
        clipping_geometry((1.0, 1.0), 0.0)
    with pytest.raises(ValueError, match="g =="):
        clipping_geometry((1.0, np.nan), 1.0)


def test_chain_data_is_relative_to_step_T_and_json_safe(fake_flow):
    r = fake_flow([1e-16, 1e-8, 1.0, 2.0, 4.0])
    c = chain_data(r)
    json.dumps(c, allow_nan=False)
    lo, hi = views.CHAIN_LOG_RANGE
    expected = np.clip((np.log10(np.array(r.grad_norm) / 4.0) - lo) / (hi - lo), 0, 1)
    np.testing.assert_allclose(c["height"], expected, atol=1e-4)
    assert c["relative"][-1] == "1" and c["text"][-1] == "4"
    assert len(set(c["color"])) == 5
    clipped = chain_data(replace(r, grad_norm_clipped=r.grad_norm / 4), clip_threshold=1.0)
    assert clipped["height"] == c["height"] and clipped["text"][-1] == "1"
    assert "after clipping" in clipped["quantity"]


def test_readouts_say_sufficient_and_necessary(fake_flow):
    vanishing = readouts(fake_flow([1e-3, 1.0], sigma=0.5))
    assert vanishing["predicted"].startswith("vanishing: σ_max·γ < 1 is sufficient")
    exploding = readouts(fake_flow([1e3, 1.0], sigma=2.0))
    assert exploding["predicted"].startswith("exploding: σ_max·γ > 1 is necessary, not sufficient")
    assert readouts(fake_flow([1.0, 1.0], sigma=1.0))["predicted"].startswith("neither")
    linear = readouts(fake_flow([1e3, 1.0], sigma=2.0, activation="linear"))["predicted"]
    assert "saturated" not in linear and "spectral radius ρ(W_aa) > 1" in linear
    assert readouts(fake_flow([1e-3, 1.0]))["ratio ||dL/da<1>|| / ||dL/da<T>||"] == (
        "0.001 (vanished)"
    )


def test_figure_notes_call_exploding_possible_not_predicted(fake_flow):
    """sigma_max * gamma > 1 is necessary, not sufficient: the bound cannot predict exploding."""
    exploding, vanishing = fake_flow([1e-3, 1.0], sigma=2.0), fake_flow([1e-3, 1.0], sigma=0.5)
    assert views.status_lines(exploding)[0].endswith("= 2: exploding possible")
    assert views.default_title(exploding).endswith(", exploding possible")
    assert views.status_lines(vanishing)[0].endswith(": vanishing predicted")
    assert views.default_title(vanishing).endswith(", vanishing predicted")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"T": 10**7}, r"T == 10000000, must be <= 10,000 \(time steps\)"),
        ({"n_a": 10**5}, r"n_a == 100000, must be <= 4,096 \(units\)"),
        ({"T": 9_000, "n_a": 512}, r"T \(9,000\) \* n_a² \(262,144\) = 2,359,296,000 numbers"),
    ],
)
def test_huge_settings_are_refused_at_once(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gradient_flow(**kwargs)


@pytest.mark.parametrize(
    ("g", "c", "by_value", "by_norm"),
    [
        # atan(0.6 / 1) - atan(0.6 / 3) = 30.96° - 11.31°
        ((3.0, 0.6), 1.0, "shorter, turned by 19.7°", "only shorter, not turned"),
        ((1.0, 1.0), 1.2, "unchanged", "only shorter, not turned"),  # |g| = 1.41 > 1.2
        ((3.0, 3.0), 1.0, "only shorter, not turned", "only shorter, not turned"),
        ((0.5, 0.2), 1.0, "unchanged", "unchanged"),
    ],
)
def test_clipping_readouts_say_what_happened(g, c, by_value, by_norm):
    text = views.clipping_readouts(views.clipping_geometry(g, c))
    assert text["clipped by value"].endswith(": " + by_value)
    assert text["clipped by norm"].endswith(": " + by_norm)
