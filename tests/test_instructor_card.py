"""The instructor's card quotes the explorer's readouts: recompute every one, with the engine's
numbers and the explorer's own module (the only place its readouts are worded)."""

import re
from pathlib import Path

import pytest
from jsviews import derive

from rnnviz import views

CARD = Path(__file__).resolve().parents[1] / "docs" / "instructor-card.md"
ROW = re.compile(r"^\| (\d+)(?: ★)? \| `([^`]*)` \| (.*?) \| (.*?) \|$", re.M)


def rows():
    found = ROW.findall(CARD.read_text(encoding="utf-8"))
    assert len(found) >= 8, "the card's table of moves was not found"
    return found


def test_the_essential_moves_fit_the_plan():
    """Ten minutes of explorer: the card marks six moves as essential, and says which."""
    text = CARD.read_text(encoding="utf-8")
    essential = re.findall(r"^\| (\d+) ★ \|", text, re.M)
    assert essential == ["1", "3", "4", "5", "8", "10"]
    assert "(1, 3, 4, 5, 8, 10)" in text  # the legend names the same moves


def setting_of(text):
    """`T=50 weight_scale=0.9 activation=tanh` -> keyword arguments of views.gradient_flow."""
    kwargs = dict(pair.split("=") for pair in text.split())
    numbers = {"T": int, "weight_scale": float, "clip_threshold": float}
    return {k: numbers.get(k, str)(v) for k, v in kwargs.items()}


@pytest.fixture(scope="module")
def shown():
    """The readouts of every move of the card, derived in one run of the module."""
    moves = rows()
    settings = [{c.name: c.default for c in views.EXPLORER} | setting_of(m[1]) for m in moves]
    results = [views.flow_numbers(views.gradient_flow(**s), setting=s) for s in settings]
    return {
        m[0]: view["readouts"] for m, view in zip(moves, derive("explorer", results), strict=True)
    }


@pytest.mark.parametrize(("number", "code", "sees", "ask"), rows())
def test_every_quoted_readout_is_what_the_explorer_shows(shown, number, code, sees, ask):
    readouts = shown[number]
    quotes = re.findall(r'"([^"]+)"', sees)
    assert quotes, f"move {number} quotes no readout"
    for quote in quotes:
        assert any(quote in value for value in readouts.values()), (number, quote, readouts)
    ratio = readouts["ratio ||dL/da<1>|| / ||dL/da<T>||"]
    assert ratio in quotes or "NaN" in ratio, f"move {number} must quote the ratio {ratio!r}"
    assert ask.strip().endswith('?"'), f"move {number} has no question to ask"


def test_the_card_quotes_the_clipping_arrows_right():
    r = views.clipping_geometry((3.0, 0.6), 1.0)
    assert f"by value turns it by {r.turn_by_value:.1f}°" in CARD.read_text(encoding="utf-8")
    assert r.turn_by_norm < 0.05
