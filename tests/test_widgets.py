"""The widgets in a plain Python process: set each control as a drag would and inspect the views."""

import itertools
import json
import warnings

import numpy as np
import plotly.graph_objects as go
import pytest
from comm import DummyComm

from rnnviz import views
from rnnviz._format import fmt
from rnnviz.views import (
    CHAIN_LOG_RANGE,
    gradient_flow,
)
from rnnviz.widgets import (
    ClippingGeometry,
    ConnectivityHeatmap,
    GradientChain,
    GradientFlowExplorer,
)
from rnnviz.widgets.panel import FigureWidget

GRID = list(
    itertools.product(
        (2, 200),  # T
        (0.1, 3.0),  # weight_scale
        ("tanh", "sigmoid", "relu", "linear"),
        ("float64", "float32"),
        (None, 1.0),  # clip_threshold
    )
)


@pytest.fixture
def sent(monkeypatch):
    """Every message the widgets send to the browser, recorded."""
    messages = []

    def record(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        messages.append(data)

    monkeypatch.setattr(DummyComm, "publish_msg", record)
    return messages


def assert_json_compliant(messages):
    """The browser parses strict JSON: NaN or inf anywhere in a message breaks the widget."""
    assert messages, "no message was sent"
    for data in messages:
        json.dumps(data, allow_nan=False)


def nan_equal(a, b):
    return np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float), equal_nan=True)


def on_log_axis(values):
    """What the figure holds: NaN for what a log axis cannot show, no point if nothing is left."""
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        v = np.where(np.isfinite(v) & (v > 0), v, np.nan)
    return v if np.isfinite(v).any() else v[:0]


def set_controls(widget, **values):
    for name, value in values.items():
        widget.controls[name].value = value


@pytest.fixture(scope="module")
def explorer():
    return GradientFlowExplorer()


# --- the explorer ----------------------------------------------------------------------------


def test_defaults_show_vanishing_at_a_glance():
    e = GradientFlowExplorer()
    assert e.settings == {
        "T": 50,
        "weight_scale": 0.9,
        "clip_threshold": None,
        "activation": "tanh",
        "n_a": 32,
        "seed": 0,
        "dtype": "float64",
    }
    assert e.result.regime == "vanishing"
    assert 1e-13 < e.result.ratio < 1e-12, "the teaching guide (move 1) says about 5e-13"
    assert "vanishing" in e.readout.value and "vanished" in e.readout.value
    assert "vanishing predicted" in e.figure.layout.annotations[0].text
    assert e.chain.chain["T"] == 50
    heights = np.array(e.chain.chain["height"])
    assert heights[0] < heights[-1], "the first step's bar is lower: the gradient faded"


def test_controls_have_the_ranges_the_course_needs(explorer):
    c = explorer.controls
    assert (c["T"].min, c["T"].max) == (2, 200)
    assert (c["weight_scale"].min, c["weight_scale"].max) == (0.1, 3.0)
    assert c["weight_scale"].step <= 0.05
    assert (c["n_a"].min, c["n_a"].max) == (2, 64)
    assert c["clip_threshold"].options[0] == ("off", 0.0)
    assert list(c["activation"].options) == ["tanh", "sigmoid", "relu", "linear"]
    assert list(c["dtype"].options) == ["float64", "float32"]


@pytest.mark.parametrize("T, weight_scale, activation, dtype, clip_threshold", GRID)
def test_every_extreme_setting_redraws_truthfully(
    explorer, sent, T, weight_scale, activation, dtype, clip_threshold
):
    """All views show the numbers of this setting, computed independently; nothing warns."""
    set_controls(explorer, T=100, weight_scale=1.0, activation="tanh", clip_threshold=0.0)
    before = explorer.figure.data[0].y
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        set_controls(
            explorer,
            T=T,
            weight_scale=weight_scale,
            activation=activation,
            dtype=dtype,
            clip_threshold=clip_threshold or 0.0,
        )
        expected = gradient_flow(
            T=T,
            weight_scale=weight_scale,
            activation=activation,
            dtype=dtype,
            clip_threshold=clip_threshold,
        )
    assert [str(w.message) for w in caught] == []
    fig = explorer.figure
    assert not nan_equal(fig.data[0].y, before), "the plot did not change"
    assert nan_equal(fig.data[0].x, np.arange(1, T + 1)[: len(fig.data[0].y)])
    assert nan_equal(fig.data[0].y, on_log_axis(expected.grad_norm))
    assert nan_equal(fig.data[1].y, on_log_axis(expected.bound))
    assert fig.data[3].visible is (clip_threshold is not None)
    assert fig.data[4].visible is (clip_threshold is not None)
    if clip_threshold is not None:
        assert nan_equal(fig.data[3].y, on_log_axis(expected.grad_norm_clipped))
        assert list(fig.data[4].y) == [clip_threshold, clip_threshold]
    assert tuple(fig.layout.xaxis.range) == (0.5, T + 0.5)
    assert f"T = {T}" in fig.layout.title.text and activation in fig.layout.title.text

    bad = expected.first_nonfinite
    assert fig.layout.shapes[0].visible is (bad is not None)
    assert fig.layout.annotations[1].visible is (bad is not None)
    chain = explorer.chain.chain
    assert chain["T"] == T and len(chain["height"]) == T
    assert all(0.0 <= h <= 1.0 for h in chain["height"])
    if bad is not None:
        what = "overflow (inf)" if expected.nonfinite == "inf" else "NaN"
        assert f"{what} from step {bad}" in fig.layout.annotations[1].text
        assert f"{what} from step {bad}" in explorer.readout.value
        assert f"{what} from step {bad}" in chain["summary"]
        assert fig.data[5].visible and len(fig.data[5].x) >= 1, "the broken steps are marked"
    else:
        assert "none: every number is finite" in explorer.readout.value
    assert fmt(expected.ratio) in explorer.readout.value
    assert_json_compliant(sent)


# linear: the forward pass passes float32's limit (2^128) by far, on every BLAS kernel; relu at
# weight scale 3 ends just below or just above it, depending on the kernel's rounding
@pytest.mark.parametrize("weight_scale", [2.0, 3.0])
def test_float32_overflow_is_shown_not_raised(weight_scale):
    """The setting notebook 03 section 1 and the teaching guide (move 5) name."""
    e = GradientFlowExplorer(T=200, weight_scale=weight_scale, activation="linear", dtype="float32")
    r = e.result
    assert r.nonfinite == "NaN" and r.first_nonfinite == 200
    text = e.figure.layout.annotations[1].text
    assert "NaN from step 200 back to step 1" in text and "forward pass itself overflowed" in text
    assert set(e.chain.chain["state"]) == {"NaN"}
    assert e.figure.data[5].visible and len(e.figure.data[5].x) == 200
    # the same setting in float64 stays finite: float32 overflows sooner
    set_controls(e, dtype="float64")
    assert e.result.first_nonfinite is None
    assert e.figure.layout.annotations[1].visible is False


@pytest.mark.parametrize("T", [2, 50, 200])
def test_regime_flips_at_one_for_a_linear_network(T):
    """Linear g and W_aa = s Q (Q orthogonal): ||dL/da<k>|| = s^(T-k) ||dL/da<T>|| exactly."""
    e = GradientFlowExplorer(T=T, activation="linear")
    for scale, regime in ((0.99, "vanishing"), (1.0, "neither"), (1.01, "exploding")):
        set_controls(e, weight_scale=scale)
        r = e.result
        assert r.regime == regime
        assert f"{regime}:" in e.readout.value
        np.testing.assert_allclose(r.ratio, scale ** (T - 1), rtol=1e-9)
        np.testing.assert_allclose(r.grad_norm, r.bound, rtol=1e-9)
        assert fmt(r.ratio) in e.readout.value
    assert (e.result.ratio > 1) == (T > 1)


def test_ratio_readout_is_the_computed_ratio(explorer):
    set_controls(explorer, T=80, weight_scale=1.2, activation="tanh", dtype="float64", seed=3)
    r = explorer.result
    ratio = r.grad_norm[0] / r.grad_norm[-1]
    assert r.ratio == pytest.approx(ratio)
    assert f"{fmt(ratio)} (" in explorer.readout.value
    assert r.sigma_max == pytest.approx(1.2)
    assert "exploding: σ_max·γ &gt; 1 is necessary, not sufficient" in explorer.readout.value


def test_clipping_shifts_the_curve_down_without_changing_its_shape():
    e = GradientFlowExplorer(T=60, weight_scale=1.3, activation="linear")
    unclipped = np.array(e.figure.data[0].y)
    set_controls(e, clip_threshold=0.01)
    clipped = np.array(e.figure.data[3].y)
    factor = e.result.clip_factor
    assert 0 < factor < 1
    np.testing.assert_allclose(clipped / unclipped, factor, rtol=1e-12)
    assert "same shape, shifted down" in e.figure.data[3].name
    assert "multiplies the whole gradient" in e.figure.data[3].hovertemplate
    assert "the whole gradient ×" in e.readout.value
    assert (
        e.chain.chain["height"]
        == GradientFlowExplorer(T=60, weight_scale=1.3, activation="linear").chain.chain["height"]
    ), "the chain shows the shape, which clipping leaves alone"


def test_every_control_changes_the_views(explorer):
    set_controls(explorer, T=50, weight_scale=0.9, activation="tanh", dtype="float64")
    set_controls(explorer, clip_threshold=0.0, n_a=32, seed=0)
    for name, value in [
        ("T", 51),
        ("weight_scale", 0.91),
        ("clip_threshold", 0.001),
        ("n_a", 33),
        ("seed", 1),
        ("activation", "sigmoid"),
        ("dtype", "float32"),
    ]:
        y, chain = explorer.figure.data[0].y, explorer.chain.chain
        explorer.controls[name].value = value
        changed = not nan_equal(explorer.figure.data[0].y, y) or explorer.figure.data[3].visible
        assert changed, name
        if name != "dtype":  # float32 and float64 agree to the two digits the chain shows here
            assert explorer.chain.chain != chain, name


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"T": 1}, "T == 1"),
        ({"T": 500}, "T == 500, must be in 2..200"),
        ({"T": 2.5}, "T == 2.5"),
        ({"weight_scale": 5.0}, "weight_scale == 5.0"),
        ({"weight_scale": -1.0}, "weight_scale == -1.0"),
        ({"activation": "softplus"}, "activation == 'softplus'"),
        ({"dtype": "float16"}, "dtype == 'float16'"),
        ({"clip_threshold": -1.0}, "clip_threshold == -1.0"),
        ({"n_a": 100}, "n_a == 100"),
        ({"seed": -1}, "seed == -1"),
        ({"T_range": (10, 5)}, "T_range"),
        ({"T_range": (2, 10**6)}, r"T_range == 1000000, must be <= 1,000 \(the largest setting"),
        ({"n_a_range": (2, 4096)}, r"n_a_range == 4096, must be <= 128"),
        ({"weight_scale_range": (0.0, 2.0)}, "weight_scale_range"),
        ({"speed": 25}, "speed == 25"),
        ({"weight_scale_step": 0.0}, "weight_scale_step"),
    ],
)
def test_bad_arguments_raise_errors_that_name_them(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        GradientFlowExplorer(**kwargs)


def test_bad_values_raise_valueerror_and_unknown_names_typeerror():
    with pytest.raises(ValueError, match="T == 500"):
        GradientFlowExplorer(T=500)
    with pytest.raises(TypeError, match="unexpected keyword argument 'sequence_length'"):
        GradientFlowExplorer(sequence_length=10)


def test_custom_ranges_and_initial_values():
    e = GradientFlowExplorer(
        T=120, T_range=(10, 150), weight_scale=1.5, weight_scale_range=(0.5, 2.0),
        clip_threshold=0.5, n_a=8, n_a_range=(4, 16), seed=7, seed_range=(5, 9), speed=60,
    )  # fmt: skip
    c = e.controls
    assert (c["T"].min, c["T"].max, c["T"].value) == (10, 150, 120)
    assert (c["weight_scale"].min, c["weight_scale"].max) == (0.5, 2.0)
    assert c["clip_threshold"].value == 0.5 and e.settings["clip_threshold"] == 0.5
    assert e.result.sigma_max == pytest.approx(1.5)
    assert e.chain.speed == 60


def test_it_displays_itself_complete(sent):
    """Every view is complete when created: the browser may draw it before later updates."""
    e = GradientFlowExplorer(clip_threshold=0.1)
    opened = [m["state"] for m in sent if m and "_model_name" in m.get("state", {})]
    chain = next(state for state in opened if "chain" in state)
    assert chain["chain"]["T"] == 50, "the chain opens with its data"
    assert "clip c = 0.1" in e.figure.layout.title.text
    assert any("ratio" in s.get("value", "") for s in opened if s["_model_name"] == "HTMLModel")
    assert e._repr_mimebundle_ is not None  # an ipywidgets container: the last line shows it
    assert e.figure in e.children[-1].children[0].children and e.chain in e.children
    assert len(e.figure.data) == 6 and e.figure.data[0].y is not None  # built before display
    assert isinstance(e.chain, GradientChain) and "requestAnimationFrame" in e.chain._esm
    assert "import " not in e.chain._esm and "fetch(" not in e.chain._esm, "no CDN, no bundler"
    assert_json_compliant(sent)


# --- the siblings ----------------------------------------------------------------------------


def test_clipping_geometry_widget(sent):
    w = ClippingGeometry()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name, values in (("g1", (-3.0, 0.0, 3.0)), ("g2", (-3.0, 0.0, 3.0))):
            for v in values:
                w.controls[name].value = v
                for c in (0.1, 3.0):
                    w.controls["clip_threshold"].value = c
                    r = w.result
                    by_value = {t.meta: t for t in w.figure.data}["by_value"]
                    np.testing.assert_allclose([by_value.x[1], by_value.y[1]], r.by_value)
                    assert views.clipping_readouts(r)["clipped by value"] in w.readout.value
                    assert w.figure.layout.shapes[0].x1 == c
    assert [str(m.message) for m in caught] == []
    assert w.result.turn_by_norm == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="g == 5"):
        ClippingGeometry(g=(5.0, 0.0))
    with pytest.raises(ValueError, match="clip_threshold"):
        ClippingGeometry(clip_threshold=10.0)
    assert_json_compliant(sent)


def test_connectivity_heatmap(sent):
    w = ConnectivityHeatmap()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for T, scale, activation in itertools.product(
            (2, 100), (0.1, 3.0), ("tanh", "sigmoid", "relu", "linear")
        ):
            set_controls(w, T=T, weight_scale=scale, activation=activation)
            heat = w.figure.data[0]
            z = np.array(heat.z, dtype=float)
            assert z.shape == (T, T)
            assert np.isnan(z[np.triu_indices(T, 1)]).all(), "lower triangle only"
            C = w.result
            lower = np.tril(np.ones((T, T), bool)) & (C > 0) & np.isfinite(C)
            np.testing.assert_allclose(z[lower], np.log10(C[lower]))
    assert [str(m.message) for m in caught] == []
    assert "log scale" in w.figure.data[0].colorbar.title.text
    assert_json_compliant(sent)
    with pytest.raises(ValueError, match="T == 500"):
        ConnectivityHeatmap(T=500)


@pytest.mark.parametrize("figure_class", [go.FigureWidget, FigureWidget])
def test_an_array_reported_back_by_the_browser_does_not_break_the_kernel(figure_class):
    """Seen in JupyterLab: after a redraw, the browser reports y as {"0": v0, ...}."""
    fig = figure_class(go.Scatter(y=np.array([1.0, 2.0, 3.0])))
    report = {
        "trace_deltas": [{"uid": fig.data[0].uid, "y": {"0": 1.0, "1": 2.0, "2": 3.0}}],
        "trace_edit_id": fig._last_trace_edit_id,
    }
    if figure_class is go.FigureWidget:  # plotly's own: the bug the subclass works around
        with pytest.raises(ValueError, match="truth value of an array"):
            fig._js2py_traceDeltas = report
    else:
        fig._js2py_traceDeltas = report
        np.testing.assert_array_equal(fig.data[0].y, [1.0, 2.0, 3.0])


def test_chain_heights_use_the_fixed_log_scale():
    e = GradientFlowExplorer(T=40, weight_scale=1.0, activation="linear")
    lo, hi = CHAIN_LOG_RANGE
    assert e.chain.chain["height"] == pytest.approx([-lo / (hi - lo)] * 40, abs=1e-3)
    assert isinstance(e.figure, go.FigureWidget)
