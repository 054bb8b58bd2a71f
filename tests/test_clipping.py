"""Tests of rnnviz.clipping: properties of the three clipping rules (hypothesis), their handling of
inf and NaN, and their input checks."""

import math
import re

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rnnviz.clipping import (
    clip_by_array_norm,
    clip_by_global_norm,
    clip_by_value,
    global_norm,
    norm,
    row_norms,
)

KEYS = ("W_aa", "W_ax", "b_a", "W_ya", "b_y")
finite = st.floats(-1e150, 1e150, allow_nan=False, allow_infinity=False)
arrays = hnp.arrays(
    np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=4), elements=finite
)
grad_dicts = st.dictionaries(st.sampled_from(KEYS), arrays, min_size=1)
thresholds = st.floats(1e-6, 1e6)


def exact_norm(*arrays):
    """sqrt of the sum of squares of every entry, without overflow (math.hypot scales)."""
    return math.hypot(*(float(v) for a in arrays for v in np.ravel(a)))


def copy_of(grads):
    return {k: v.copy() for k, v in grads.items()}


def assert_unchanged(grads, before):
    assert grads.keys() == before.keys()
    for k in grads:
        np.testing.assert_array_equal(grads[k], before[k])


def assert_new_arrays(clipped, grads):
    assert clipped.keys() == grads.keys()
    for k in grads:
        assert clipped[k].shape == grads[k].shape
        assert not np.shares_memory(clipped[k], grads[k])


# ---------------------------------------------------------------- norms


@given(grad_dicts)
def test_global_norm_is_the_norm_of_everything(grads):
    assert global_norm(grads) == pytest.approx(exact_norm(*grads.values()), rel=1e-12)


def test_norms_neither_overflow_nor_underflow():
    assert norm([3e200, 4e200]) == pytest.approx(5e200, rel=1e-15)
    assert norm([3e-200, 4e-200]) == pytest.approx(5e-200, rel=1e-15)
    assert norm([1.5e308, 1.5e308]) == np.inf  # the norm itself is beyond float64
    assert norm([np.inf, np.nan]) != norm([np.inf, np.nan])  # NaN wins over inf
    assert norm(np.zeros(3)) == 0.0 and norm(np.zeros(0)) == 0.0
    rows = np.array([[3e200, 4e200], [0.0, 0.0], [np.inf, 1.0], [np.nan, np.inf], [-3.0, 4.0]])
    np.testing.assert_array_equal(row_norms(rows)[[1, 2, 4]], [0.0, np.inf, 5.0])
    assert row_norms(rows)[0] == pytest.approx(5e200, rel=1e-15)
    assert np.isnan(row_norms(rows)[3])


# ---------------------------------------------------------------- clip by global norm


@given(grad_dicts, thresholds)
def test_global_norm_clipping_bounds_the_norm_and_keeps_the_direction(grads, max_norm):
    before = copy_of(grads)
    clipped, total_norm = clip_by_global_norm(grads, max_norm)
    assert_unchanged(grads, before)
    assert_new_arrays(clipped, grads)
    exact = exact_norm(*grads.values())
    assert total_norm == pytest.approx(exact, rel=1e-12)
    if exact <= max_norm * (1 - 1e-12):  # below the threshold: nothing changes
        assert_unchanged(clipped, grads)
    elif exact > max_norm * (1 + 1e-12):
        assert exact_norm(*clipped.values()) == pytest.approx(max_norm, rel=1e-12)
        for k in grads:  # one common factor for every array: the direction is kept
            np.testing.assert_allclose(clipped[k], grads[k] * (max_norm / exact), rtol=1e-12)
    assert exact_norm(*clipped.values()) <= max_norm * (1 + 1e-12)


@given(grad_dicts, thresholds, st.sampled_from([np.inf, -np.inf, np.nan]), st.data())
def test_global_norm_clipping_leaves_non_finite_gradients_alone(grads, max_norm, bad, data):
    key = data.draw(st.sampled_from(sorted(grads)))
    grads[key].flat[data.draw(st.integers(0, grads[key].size - 1))] = bad
    before = copy_of(grads)
    clipped, total_norm = clip_by_global_norm(grads, max_norm)
    assert_unchanged(grads, before)
    assert_unchanged(clipped, grads)
    assert_new_arrays(clipped, grads)
    if np.isnan(bad):
        assert np.isnan(total_norm)
    else:
        assert total_norm == np.inf


def test_global_norm_clipping_of_an_overflowing_norm():
    # every entry is finite, but the norm (2e308) is beyond float64: still rescaled exactly
    grads = {"W_aa": np.full((2, 2), 1e308), "b_a": np.array([-1e308, 0.0])}
    clipped, total_norm = clip_by_global_norm(grads, 1.0)
    assert total_norm == np.inf  # the true norm, sqrt(5) * 1e308, is not a float64
    s = 1 / np.sqrt(5)
    np.testing.assert_allclose(clipped["W_aa"], np.full((2, 2), s), rtol=1e-15)
    np.testing.assert_allclose(clipped["b_a"], [-s, 0.0], rtol=1e-15)


@given(
    st.dictionaries(
        st.sampled_from(KEYS),
        hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=4),
                   elements=st.floats(-1.7e308, 1.7e308)),
        min_size=1,
    ),
    thresholds,
)  # fmt: skip
@example({"W_aa": np.array([3.43231067e306])}, 1e-06)  # max_norm / ||g|| is subnormal
def test_clipping_lands_on_the_threshold_whatever_the_scale(grads, max_norm):
    exact = math.hypot(*(v / 1e300 for a in grads.values() for v in np.ravel(a)))  # in 1e300s
    assume(exact * 1e300 > max_norm * (1 + 1e-9))
    clipped, _ = clip_by_global_norm(grads, max_norm)
    assert global_norm(clipped) == pytest.approx(max_norm, rel=1e-12)
    for k in grads:  # the direction is kept: every array times the same max_norm / ||g||
        expected = grads[k] / 1e300 * (max_norm / exact)
        np.testing.assert_allclose(clipped[k], expected, rtol=1e-9, atol=1e-12 * max_norm)
    for v in clip_by_array_norm(grads, max_norm).values():
        assert norm(v) <= max_norm * (1 + 1e-12)


def test_global_norm_clipping_by_hand():
    grads = {"W_aa": np.array([[3.0, 0.0], [0.0, 0.0]]), "b_a": np.array([0.0, 4.0])}
    clipped, total_norm = clip_by_global_norm(grads, 1.0)
    assert total_norm == 5.0
    np.testing.assert_allclose(clipped["W_aa"], [[0.6, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(clipped["b_a"], [0.0, 0.8])


def test_clipping_keeps_float32():
    grads = {"W_aa": np.full((2, 2), 10.0, dtype=np.float32)}
    assert clip_by_global_norm(grads, 1.0)[0]["W_aa"].dtype == np.float32
    assert clip_by_array_norm(grads, 1.0)["W_aa"].dtype == np.float32
    assert clip_by_value(grads, 1.0)["W_aa"].dtype == np.float32


# ---------------------------------------------------------------- clip by value


@given(grad_dicts, thresholds)
def test_value_clipping_bounds_every_entry(grads, max_value):
    before = copy_of(grads)
    clipped = clip_by_value(grads, max_value)
    assert_unchanged(grads, before)
    assert_new_arrays(clipped, grads)
    for k in grads:
        assert (np.abs(clipped[k]) <= max_value).all()
        inside = np.abs(grads[k]) <= max_value
        np.testing.assert_array_equal(clipped[k][inside], grads[k][inside])
        np.testing.assert_array_equal(clipped[k][~inside], np.sign(grads[k][~inside]) * max_value)


def test_value_clipping_changes_the_direction():
    clipped = clip_by_value({"b_a": np.array([10.0, 1.0])}, 2.0)["b_a"]
    np.testing.assert_array_equal(clipped, [2.0, 1.0])  # was 10:1, now 2:1


def test_value_clipping_of_non_finite_entries():
    clipped = clip_by_value({"b_a": np.array([np.inf, -np.inf, np.nan, 0.5])}, 2.0)["b_a"]
    np.testing.assert_array_equal(clipped, [2.0, -2.0, np.nan, 0.5])


# ---------------------------------------------------------------- clip by array norm


@given(grad_dicts, thresholds)
def test_array_norm_clipping_bounds_each_array(grads, max_norm):
    before = copy_of(grads)
    clipped = clip_by_array_norm(grads, max_norm)
    assert_unchanged(grads, before)
    assert_new_arrays(clipped, grads)
    for k in grads:
        exact = exact_norm(grads[k])
        assert exact_norm(clipped[k]) <= max_norm * (1 + 1e-12)
        if exact <= max_norm * (1 - 1e-12):
            np.testing.assert_array_equal(clipped[k], grads[k])
        elif exact > max_norm * (1 + 1e-12):
            np.testing.assert_allclose(clipped[k], grads[k] * (max_norm / exact), rtol=1e-12)


def test_array_norm_clipping_by_hand():
    grads = {"W_aa": np.array([[3.0, 4.0]]), "b_a": np.array([0.3, 0.4]), "b_y": np.array([np.nan])}
    clipped = clip_by_array_norm(grads, 1.0)
    np.testing.assert_allclose(clipped["W_aa"], [[0.6, 0.8]])  # norm 5 -> 1
    np.testing.assert_array_equal(clipped["b_a"], [0.3, 0.4])  # norm 0.5: kept
    assert np.isnan(clipped["b_y"]).all()  # non-finite: unchanged


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("clip", [clip_by_value, clip_by_global_norm, clip_by_array_norm])
def test_bad_thresholds_and_gradients(clip):
    name = "max_value" if clip is clip_by_value else "max_norm"
    grads = {"b_a": np.ones(2)}
    for bad, error, message in [
        (0.0, ValueError, f"{name} == 0.0, must be > 0"),
        (-1.0, ValueError, f"{name} == -1.0, must be > 0"),
        (np.inf, ValueError, f"{name} == inf, must be finite"),
        (np.nan, ValueError, f"{name} == nan, must be finite"),
        ("1", TypeError, f"{name} == '1', must be a real number"),
        (None, TypeError, f"{name} == None, must be a real number"),
    ]:
        with pytest.raises(error, match=re.escape(message)):
            clip(grads, bad)
    with pytest.raises(TypeError, match="grads must be a dict of arrays, got list"):
        clip([np.ones(2)], 1.0)
    with pytest.raises(
        TypeError, match=re.escape("grads['b_a'] must hold real numbers, got dtype <U1")
    ):
        clip({"b_a": np.array(["x"])}, 1.0)


def test_complex_and_ragged_gradients_are_refused():
    for clip in (global_norm, lambda g: clip_by_global_norm(g, 1.0)):
        with pytest.raises(TypeError, match=re.escape("grads['W_aa'] has complex dtype")):
            clip({"W_aa": np.array([3 + 4j])})
        with pytest.raises(ValueError, match=re.escape("grads['b_a'] is ragged")):
            clip({"b_a": [[1.0], [1.0, 2.0]]})


def test_global_norm_bad_input():
    with pytest.raises(TypeError, match="grads must be a dict of arrays, got tuple"):
        global_norm((np.ones(2),))
    with pytest.raises(
        TypeError, match=re.escape("grads['W_aa'] must hold real numbers, got dtype")
    ):
        global_norm({"W_aa": np.array([None, 1.0])})


def test_a_threshold_beyond_float64_is_named():
    with pytest.raises(ValueError, match=r"max_norm == 100000000000\.\.\., too large for a float"):
        clip_by_global_norm({"g": np.ones(2)}, 10**400)
