"""The static figures: pure functions of dicts and arrays, readable on a projector, honest about
NaN. (The live views are drawn by their modules: tests/test_live_views.py.)"""

import json
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import pytest

from rnnviz.figures import plot_connectivity, plot_success_rates, plot_training
from rnnviz.figures.connectivity import draw_connectivity
from rnnviz.widgets import GradientFlowView


def all_font_sizes(fig):
    """Every explicit font size in a figure's JSON."""
    sizes = []

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "size" and key in ("font", "tickfont", "textfont", "title"):
                    sizes.append(v)
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)

    walk(json.loads(fig.to_json()))
    return [s for s in sizes if isinstance(s, int | float)]


def figures():
    return {
        "connectivity": plot_connectivity(np.tril(np.random.default_rng(0).random((10, 10)))),
        "training": plot_training(
            {
                "a": {
                    "loss": [1.0, 0.5],
                    "grad_norm": [2.0, 1.0],
                    "clipped": None,
                    "diverged_at": None,
                }
            }
        ),  # fmt: skip
        "success": plot_success_rates({10: {"a": [0.0, 1.0]}}),
    }


@pytest.mark.parametrize("name", list(figures()))
def test_figures_are_readable_from_the_back_of_the_room(name):
    fig = figures()[name]
    assert isinstance(fig, go.Figure) and not isinstance(fig, go.FigureWidget)
    sizes = all_font_sizes(fig)
    assert sizes and min(sizes) >= 16, sizes
    assert fig.layout.font.size >= 16
    for axis in ("xaxis", "yaxis"):
        ax = fig.layout[axis]
        assert ax.title.text, f"{axis} has no label"
        if ax.type == "log":
            assert "log scale" in ax.title.text or "log scale" in str(fig.layout.annotations)


def test_connectivity_map_is_lower_triangular_on_a_log_scale():
    C = np.tril(10.0 ** -np.subtract.outer(np.arange(6), np.arange(6)).clip(0))
    C[5, 0] = 0.0  # exactly zero: the output feels nothing, the lowest colour (not log10 0)
    fig = plot_connectivity(C)
    z = np.array(fig.data[0].z, dtype=float)
    assert np.isnan(z[np.triu_indices(6, 1)]).all()
    assert z[5, 0] == fig.data[0].zmin == -4.0 and fig.data[0].customdata[5][0] == 0.0
    np.testing.assert_allclose(z[4, 0], -4.0)
    assert fig.layout.yaxis.autorange == "reversed"
    assert "log scale" in fig.data[0].colorbar.title.text
    ticks = fig.data[0].colorbar.ticktext
    assert ticks[0] == "10⁻⁴" and ticks[-1] == "1", ticks
    z_sent = json.loads(fig.to_json())["data"][0]["z"]
    assert z_sent[0][1] is None and z_sent[5][0] == -4.0
    assert fig.data[1].z is None or not any(v for row in fig.data[1].z for v in row)


def test_connectivity_map_with_a_fixed_range_and_overflow():
    weak = np.tril(np.full((4, 4), 1e-12))
    strong = np.tril(np.full((4, 4), 1e-2))
    maps = [plot_connectivity(C, z_range=(1e-16, 1e2)) for C in (weak, strong)]
    for fig in maps:  # the same colour scale for both: the colours differ, not the labels
        assert (fig.data[0].zmin, fig.data[0].zmax) == (-16.0, 2.0)
    assert maps[0].data[0].z[3][0] == -12.0 and maps[1].data[0].z[3][0] == -2.0
    broken = strong.copy()
    broken[3, :2] = [np.nan, np.inf]
    fig = plot_connectivity(broken, z_range=(1e-16, 1e2))
    assert fig.data[1].z[3][0] == 1.0 and fig.data[1].z[3][1] == 1.0  # drawn grey
    assert fig.data[1].z[3][2] is None and fig.data[0].z[3][0] is None
    assert fig.layout.title.text == "2 of 10 cells overflowed to inf or NaN (grey)"
    assert "overflow" in fig.data[1].hovertemplate
    saturated = strong.copy()
    saturated[3] = 0.0
    assert "the last output is saturated" in plot_connectivity(saturated).layout.title.text
    with pytest.raises(ValueError, match="z_range"):
        plot_connectivity(strong, z_range=(1.0, 1e-3))


def test_training_curves_mark_divergence():
    histories = {
        "SGD": {
            "loss": [0.7, 0.6, 5.0, np.nan, np.nan],
            "grad_norm": [1.0, 2.0, 1e6, np.inf, np.nan],
            "clipped": [False] * 5,
            "diverged_at": 3,
        },
        "SGD + clipping": {
            "loss": np.array([0.7, 0.6, 0.5, 0.4, 0.3]),
            "grad_norm": np.array([1.0, 2.0, 9.0, 3.0, 1.0]),
            "clipped": [False, False, True, True, False],
            "diverged_at": None,
        },
    }
    fig = plot_training(histories)
    diverged = [t for t in fig.data if t.name and "diverged at step 3" in t.name]
    assert len(diverged) == 2 and all(list(t.x) == [3] for t in diverged)
    assert diverged[0].y[0] == 5.0, "marked at the last finite loss before it diverged"
    clipped = [t for t in fig.data if t.name == "SGD + clipping: clipped"]
    assert len(clipped) == 1 and list(clipped[0].x) == [2, 3]
    lines = [t for t in fig.data if t.mode == "lines"]
    assert len({t.line.dash for t in lines}) == 2 and len({t.line.color for t in lines}) == 2
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    assert np.isnan(lines[1].y[3]), "inf is a gap on a log axis, not a crash"


def test_success_rates_bars_and_seed_dots():
    table = {10: {"SGD": [1, 1, 0, 1], "clipped": [1, 1, 1, 1]}, 50: {"SGD": [0, 0, 0, 1]}}
    fig = plot_success_rates(table, setting_name="gap")
    bars = [t for t in fig.data if t.type == "bar"]
    dots = [t for t in fig.data if t.type == "scatter"]
    assert [b.name for b in bars] == ["SGD", "clipped"]
    np.testing.assert_allclose(bars[0].y, [0.75, 0.25])
    assert np.isnan(bars[1].y[1]), "a missing cell is left empty"
    assert len(dots[0].y) == 8 and list(dots[0].x[:4]) == ["10"] * 4
    assert bars[0].marker.pattern.shape != bars[1].marker.pattern.shape
    assert fig.layout.xaxis.title.text == "gap" and fig.layout.yaxis.tickformat == ".0%"


def test_log_ticks_are_1_2_5_over_few_decades_and_powers_of_ten_over_many():
    from rnnviz.figures.style import log_ticks

    ticks, labels = log_ticks(0.3, 100)
    assert ticks.tolist() == [0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
    assert labels == ["0.5", "1", "2", "5", "10", "20", "50", "100"]
    ticks, labels = log_ticks(1e-5, 20)
    np.testing.assert_allclose(ticks, 10.0 ** np.arange(-5, 3))
    assert labels[0] == "10⁻⁵" and labels[5] == "1" and labels[-1] == "10²"
    ticks, _ = log_ticks(1e-300, 1e300)
    assert len(ticks) <= 8


# --- bad input: a named TypeError or ValueError before anything is drawn ----------------------

RUN = {"loss": [1.0, 0.5], "grad_norm": [2.0, 1.0]}  # a valid history of two steps
FLOW_TYPE = r"result must be a GradientFlow from rv.gradient_flow\(...\) or rv.explore\(...\)"


def bad(name, call, error, match):
    """One case: call(r), with r a valid GradientFlow, raises `error` whose message matches."""
    return pytest.param(call, error, match, id=name)


BAD_INPUT = [
    # GradientFlowView: a fixed GradientFlow, drawn as the explorer draws it
    bad("norms 1-D array", lambda r: GradientFlowView(np.ones(5)), TypeError,
        FLOW_TYPE + r", got an array of shape \(5,\)"),
    bad("norms None", lambda r: GradientFlowView(None), TypeError, FLOW_TYPE + ", got None"),
    bad("norms str", lambda r: GradientFlowView("flow"), TypeError, FLOW_TYPE + ", got 'flow'"),
    bad("norms empty dict", lambda r: GradientFlowView({}), TypeError, FLOW_TYPE + ", got {}"),
    bad("norms short grad_norm", lambda r: GradientFlowView(replace(r, grad_norm=np.ones(3))),
        ValueError, r"result.grad_norm has shape \(3,\), must be \(4,\), like result.k"),
    bad("norms 2-D bound", lambda r: GradientFlowView(replace(r, bound=np.ones((4, 2)))),
        ValueError, r"result.bound has shape \(4, 2\), must be \(4,\)"),
    bad("norms sigma", lambda r: GradientFlowView(replace(r, sigma=np.ones(2))), ValueError,
        r"result.sigma has shape \(2,\), must be \(4,\), like result.sigma_k"),
    bad("norms empty k", lambda r: GradientFlowView(replace(r, k=np.arange(0))), ValueError,
        r"result.k has shape \(0,\), must be 1-D and not empty"),
    bad("norms complex", lambda r: GradientFlowView(replace(r, grad_norm=r.grad_norm * 1j)),
        TypeError, "result.grad_norm has complex dtype"),
    bad("norms clip_threshold < 0", lambda r: GradientFlowView(r, clip_threshold=-1.0),
        ValueError, "clip_threshold == -1.0, must be > 0"),
    bad("norms clip_threshold str", lambda r: GradientFlowView(r, clip_threshold="1"),
        TypeError, "clip_threshold == '1', must be a real number"),
    bad("norms title", lambda r: GradientFlowView(r, title=3), TypeError,
        "title == 3, must be a string or None"),
    # plot_connectivity, draw_connectivity
    bad("connectivity 1-D", lambda r: plot_connectivity(np.ones(5)), ValueError,
        r"C has shape \(5,\), must be 2-D"),
    bad("connectivity 3-D", lambda r: plot_connectivity(np.ones((2, 2, 2))), ValueError,
        r"C has shape \(2, 2, 2\), must be 2-D"),
    bad("connectivity not square", lambda r: plot_connectivity(np.ones((3, 4))), ValueError,
        r"C has shape \(3, 4\), must be square \(T, T\)"),
    bad("connectivity empty", lambda r: plot_connectivity(np.ones((0, 0))), ValueError,
        r"C has shape \(0, 0\): it is empty"),
    bad("connectivity None", lambda r: plot_connectivity(None), TypeError,
        "C must be an array, got NoneType"),
    bad("connectivity str", lambda r: plot_connectivity("C"), TypeError, "C must be an array"),
    bad("connectivity complex", lambda r: plot_connectivity(np.eye(3) * 1j), TypeError,
        "C has complex dtype"),
    bad("connectivity ragged", lambda r: plot_connectivity([[1.0], [1.0, 2.0]]), ValueError,
        "C is ragged"),
    bad("connectivity title", lambda r: plot_connectivity(np.eye(3), title=1.5), TypeError,
        "title == 1.5, must be a string or None"),
    bad("draw connectivity shape",
        lambda r: draw_connectivity(plot_connectivity(np.eye(3)), np.ones((3, 2))), ValueError,
        r"C has shape \(3, 2\), must be square"),
    # plot_training
    bad("training 1-D array", lambda r: plot_training(np.ones(5)), TypeError,
        r"histories must be a dict label -> history, got an array of shape \(5,\)"),
    bad("training None", lambda r: plot_training(None), TypeError, "histories must be a dict"),
    bad("training str", lambda r: plot_training("SGD"), TypeError,
        "histories must be a dict label -> history, got 'SGD'"),
    bad("training empty dict", lambda r: plot_training({}), ValueError,
        "histories == {}, must hold at least one run"),
    bad("training history list", lambda r: plot_training({"SGD": [1.0, 0.5]}), TypeError,
        r"histories\['SGD'\] must be a dict"),
    bad("training no grad_norm", lambda r: plot_training({"x": {"loss": [1.0]}}), ValueError,
        r"histories\['x'\] has no 'grad_norm'"),
    bad("training 2-D loss", lambda r: plot_training({"x": {**RUN, "loss": np.ones((2, 2))}}),
        ValueError, r"histories\['x'\]\['loss'\] has shape \(2, 2\), must be 1-D"),
    bad("training lengths", lambda r: plot_training({"x": {**RUN, "grad_norm": [1.0]}}),
        ValueError, r"histories\['x'\]\['grad_norm'\] has shape \(1,\), must be \(2,\)"),
    bad("training clipped length", lambda r: plot_training({"x": {**RUN, "clipped": [True]}}),
        ValueError, r"histories\['x'\]\['clipped'\] has shape \(1,\), must be \(2,\)"),
    bad("training complex", lambda r: plot_training({"x": {**RUN, "loss": [1j, 1.0]}}),
        TypeError, r"histories\['x'\]\['loss'\] has complex dtype"),
    bad("training str loss", lambda r: plot_training({"x": {**RUN, "loss": "high"}}), TypeError,
        r"histories\['x'\]\['loss'\] must hold real numbers"),
    bad("training diverged_at", lambda r: plot_training({"x": {**RUN, "diverged_at": 7}}),
        ValueError, r"histories\['x'\]\['diverged_at'\] == 7, must be <= 2"),
    bad("training diverged_at float",
        lambda r: plot_training({"x": {**RUN, "diverged_at": 1.5}}), TypeError,
        r"histories\['x'\]\['diverged_at'\] == 1.5, must be an integer"),
    bad("training title", lambda r: plot_training({"x": RUN}, title=None), TypeError,
        "title == None, must be a string"),
    bad("training styles str", lambda r: plot_training({"x": RUN}, styles="dash"), TypeError,
        "styles == 'dash', must be a list of triples"),
    bad("training styles empty", lambda r: plot_training({"x": RUN}, styles=[]), ValueError,
        r"styles == \[\], must hold at least one"),
    bad("training style pair", lambda r: plot_training({"x": RUN}, styles=[("blue", "dot")]),
        TypeError, r"styles\[0\] == \('blue', 'dot'\), must be \(colour, dash, symbol\)"),
    bad("training style colour",
        lambda r: plot_training({"x": RUN}, styles=[("red", "dot", "x")]), ValueError,
        r"styles\[0\]\[0\] == 'red', must be one of 'black'"),
    bad("training range number", lambda r: plot_training({"x": RUN}, loss_range=10), ValueError,
        r"loss_range == 10, must be a pair \(lo, hi\)"),
    bad("training range triple", lambda r: plot_training({"x": RUN}, norm_range=(1, 2, 3)),
        ValueError, r"norm_range == \(1, 2, 3\), must be a pair"),
    bad("training range reversed", lambda r: plot_training({"x": RUN}, loss_range=(10, 1)),
        ValueError, r"loss_range == \(10, 1\), lo must be < hi"),
    bad("training range zero", lambda r: plot_training({"x": RUN}, norm_range=(0, 1)),
        ValueError, "norm_range == 0.0, must be > 0"),
    bad("training range str", lambda r: plot_training({"x": RUN}, norm_range=("a", "b")),
        TypeError, "norm_range == 'a', must be a real number"),
    # plot_success_rates
    bad("success 1-D array", lambda r: plot_success_rates(np.ones(3)), TypeError,
        r"table must be a dict setting -> \{label: values\}, got an array of shape \(3,\)"),
    bad("success None", lambda r: plot_success_rates(None), TypeError, "table must be a dict"),
    bad("success empty dict", lambda r: plot_success_rates({}), ValueError,
        "table == {}, must hold at least one setting"),
    bad("success row list", lambda r: plot_success_rates({10: [0.5]}), TypeError,
        r"table\[10\] must be a dict label -> values, got \[0.5\]"),
    bad("success value > 1", lambda r: plot_success_rates({10: {"SGD": 1.5}}), ValueError,
        r"table\[10\]\['SGD'\] == \[1.5\], must be in \[0, 1\]"),
    bad("success value str", lambda r: plot_success_rates({10: {"SGD": "all"}}), TypeError,
        r"table\[10\]\['SGD'\] must hold real numbers"),
    bad("success value None", lambda r: plot_success_rates({10: {"SGD": None}}), TypeError,
        r"table\[10\]\['SGD'\] must hold real numbers"),
    bad("success complex", lambda r: plot_success_rates({10: {"SGD": [0.5j]}}), TypeError,
        r"table\[10\]\['SGD'\] has complex dtype"),
    bad("success 2-D", lambda r: plot_success_rates({10: {"SGD": [[0.5, 1.0]]}}), ValueError,
        r"table\[10\]\['SGD'\] has shape \(1, 2\), must be a number or one per seed"),
    bad("success setting_name", lambda r: plot_success_rates({10: {"a": 1}}, setting_name=5),
        TypeError, "setting_name == 5, must be a string"),
    bad("success title", lambda r: plot_success_rates({10: {"a": 1}}, title=None), TypeError,
        "title == None, must be a string"),
]  # fmt: skip


@pytest.mark.parametrize("call, error, match", BAD_INPUT)
def test_bad_input_raises_an_error_that_names_the_argument(fake_flow, call, error, match):
    with pytest.raises(error, match=match):
        call(fake_flow([1e-3, 1e-2, 1e-1, 1.0]))


def test_nan_and_inf_inside_valid_input_are_drawn_not_rejected(fake_flow):
    flow = fake_flow([np.nan, np.inf, 0.0, 1.0])
    C = np.tril(np.ones((4, 4)))
    C[2, 0], C[3, 0] = np.nan, np.inf
    run = {"loss": [0.7, np.inf, np.nan], "grad_norm": [1.0, np.nan, np.inf], "clipped": None}
    figs = [
        plot_connectivity(C.tolist(), title="t"),
        plot_training({"x": run, "y": {**run, "diverged_at": 3}}, loss_range=[0.1, 10]),
        plot_training({"diverged at once": {"loss": [], "grad_norm": [], "diverged_at": 0}}),
        plot_success_rates({10: {"a": np.nan, "b": [True, False]}, 20: {}}, setting_name="gap"),
    ]
    assert all(isinstance(f, go.Figure) for f in figs)
    assert GradientFlowView(flow, clip_threshold=np.float32(0.5), title="t").result["title"] == "t"
