"""The live views in a plain Python process: set each control as a move in the browser would,
and inspect the numbers sent to the view's module (what the module draws of them:
tests/test_live_views.py)."""

import itertools
import json
import subprocess

import numpy as np
import pytest
from comm import DummyComm
from jsviews import derive, node

import rnnviz.diagnostics
import rnnviz.output
from rnnviz import views
from rnnviz.lessons import gated as lg
from rnnviz.views import gradient_flow
from rnnviz.widgets import (
    ClippingGeometry,
    ConnectivityHeatmap,
    GradientFlowExplorer,
    GradientFlowView,
)
from rnnviz.widgets.live import STATIC, _plotly_js, module_source

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
    """Every message the widgets send to the browser: (data, buffers)."""
    messages = []

    def record(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        messages.append((data, buffers))

    monkeypatch.setattr(DummyComm, "publish_msg", record)
    return messages


def numbers(result, name):
    return np.frombuffer(result[name], dtype="<f8")


@pytest.fixture(scope="module")
def explorer():
    return GradientFlowExplorer()


# --- the explorer ----------------------------------------------------------------------------


def test_defaults_show_vanishing_at_a_glance(explorer):
    view = derive("explorer", [explorer.result])[0]
    assert view["readouts"]["ratio ||dL/da<1>|| / ||dL/da<T>||"].endswith("(vanished)")
    assert view["readouts"]["predicted"].startswith("vanishing")
    assert view["title"] == "tanh, T = 50, σ_max(W_aa) = 0.90, n_a = 32, seed 0, float64"


def test_controls_have_the_ranges_the_course_needs(explorer):
    c = {control["name"]: control for control in explorer.spec["controls"]}
    assert c["T"]["values"] == list(range(2, 201))
    sigma = c["weight_scale"]["values"]
    assert (sigma[0], sigma[-1], len(sigma)) == (0.1, 3.0, 291) and 0.9 in sigma
    assert c["clip_threshold"]["values"][:2] == [None, 0.001]
    assert c["clip_threshold"]["labels"][:3] == ["off", "0.001", "0.003"]
    assert c["activation"]["values"] == ["tanh", "sigmoid", "relu", "linear"]
    assert c["dtype"]["values"] == ["float64", "float32"]
    assert c["n_a"]["values"] == list(range(2, 65)) and c["seed"]["values"] == list(range(21))


@pytest.mark.parametrize("T, weight_scale, activation, dtype, clip_threshold", GRID)
def test_every_extreme_setting_is_computed_and_sent_as_strict_json(
    explorer, sent, T, weight_scale, activation, dtype, clip_threshold
):
    setting = dict(T=T, weight_scale=weight_scale, activation=activation, dtype=dtype,
                   clip_threshold=clip_threshold)  # fmt: skip
    explorer.set(**setting)
    assert explorer.error == ""
    r = gradient_flow(**explorer.settings)
    for name in ("grad_norm", "grad_norm_clipped", "bound", "sigma"):
        assert np.array_equal(numbers(explorer.result, name), getattr(r, name), equal_nan=True)
    assert explorer.result["setting"] == explorer.settings
    assert sent, "nothing was sent"
    for data, _ in sent:  # inf and NaN travel as float64 bytes, never in the JSON
        json.dumps(data, allow_nan=False)


def test_the_setting_the_browser_sends_is_checked_and_a_bad_one_is_said_not_drawn(explorer):
    before = explorer.result
    explorer.setting = {**explorer.setting, "T": 5000}  # what a tampered page could send
    assert explorer.error.startswith("This setting cannot be computed: T == 5000")
    assert explorer.result is before
    explorer.set(T=50)
    assert explorer.error == ""


def test_one_move_is_one_forward_pass_and_no_prediction(monkeypatch, explorer):
    calls = {"forward": 0, "predict": 0}
    forward, predict = rnnviz.diagnostics.forward, rnnviz.output.predict

    def counting(name, f):
        def wrapped(*args, **kwargs):
            calls[name] += 1
            return f(*args, **kwargs)

        return wrapped

    monkeypatch.setattr(rnnviz.diagnostics, "forward", counting("forward", forward))
    monkeypatch.setattr(rnnviz.output, "predict", counting("predict", predict))
    explorer.set(T=77)
    assert calls == {"forward": 1, "predict": 0}


# linear: the forward pass passes float32's limit (2^128) by far, on every BLAS kernel; relu at
# weight scale 3 ends just below or just above it, depending on the kernel's rounding
@pytest.mark.parametrize("weight_scale", [2.0, 3.0])
def test_float32_overflow_is_shown_not_raised(weight_scale):
    """The setting notebook 03 section 1 and the teaching guide (move 5) name."""
    e = GradientFlowExplorer(T=200, weight_scale=weight_scale, activation="linear", dtype="float32")
    assert e.flow.nonfinite == "NaN" and e.flow.first_nonfinite == 200
    view = derive("explorer", [e.result])[0]
    note = view["figure"]["layout"]["annotations"][0]
    assert "NaN from step 200 back to step 1" in note["text"]
    assert "forward pass itself overflowed" in note["text"]
    assert set(view["chain"]["state"]) == {"NaN"}
    edge = view["figure"]["data"][5]
    assert edge["visible"] and len(edge["x"]) == 200
    # the same setting in float64 stays finite: float32 overflows sooner
    e.set(dtype="float64")
    assert e.flow.first_nonfinite is None
    assert not derive("explorer", [e.result])[0]["figure"]["layout"]["annotations"][0]["visible"]


@pytest.mark.parametrize("T", [2, 50, 200])
def test_regime_flips_at_one_for_a_linear_network(T):
    e = GradientFlowExplorer(T=T, activation="linear", weight_scale=0.99)
    assert e.flow.regime == "vanishing"
    e.set(weight_scale=1.01)
    assert e.flow.regime == "exploding"


def test_clipping_shifts_the_curve_down_without_changing_its_shape():
    e = GradientFlowExplorer(T=50, weight_scale=1.5, activation="linear", clip_threshold=0.01)
    g, clipped = numbers(e.result, "grad_norm"), numbers(e.result, "grad_norm_clipped")
    factor = numbers(e.result, "clip_factor")[0]
    assert factor < 1
    np.testing.assert_allclose(clipped / g, factor)


def test_every_control_changes_the_numbers(explorer):
    explorer.set(**{c.name: c.default for c in views.EXPLORER})
    for control in explorer.spec["controls"]:
        name, values = control["name"], control["values"]
        before = explorer.result
        other = next(v for v in values[1:] if v != explorer.setting[name])
        explorer.set(**{name: other})
        assert explorer.result["grad_norm"] != before["grad_norm"] or name == "clip_threshold"
        assert explorer.result["setting"][name] == other
        explorer.set(**{name: next(c.default for c in views.EXPLORER if c.name == name)})


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"T": 1}, "T == 1"),
        ({"T": 500}, "T == 500, must be one of the control's values 2 .. 200"),
        ({"T": 2.5}, "T == 2.5"),
        ({"weight_scale": 5.0}, "weight_scale == 5.0"),
        ({"weight_scale": 0.905}, "weight_scale == 0.905"),
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
    ],
)
def test_bad_arguments_raise_errors_that_name_them(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        GradientFlowExplorer(**kwargs)


def test_unknown_names_are_refused(explorer):
    with pytest.raises(TypeError, match="unexpected keyword argument 'sequence_length'"):
        GradientFlowExplorer(sequence_length=10)
    with pytest.raises(ValueError, match=r"no control named \['sequence_length'\]"):
        explorer.set(sequence_length=10)


def test_custom_ranges_and_initial_values():
    e = GradientFlowExplorer(
        T=120, T_range=(10, 150), weight_scale=1.5, weight_scale_range=(0.5, 2.0),
        clip_threshold=0.5, n_a=8, n_a_range=(4, 16), seed=7, seed_range=(5, 9), speed=60,
    )  # fmt: skip
    c = {control["name"]: control for control in e.spec["controls"]}
    assert (c["T"]["values"][0], c["T"]["values"][-1], e.settings["T"]) == (10, 150, 120)
    assert (c["weight_scale"]["values"][0], c["weight_scale"]["values"][-1]) == (0.5, 2.0)
    assert 0.5 in c["clip_threshold"]["values"] and e.settings["clip_threshold"] == 0.5
    assert e.flow.sigma_max == pytest.approx(1.5)
    assert e.spec["speed"] == 60 and 5 in e.spec["speeds"]


def test_it_displays_itself_complete(sent):
    """A view is complete when created: the browser may draw it before any later message."""
    GradientFlowExplorer(clip_threshold=0.1)
    opened = [d for d, _ in sent if d and "_esm" in d.get("state", {})]
    assert opened, "the widget was not opened"
    state = opened[0]["state"]
    assert (
        state["setting"]["clip_threshold"] == 0.1 and state["result"]["setting"] == state["setting"]
    )
    assert ["result", "grad_norm"] in opened[0]["buffer_paths"]  # float64 bytes, not JSON


def test_plotly_js_is_sent_once_when_asked_and_comes_from_plotly_py(sent, explorer):
    sent.clear()
    explorer._handle_custom_msg({"type": "plotly.js?"}, [])
    (data, buffers), *rest = sent
    assert not rest and data == {"method": "custom", "content": {"type": "plotly.js"}}
    assert bytes(buffers[0]) == _plotly_js() and b"plotly.js" in _plotly_js()[:2000]
    sent.clear()
    explorer._handle_custom_msg({"type": "something else"}, [])
    assert sent == []


@pytest.mark.parametrize("name", ["explorer.js", "clipping.js", "heatmap.js", "cells.js"])
def test_each_module_is_one_file_for_anywidget(name, tmp_path):
    """anywidget loads one module: the course's own imports are inlined, each once, and what
    comes out is a valid module with a default export."""
    source = module_source(name)
    assert 'from "./' not in source
    assert source.count("export function formatG") + source.count("function formatG(") == 1
    path = tmp_path / name.replace(".js", ".mjs")
    path.write_text(source + "\n", encoding="utf-8")
    subprocess.run([node(), "--check", str(path)], check=True)
    assert "export default { render }" in source
    assert (STATIC / name).read_text(encoding="utf-8").startswith("//")


def test_a_fixed_result_is_drawn_as_the_explorer_draws_it():
    r = gradient_flow(T=20, weight_scale=1.1)
    view = GradientFlowView(r, title="A fixed result", parts=["chain", "figure"])
    assert view.spec["controls"] == [] and view.spec["parts"] == ["chain", "figure"]
    assert derive("explorer", [view.result])[0]["title"] == "A fixed result"
    with pytest.raises(ValueError, match="parts == "):
        GradientFlowView(r, parts=["table"])
    with pytest.raises(TypeError, match="result must be a GradientFlow"):
        GradientFlowView(np.ones(3))


# --- the other live views --------------------------------------------------------------------


def test_clipping_geometry_widget(sent):
    w = ClippingGeometry(g=(3.0, 0.6), clip_threshold=1.0)
    np.testing.assert_allclose(numbers(w.result, "by_value"), [1.0, 0.6])
    w.set(g1=-2.0, clip_threshold=0.5)
    np.testing.assert_allclose(numbers(w.result, "by_value"), [-0.5, 0.5])
    assert w.geometry.turn_by_norm < 1e-9
    with pytest.raises(ValueError, match="g == 5"):
        ClippingGeometry(g=5)
    with pytest.raises(ValueError, match="clip_threshold"):
        ClippingGeometry(clip_threshold=10)
    for data, _ in sent:
        json.dumps(data, allow_nan=False)


def test_connectivity_heatmap(sent):
    w = ConnectivityHeatmap(weight_scale=0.9, T=30)
    C = numbers(w.result, "C").reshape(30, 30)
    np.testing.assert_array_equal(C, views.connectivity_map(weight_scale=0.9, T=30))
    w.set(T=10, weight_scale=2.0, activation="relu")
    assert numbers(w.result, "C").size == 100
    with pytest.raises(ValueError, match="T == 500"):
        ConnectivityHeatmap(T=500)
    for data, _ in sent:
        json.dumps(data, allow_nan=False)


def test_gated_cells_explorer():
    w = lg.CellExplorer(T=43, update_bias=-3.0, forget_bias=3.0)
    x, y = lg.explorer_sentences(43)
    curves = lg.cell_gradients(x, y, update_bias=-3.0, forget_bias=3.0)
    np.testing.assert_array_equal(numbers(w.result, "gru"), curves["gru"])
    w.set(show="LSTM", T=60)
    assert w.result["setting"]["show"] == "LSTM" and numbers(w.result, "rnn").size == 60
    assert w.spec["reach"] == lg.REACH_LABELS
    with pytest.raises(ValueError, match="update_bias == 0.25"):
        lg.CellExplorer(update_bias=0.25)
