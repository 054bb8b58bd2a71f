"""The instructor's card, the explorer's Move menu and the page agree: every move of the card is
a preset of the explorer (views.PRESETS) with the same setting, the controls it changes are the
ones named, and every readout it quotes, and what it says of the chain and the figure, is what
the explorer's own module shows for the engine's numbers."""

import re
from pathlib import Path

import pytest
from jsviews import derive

from rnnviz import views

CARD = Path(__file__).resolve().parents[1] / "docs" / "instructor-card.md"
GUIDE = CARD.with_name("teaching-guide.md")
ROW = re.compile(r"^\| (\d+)(?: ★)? \| (.*?) \| `([^`]*)` \| (.*?) \| (.*?) \| (.*?) \|$", re.M)
DEFAULTS = {c.name: c.default for c in views.EXPLORER}
NAMES = {"T": "T", "weight_scale": "σ_max", "activation": "g", "dtype": "precision",
         "clip_threshold": "c", "n_a": "n_a", "seed": "seed"}  # fmt: skip


def rows():
    found = ROW.findall(CARD.read_text(encoding="utf-8"))
    assert len(found) == len(views.PRESETS), "the card's table of moves was not found whole"
    return found


def setting_of(text):
    """`T=50 weight_scale=0.9 activation=tanh` -> the whole setting, from the defaults."""
    kwargs = dict(pair.split("=") for pair in text.split())
    numbers = {"T": int, "weight_scale": float, "clip_threshold": float}
    return DEFAULTS | {k: numbers.get(k, str)(v) for k, v in kwargs.items()}


@pytest.fixture(scope="module")
def shown():
    """What the explorer's module shows at every preset, derived in one run of the module."""
    settings = [DEFAULTS | moves for _, moves in views.PRESETS]
    results = [views.flow_numbers(views.gradient_flow(**s), setting=s) for s in settings]
    return dict(zip([row[0] for row in rows()], derive("explorer", results), strict=True))


def test_the_essential_moves_fit_the_plan():
    """Ten minutes of explorer: the card marks six moves as essential, and says which."""
    text = CARD.read_text(encoding="utf-8")
    essential = re.findall(r"^\| (\d+) ★ \|", text, re.M)
    assert essential == ["1", "3", "4", "5", "8", "10"]
    assert "(1, 3, 4, 5, 8, 10)" in text  # the legend names the same moves
    assert [label for label, _ in views.PRESETS if "★" in label] == [
        label for label, _ in views.PRESETS if label.split()[0] in essential
    ]


@pytest.mark.parametrize(("number", "menu", "code", "changes", "sees", "ask"), rows())
def test_every_move_is_a_preset_with_the_cards_setting(number, menu, code, changes, sees, ask):
    i = int(number) - 1
    label, moves = views.PRESETS[i]
    assert menu == label, f"move {number}: the card calls it {menu!r}, the menu {label!r}"
    assert setting_of(code) == DEFAULTS | moves, f"move {number}: {code} is not the preset"
    before = DEFAULTS if i == 0 else DEFAULTS | views.PRESETS[i - 1][1]
    moved = [NAMES[k] for k in DEFAULTS if before[k] != (DEFAULTS | moves)[k]]
    named = [] if changes.startswith("—") else [c.strip() for c in changes.split(",")]
    assert named == moved, f"move {number} changes {moved}, the card says {named}"
    assert ask.strip().endswith('?"'), f"move {number} has no question to ask"


@pytest.mark.parametrize(("number", "menu", "code", "changes", "sees", "ask"), rows())
def test_every_quoted_readout_and_drawing_is_what_the_explorer_shows(
    shown, number, menu, code, changes, sees, ask
):
    view = shown[number]
    readouts = view["readouts"]
    quotes = re.findall(r'"([^"]+)"', sees)
    assert quotes, f"move {number} quotes no readout"
    for quote in quotes:
        assert any(quote in value for value in readouts.values()), (number, quote, readouts)
    ratio = readouts["ratio ||dL/da<1>|| / ||dL/da<T>||"]
    assert ratio in quotes or "NaN" in ratio, f"move {number} must quote the ratio {ratio!r}"
    states = set(view["chain"]["state"])
    if "every bar grey" in sees:  # inf or NaN: drawn grey, full height
        assert states <= {"inf", "NaN"} and set(view["chain"]["height"]) == {1}, states
    else:
        assert states == {"ok"}, f"move {number}: the chain shows {states}"
    if "flat line" in sees:
        lo, hi = view["figure"]["layout"]["yaxis"]["range"]
        assert hi - lo >= 2, "a flat line must be drawn on at least two decades"
        labels = view["figure"]["layout"]["yaxis"]["ticktext"]
        assert len(labels) >= 2, f"the flat line's y axis is labelled {labels}"
    if "moved down" in sees:
        assert any("after clipping" in (t["name"] or "") for t in view["figure"]["data"])


def test_the_guide_follows_the_card():
    guide = GUIDE.read_text(encoding="utf-8")
    assert "circles" not in guide and "hatched" not in guide
    for label, _ in views.PRESETS:
        if "★" in label:
            assert f"**{label}**" in guide, f"the guide does not name the move {label!r}"


def test_the_card_quotes_the_clipping_arrows_right():
    r = views.clipping_geometry((3.0, 0.6), 1.0)
    assert f"by value turns it by {r.turn_by_value:.1f}°" in CARD.read_text(encoding="utf-8")
    assert r.turn_by_norm < 0.05
