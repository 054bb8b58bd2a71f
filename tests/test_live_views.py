"""The live views' modules (rnnviz/widgets/static/*.js), run in node on the engine's numbers:
what each view draws and says for a setting, readable on a projector, honest about NaN."""

import numpy as np
import pytest
from jsviews import derive

from rnnviz import views
from rnnviz.figures.style import COLORS
from rnnviz.lessons import gated as lg

DEFAULTS = {c.name: c.default for c in views.EXPLORER}


def explorer(result, **setting):
    """The explorer's derived view of a GradientFlow, with setting `setting` or none (a fixed
    result: then `clip_threshold` is the one it was computed with)."""
    clip = setting.pop("clip", None)
    s = DEFAULTS | setting if setting else None
    return derive("explorer", [views.flow_numbers(result, setting=s, clip_threshold=clip)])[0]


def sizes(node, key=None):
    """Every explicit font size in a figure's JSON."""
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "size" and key in ("font", "tickfont", "textfont", "title") and v:
                found.append(v)
            found += sizes(v, k)
    elif isinstance(node, list):
        for v in node:
            found += sizes(v, key)
    return [s for s in found if isinstance(s, int | float)]


def test_the_figures_are_readable_from_the_back_of_the_room():
    r = views.gradient_flow(T=30, weight_scale=1.2, clip_threshold=0.5)
    figures = {
        "explorer": explorer(r, T=30, weight_scale=1.2, clip_threshold=0.5)["figure"],
        "clipping": derive("clipping", [views.clip_numbers(views.clipping_geometry((2, 1), 1))])[0][
            "figure"
        ],
        "heatmap": derive("heatmap", [views.connectivity_numbers(views.connectivity_map(T=10))])[0][
            "figure"
        ],
    }
    for name, fig in figures.items():
        found = sizes(fig)
        assert found and min(found) >= 16, (name, found)
        assert fig["layout"]["font"]["size"] >= 16
        for axis in ("xaxis", "yaxis"):
            assert fig["layout"][axis]["title"]["text"], f"{name}: {axis} has no label"
            if fig["layout"][axis].get("type") == "log":
                assert "log scale" in fig["layout"][axis]["title"]["text"]


def test_lines_differ_by_dash_and_colours_are_colour_blind_safe(fake_flow):
    fig = explorer(fake_flow([1e-3, 1e-2, 1e-1, 1.0], factor=0.25, total=4.0), clip=1.0)["figure"]
    safe = set(COLORS.values())
    for trace in fig["data"]:
        color = trace.get("line", {}).get("color") or trace["marker"]["color"]
        assert color in safe, (trace["name"], color)
    dashes = [t["line"].get("dash", "solid") for t in fig["data"] if "lines" in t["mode"]]
    assert len(set(dashes)) == len(dashes), "lines differ by dash, not by colour alone"


def test_the_figure_shows_the_result(fake_flow):
    r = fake_flow([1e-6, 1e-4, 1e-2, 1.0])
    view = explorer(r)
    fig = view["figure"]
    assert fig["data"][0]["y"] == list(r.grad_norm)
    np.testing.assert_allclose(fig["data"][1]["y"], [0.9**3, 0.81, 0.9, 1.0])
    assert fig["layout"]["yaxis"]["type"] == "log"
    assert not fig["data"][3]["visible"] and not fig["data"][4]["visible"]
    assert "vanishing predicted" in view["result"] and "(vanished)" in view["result"]
    assert not fig["layout"]["shapes"][0]["visible"]


def test_clipping_is_drawn_and_explained(fake_flow):
    r = fake_flow([1e-3, 1e-2, 1e-1, 1.0], factor=0.25, total=4.0)
    view = explorer(r, clip=1.0)
    d = view["figure"]["data"]
    np.testing.assert_allclose(d[3]["y"], r.grad_norm * 0.25)
    assert d[4]["y"] == [1.0, 1.0]
    assert "× 0.25" in d[3]["name"] and "same shape, shifted down" in d[3]["name"]
    assert "shape stays the same" in d[3]["hovertemplate"]
    assert "whole gradient" in d[4]["name"]
    assert view["readouts"]["clipping"] == "||g|| = 4 > c = 1: the whole gradient × 0.25"
    assert view["chain"]["quantity"] == "||dL/da<k>|| after clipping"


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
    view = explorer(r)
    layout, d = view["figure"]["layout"], view["figure"]["data"]
    assert layout["annotations"][0]["visible"] and expected in layout["annotations"][0]["text"]
    assert layout["shapes"][0]["visible"] and layout["shapes"][0]["x1"] == r.first_nonfinite + 0.5
    assert expected.split(" back")[0] in view["result"]
    bad = ~np.isfinite(grad_norm)
    assert d[5]["x"] == list(np.arange(1, 5)[bad])
    assert set(d[5]["marker"]["symbol"]) == {"x"}
    assert view["readouts"]["overflow"].startswith(expected)
    if np.isnan(loss):
        assert "forward pass itself overflowed" in layout["annotations"][0]["text"]
    states = view["chain"]["state"]
    assert [s for s, b in zip(states, bad, strict=True) if b] == [r.nonfinite] * bad.sum()


def test_exact_zeros_are_marked_at_the_bottom(fake_flow):
    view = explorer(fake_flow([0.0, 0.0, 1e-30, 1.0]))
    edge = view["figure"]["data"][5]
    assert edge["x"] == [1, 2] and set(edge["marker"]["symbol"]) == {"triangle-down"}
    assert max(edge["y"]) < 1e-30
    assert view["chain"]["state"][:2] == ["zero", "zero"]


def test_the_chain_is_relative_to_step_T_on_a_fixed_log_scale(fake_flow):
    r = fake_flow([1e-16, 1e-8, 1.0, 2.0, 4.0])
    chain = explorer(r)["chain"]
    expected = np.clip((np.log10(np.array(r.grad_norm) / 4.0) + 16) / 32, 0, 1)
    np.testing.assert_allclose(chain["height"], expected, atol=1e-12)
    assert chain["relative"][-1] == "1" and chain["text"][-1] == "4"
    assert len(set(chain["color"])) == 5
    assert chain["color"][0] == "#440154"  # Viridis's first colour: the bottom of the scale


def test_readouts_say_sufficient_and_necessary(fake_flow):
    def predicted(r):
        return explorer(r)["readouts"]["predicted"]

    assert predicted(fake_flow([1e-3, 1.0], sigma=0.5)).startswith(
        "vanishing: σ_max·γ < 1 is sufficient"
    )
    assert predicted(fake_flow([1e3, 1.0], sigma=2.0)).startswith(
        "exploding: σ_max·γ > 1 is necessary, not sufficient"
    )
    assert predicted(fake_flow([1.0, 1.0], sigma=1.0)).startswith("neither")
    linear = predicted(fake_flow([1e3, 1.0], sigma=2.0, activation="linear"))
    assert "saturated" not in linear and "spectral radius ρ(W_aa) > 1" in linear
    view = explorer(fake_flow([1e-3, 1.0]))
    assert view["readouts"]["ratio ||dL/da<1>|| / ||dL/da<T>||"] == "0.001 (vanished)"


def test_notes_and_titles_call_exploding_possible_not_predicted(fake_flow):
    exploding = explorer(fake_flow([1e-3, 1.0], sigma=2.0))
    vanishing = explorer(fake_flow([1e-3, 1.0], sigma=0.5))
    assert exploding["status"][0].endswith("= 2: exploding possible")
    assert exploding["title"].endswith(", exploding possible")
    assert vanishing["status"][0].endswith(": vanishing predicted")
    assert vanishing["title"].endswith(", vanishing predicted")


def test_the_explorers_title_is_its_whole_setting():
    r = views.gradient_flow(T=30, weight_scale=1.2, clip_threshold=0.03, activation="relu")
    view = explorer(r, T=30, weight_scale=1.2, clip_threshold=0.03, activation="relu")
    assert view["title"] == (
        "relu, T = 30, σ_max(W_aa) = 1.20, n_a = 32, seed 0, float64, clip c = 0.03"
    )


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
    r = views.clipping_geometry(g, c)
    view = derive("clipping", [views.clip_numbers(r)])[0]
    assert view["readouts"]["clipped by value"].endswith(": " + by_value)
    assert view["readouts"]["clipped by norm"].endswith(": " + by_norm)
    tips = {t["meta"]: (t["x"][1], t["y"][1]) for t in view["figure"]["data"]}
    np.testing.assert_array_equal(tips["by_value"], r.by_value)
    np.testing.assert_array_equal(tips["by_norm"], r.by_norm)
    shapes = view["figure"]["layout"]["shapes"]
    assert shapes[0]["x1"] == c and shapes[1]["type"] == "circle"


def test_the_heatmap_is_lower_triangular_on_one_fixed_log_scale():
    weak, strong = np.tril(np.full((4, 4), 1e-12)), np.tril(np.full((4, 4), 1e-2))
    broken = strong.copy()
    broken[3, :2] = [np.nan, np.inf]
    saturated = strong.copy()
    saturated[3] = 0.0
    maps = [weak, strong, broken, saturated]
    out = derive("heatmap", [views.connectivity_numbers(C) for C in maps])
    for view in out:  # the same colour scale for every map: the colours differ, not the labels
        heat = view["figure"]["data"][0]
        assert (heat["zmin"], heat["zmax"]) == (-16, 2)
        assert heat["z"][0][1] is None  # above the diagonal: blank
        assert heat["colorbar"]["ticktext"][0] == "10⁻¹⁶"
    assert out[0]["figure"]["data"][0]["z"][3][0] == -12
    assert out[1]["figure"]["data"][0]["z"][3][0] == -2
    over = out[2]["figure"]["data"][1]["z"]
    assert over[3][:3] == [1, 1, None] and out[2]["figure"]["data"][0]["z"][3][0] is None
    assert out[2]["title"] == "2 of 10 cells overflowed to inf or NaN (grey)"
    assert "the last output is saturated" in out[3]["title"]
    assert out[1]["title"] == "||∂ŷ<T>/∂x<1>|| / ||∂ŷ<T>/∂x<T>|| = 1"
    assert out[1]["figure"]["layout"]["yaxis"]["autorange"] == "reversed"


def test_the_gated_cells_view_says_how_much_reaches_the_noun():
    x, y = lg.explorer_sentences(43)
    curves = lg.cell_gradients(x, y, update_bias=-3.0, forget_bias=3.0)
    share = lg.reach(curves)
    results = [lg.cell_numbers(curves, setting={"show": show}) for show in ("all three", "GRU")]
    out = derive("cells", results, labels=lg.REACH_LABELS)
    rows = out[0]["readouts"]
    for key, label in lg.REACH_LABELS.items():
        assert rows[label].startswith(f"{share[key]:.2g}"), (label, rows[label], share[key])
    assert "keep 1 - Γ_u ≈ " in rows["GRU, a path (= c)"]
    assert [t["visible"] for t in out[0]["figure"]["data"]] == [True] * 4
    assert [t["visible"] for t in out[1]["figure"]["data"]] == [False, True, False, False]
    assert out[0]["figure"]["layout"]["title"]["text"].endswith("T = 43, at every step k")
