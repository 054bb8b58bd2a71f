"""The figures: pure functions of dicts and arrays, readable on a projector, honest about NaN."""

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from rnnviz.figures import (
    plot_chain,
    plot_clipping_geometry,
    plot_connectivity,
    plot_gradient_norms,
    plot_success_rates,
    plot_training,
)
from rnnviz.figures.style import COLORS
from rnnviz.views import chain_data, clipping_geometry, gradient_flow, readouts


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
    r = gradient_flow(T=30, weight_scale=1.2, clip_threshold=0.5)
    return {
        "gradient_norms": plot_gradient_norms(r, clip_threshold=0.5),
        "chain": plot_chain(r),
        "clipping": plot_clipping_geometry(clipping_geometry((2.0, 1.0), 1.0)),
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
        if name != "chain" or axis == "yaxis":
            assert ax.title.text, f"{axis} has no label"
        if ax.type == "log":
            assert "log scale" in ax.title.text or "log scale" in str(fig.layout.annotations)


def test_colours_come_from_colour_blind_safe_palettes(fake_flow):
    fig = plot_gradient_norms(fake_flow([1e-3, 1e-2, 1e-1, 1.0]), clip_threshold=0.5)
    safe = set(COLORS.values())
    for trace in fig.data:
        color = trace.line.color or trace.marker.color
        assert color in safe, (trace.name, color)
    dashes = [t.line.dash for t in fig.data if t.mode and "lines" in t.mode]
    assert len(set(dashes)) == len(dashes), "lines differ by dash, not by colour alone"


def test_gradient_norms_plot_shows_the_result(fake_flow):
    r = fake_flow([1e-6, 1e-4, 1e-2, 1.0])
    fig = plot_gradient_norms(r)
    np.testing.assert_array_equal(fig.data[0].y, r.grad_norm)
    np.testing.assert_allclose(fig.data[1].y, [1e-6 * 0 + 0.9**3, 0.81, 0.9, 1.0])
    assert fig.layout.yaxis.type == "log"
    assert "log scale" in fig.layout.yaxis.title.text
    assert fig.data[3].visible is False and fig.data[4].visible is False
    assert "vanishing predicted" in fig.layout.annotations[0].text
    assert fig.layout.shapes[0].visible is False


def test_clipping_is_drawn_and_explained(fake_flow):
    r = fake_flow([1e-3, 1e-2, 1e-1, 1.0], factor=0.25, total=4.0)
    fig = plot_gradient_norms(r, clip_threshold=1.0)
    np.testing.assert_allclose(fig.data[3].y, r.grad_norm * 0.25)
    assert list(fig.data[4].y) == [1.0, 1.0]
    assert "× 0.25" in fig.data[3].name and "same shape, shifted down" in fig.data[3].name
    assert "shape stays the same" in fig.data[3].hovertemplate
    assert "whole gradient" in fig.data[4].name
    text = readouts(r, clip_threshold=1.0)["clipping"]
    assert text == "||g|| = 4 > c = 1: the whole gradient × 0.25"


@pytest.mark.parametrize(
    "grad_norm, expected",
    [
        ([np.inf, np.inf, 5.0, 1.0], "overflow (inf) from step 2 back to step 1"),
        ([np.nan, np.nan, np.nan, np.nan], "NaN from step 4 back to step 1"),
    ],
)
def test_overflow_is_shown_where_the_numbers_are(fake_flow, grad_norm, expected):
    loss = 0.5 if np.isfinite(grad_norm[-1]) else np.nan
    r = fake_flow(grad_norm, loss=loss)
    fig = plot_gradient_norms(r)
    assert fig.layout.annotations[1].visible and expected in fig.layout.annotations[1].text
    assert fig.layout.shapes[0].visible and fig.layout.shapes[0].x1 == r.first_nonfinite + 0.5
    assert expected.split(" back")[0] in fig.layout.annotations[0].text
    bad = ~np.isfinite(grad_norm)
    np.testing.assert_array_equal(fig.data[5].x, np.arange(1, 5)[bad])
    assert set(fig.data[5].marker.symbol) == {"x"}
    assert readouts(r)["overflow"].startswith(expected)
    if np.isnan(loss):
        assert "forward pass itself overflowed" in fig.layout.annotations[1].text
    c = chain_data(r)
    json.dumps(c, allow_nan=False)
    assert [s for s, b in zip(c["state"], bad, strict=True) if b] == [r.nonfinite] * bad.sum()


def test_exact_zeros_are_marked_at_the_bottom(fake_flow):
    r = fake_flow([0.0, 0.0, 1e-30, 1.0])
    fig = plot_gradient_norms(r)
    np.testing.assert_array_equal(fig.data[5].x, [1, 2])
    assert set(fig.data[5].marker.symbol) == {"triangle-down"}
    assert max(fig.data[5].y) < 1e-30
    assert chain_data(r)["state"][:2] == ["zero", "zero"]


def test_static_chain_animates_without_a_kernel():
    r = gradient_flow(T=12, weight_scale=0.8)
    fig = plot_chain(r)
    assert len(fig.frames) == 12 and fig.frames[0].name == "12" and fig.frames[-1].name == "1"
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    opacities = [np.asarray(f.data[0].marker.opacity) for f in fig.frames]
    assert [int((o == 1).sum()) for o in opacities] == list(range(1, 13)), "one step per frame"
    html = fig.to_html(include_plotlyjs=False, full_html=False)
    assert "Plotly.addFrames" in html or "frames" in html
    assert len(plot_chain(r, animate=False).frames) == 0


def test_connectivity_map_is_lower_triangular_on_a_log_scale():
    C = np.tril(10.0 ** -np.subtract.outer(np.arange(6), np.arange(6)).clip(0))
    C[5, 0] = 0.0  # exactly zero: left blank rather than log10(0) = -inf
    fig = plot_connectivity(C)
    z = np.array(fig.data[0].z, dtype=float)
    assert np.isnan(z[np.triu_indices(6, 1)]).all()
    assert np.isnan(z[5, 0])
    np.testing.assert_allclose(z[4, 0], -4.0)
    assert fig.layout.yaxis.autorange == "reversed"
    assert "log scale" in fig.data[0].colorbar.title.text
    ticks = fig.data[0].colorbar.ticktext
    assert ticks[0] == "10⁻⁴" and ticks[-1] == "1", ticks
    z_sent = json.loads(fig.to_json())["data"][0]["z"]
    assert z_sent[0][1] is None and z_sent[5][0] is None


def test_clipping_geometry_arrows():
    g = clipping_geometry((2.0, 0.5), 1.0)
    fig = plot_clipping_geometry(g)
    tips = {t.meta: (t.x[1], t.y[1]) for t in fig.data}
    np.testing.assert_allclose(tips["by_value"], [1.0, 0.5])
    np.testing.assert_allclose(tips["by_norm"], np.array([2.0, 0.5]) / np.hypot(2.0, 0.5))
    assert fig.layout.shapes[0].x1 == 1.0 and fig.layout.shapes[1].type == "circle"
    assert {t.line.dash for t in fig.data} == {"solid", "dash", "dot"}


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
    with pytest.raises(ValueError, match="histories\\['x'\\] has no 'grad_norm'"):
        plot_training({"x": {"loss": [1.0]}})
    with pytest.raises(ValueError, match="histories must be a non-empty dict"):
        plot_training({})


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
    with pytest.raises(ValueError, match=r"table\[10\]\['SGD'\] == \[1.5\]"):
        plot_success_rates({10: {"SGD": 1.5}})


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
