"""The views' compute layer: what each live view computes for one setting, its controls
(declared once), and the numbers its module receives."""

import numpy as np
import pytest

from rnnviz import init_params, predict, views
from rnnviz.diagnostics import explore
from rnnviz.views import clipping_geometry, gradient_flow, sequence


def test_sequence_is_seeded_and_prefix_stable():
    x50, x51 = sequence(50, seed=3), sequence(51, seed=3)
    np.testing.assert_array_equal(x50, x51[:50])
    assert not np.array_equal(x50, sequence(50, seed=4))


def test_gradient_flow_is_explore_on_the_seeded_sequence():
    r = gradient_flow(T=30, weight_scale=1.1, activation="relu", n_a=16, seed=2, dtype="float32")
    params = init_params(4, 16, 2, weight_scale=1.1, seed=2, dtype="float32")
    x = sequence(30, seed=2).astype("float32")
    y = int(np.argmin(predict(params, x, activation="relu")[-1]))  # the least likely class
    ref = explore(params, x, y, activation="relu", sigma_points=20)
    for field in ("grad_norm", "bound", "sigma", "loss", "total_norm"):
        np.testing.assert_array_equal(getattr(r, field), getattr(ref, field))


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


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"T": 10**7}, r"T == 10000000, must be <= 10,000 \(time steps\)"),
        ({"n_a": 10**5}, r"n_a == 100000, must be <= 4,096 \(units\)"),
        ({"T": 9_000, "n_a": 512}, r"explore over T = 9,000 .* about 52\.7 GiB at once"),
    ],
)
def test_huge_settings_are_refused_at_once(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gradient_flow(**kwargs)


@pytest.mark.parametrize("name", ["EXPLORER", "CLIPPING", "HEATMAP", "CELLS"])
def test_each_views_controls_are_declared_once_with_a_grid_for_the_site(name):
    controls = getattr(views, name)
    names = [c.name for c in controls]
    assert len(set(names)) == len(names)
    for c in controls:
        assert c.default in c.values, (c.name, c.default)
        assert set(c.on_site()) <= set(c.values), c.name
        assert sorted(c.values, key=str) == sorted(set(c.values), key=str), f"{c.name} repeats"
    shown = views.spec(controls, heading="h", site=True)
    assert [s["name"] for s in shown["controls"]] == [c.name for c in controls if c.site != ()]
    assert views.spec(controls)["controls"][0]["values"] == list(controls[0].values)


def test_slider_steps_are_the_numbers_a_student_types():
    """0.1 + 0.01 * 8 is 0.18000000000000002 in floating point: the slider offers 0.18."""
    sigma = dict((c.name, c) for c in views.EXPLORER)["weight_scale"].values
    assert 0.18 in sigma and 0.9 in sigma and 1.0 in sigma and sigma[-1] == 3.0
    assert len(sigma) == 291
    clip = dict((c.name, c) for c in views.CLIPPING)["clip_threshold"]
    assert clip.site[:3] == (0.1, 0.2, 0.4) and 1.0 in clip.site


def test_the_numbers_a_module_receives_are_the_engines_bit_for_bit():
    r = gradient_flow(T=40, weight_scale=2.0, activation="relu", dtype="float32")
    sent = views.flow_numbers(r, setting={"T": 40, "clip_threshold": None})
    for name in ("grad_norm", "bound", "sigma_k", "sigma", "ratio", "loss", "clip_factor"):
        received = np.frombuffer(sent[name], dtype="<f8")
        np.testing.assert_array_equal(received, np.ravel(getattr(r, name)).astype(np.float64))
    assert (sent["regime"], sent["first_nonfinite"], sent["nonfinite"]) == (
        r.regime,
        r.first_nonfinite,
        r.nonfinite,
    )
    C = views.connectivity_map(T=5)
    np.testing.assert_array_equal(
        np.frombuffer(views.connectivity_numbers(C)["C"], "<f8").reshape(5, 5), C
    )
